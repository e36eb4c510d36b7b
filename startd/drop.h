/*
 * drop.h: the network child's identity (docs/privileges.md).  An agent
 * started as root runs its network child as agent_user, with no
 * capabilities, no new privileges and not dumpable; the parent stays
 * root.  Not root: nothing changes.
 */
#ifndef CQ_DROP_H
#define CQ_DROP_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Before the split: when root, look USER up (refused, with the useradd
 * command that makes it, if missing) and make STATE_DIR/agent for it
 * (0700, its own; a credential of an older agent in STATE_DIR moves
 * there).  DIR gets the directory the child keeps its files in (STATE_DIR
 * itself when not root).  0, or -1 with ERR.
 */
int	drop_prepare(const char *user, const char *state_dir, char *dir,
	    size_t dirlen, char *err, size_t errlen);
/* agent_user's uid, or (uid_t)-1 (not root). */
uid_t	drop_uid(void);
/* In the child, once it needs root no more: become agent_user for good
 * (fatal if that fails).  Nothing when not root. */
void	drop_now(void);

#endif
