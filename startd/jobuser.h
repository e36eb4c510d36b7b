/*
 * jobuser.h: whom a job runs as on this desktop, decided in one place
 * (docs/jobs-users.md).  An agent that is root runs a job as its owner
 * where the owner is a user here (the files, NIS or LDAP, through
 * getpwnam), else as the slot's own user (slot_user + slot number,
 * cq-slot1, ...); as root only when the scheduler gave uid 0 (it does so
 * only with allow_root_jobs).  An agent that is not root runs every job
 * as itself.
 */
#ifndef CQ_JOBUSER_H
#define CQ_JOBUSER_H

#include <sys/types.h>
#include <stddef.h>

#define JOBUSER_NAME_MAX	64

struct jobuser {
	int	 switch_user;	/* 0: runs as the agent (not root, or root) */
	int	 slot_user;	/* 1: the slot's user: the owner is unknown */
	uid_t	 uid;		/* (uid_t)-1 without switch_user */
	gid_t	 gid;
	gid_t	*groups;	/* supplementary groups, gid included */
	int	 ngroups;
	char	 name[JOBUSER_NAME_MAX];	/* whom it runs as */
};

/*
 * Take slot_user (PREFIX; empty: no slot users) and the directories hidden
 * from slot users' jobs (HIDE, see jobuser_hide_check()) and, when root,
 * check that the user of each of NSLOTS slots exists: a slot whose user
 * is missing is refused (logged with the useradd command that makes it).
 */
void	jobuser_init(const char *prefix, const char *hide, int nslots);
/*
 * 0 if LIST is a comma- or space-separated list of absolute directories
 * other than "/" (or empty), else -1 with ERR.
 */
int	jobuser_hide_check(const char *list, char *err, size_t errlen);
/* The NULL-terminated directories JU's job must not see, or NULL. */
char *const *jobuser_hide(const struct jobuser *ju);
/* The hidden directory PATH is in, or NULL (JU sees it). */
const char *jobuser_hidden(const struct jobuser *ju, const char *path);
/* 1 if slot SLOT (1-based) may run jobs as far as users go. */
int	jobuser_slot_ok(int slot);
/* The name of slot SLOT's user into BUF ("" without slot users). */
void	jobuser_slot_name(int slot, char *buf, size_t len);
/*
 * Whom the job of OWNER (the scheduler gave it uid SCHED_UID) runs as on
 * slot SLOT: 0 with JU filled (free it with jobuser_clear()), or -1 with
 * ERR saying why it cannot run here.
 */
int	jobuser_pick(const char *owner, long long sched_uid, int slot,
	    struct jobuser *ju, char *err, size_t errlen);
/* Free what JU holds; JU may be zeroed. */
void	jobuser_clear(struct jobuser *ju);

#endif
