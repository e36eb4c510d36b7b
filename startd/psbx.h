/*
 * psbx.h: the sandbox requests of the agent's network child to its root
 * parent, on a socketpair of their own (SOCK_SEQPACKET: one message a
 * request, one a reply).  The child asks and waits for the answer (the
 * parent is local and answers at once); the parent serves them from its
 * loop (priv-sbx.c), checking each: a sandbox it made for the run the
 * request names and has not closed, paths as sbfs.h takes them, the
 * job's user its own decision (jobuser_pick()), never a uid from the
 * child.  The child's side (privc-sbx.c) has sbfs.h's calls, with a
 * sandbox's number where sbfs.h has a directory descriptor.
 */
#ifndef CQ_PSBX_H
#define CQ_PSBX_H

#include <sys/types.h>
#include <stdint.h>

#include "sbfs.h"

enum psbx_op {
	PSBX_SWEEP = 1,	/* remove what is under sandbox_dir (once) */
	PSBX_MAKE,	/* a run's sandbox: job, run, byjob, owner, uid, slot */
	PSBX_OPEN_READ,
	PSBX_CREATE,
	PSBX_MKDIRS,
	PSBX_STAT,
	PSBX_LIST,	/* the entries in a memfd */
	PSBX_REMOVE,
	PSBX_RENAME,
	PSBX_DESTROY,	/* remove the sandbox's tree */
	PSBX_CLOSE	/* forget the sandbox */
};

#define PSBX_NSTR	4
#define PSBX_JOB_MAX	32	/* a job id's bytes, its NUL included */
#define PSBX_MSG_MAX	(sizeof(struct psbx_req) + PSBX_NSTR * SBFS_MAX_PATH)

/*
 * A request: for every operation on a sandbox (not PSBX_SWEEP or
 * PSBX_MAKE), its number ID and the run it was made for (RUN, and the
 * job id as the fourth string): the parent refuses a number that is not
 * that run's.
 */
struct psbx_req {
	uint32_t	op;
	uint32_t	id;		/* the sandbox's number */
	int32_t		how;
	uint32_t	mode;
	int32_t		slot;
	uint32_t	run;		/* PSBX_MAKE's, the sandbox's */
	int64_t		sched_uid;
	uint32_t	byjob;
	uint16_t	len[PSBX_NSTR];	/* strings that follow, no NULs */
};

struct psbx_rep {
	int32_t		rv;
	int32_t		err;		/* errno when rv is -1 */
	uint32_t	id;		/* PSBX_MAKE's sandbox */
	int32_t		type;		/* PSBX_STAT */
	int64_t		size;
	int64_t		mtime_ns;
	uint32_t	uid;		/* PSBX_MAKE: the job's user */
	uint32_t	gid;
	char		msg[256];	/* PSBX_MAKE's error */
};

/* Parent: serve requests on SOCK from BASE's loop (sandboxes under DIR). */
struct event_base;
void	psbx_serve(struct event_base *, int sock, const char *dir);

/* Child: ask on SOCK from now on. */
void	psbxc_init(int sock);
/* The number of removed leftovers, or -1. */
int	psbxc_sweep(void);
/* The sandbox's number (the job's user into UID and GID), or -1 with ERR. */
int	psbxc_make(const char *job, uint32_t run, int byjob, const char *owner,
	    long long sched_uid, int slot, uid_t *uid, gid_t *gid, char *err,
	    size_t errlen);
int	psbxc_open_read(int id, const char *rel);
int	psbxc_create(int id, const char *rel, int how, mode_t mode);
int	psbxc_mkdirs(int id, const char *rel, mode_t mode);
int	psbxc_stat(int id, const char *rel, struct sbfs_ent *);
int	psbxc_list(int id, const char *rel, struct sbfs_ent **, size_t *);
int	psbxc_remove(int id, const char *rel);
int	psbxc_rename(int id, const char *from, const char *to);
int	psbxc_destroy(int id);
void	psbxc_close(int id);
/* Test only (privc.c's CQ_PRIVC_FORGE=1): JOB/RUN's sandbox number, or
 * -1; an open in sandbox ID naming another run JOB/RUN. */
int	psbxc_forge_id(const char *job, uint32_t run);
int	psbxc_forge_open(int id, const char *job, uint32_t run,
	    const char *rel);

#endif
