/*
 * ctl-int.h: what the files of the client socket share (ctl.c: the socket,
 * hello, submit and dispatch; ctl-query.c: queries; ctl-act.c: rm, hold,
 * release, vacate, drain).  Private to scheduler/ctl*.c.
 */
#ifndef CQ_CTL_INT_H
#define CQ_CTL_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct job;
struct json_object;
struct peer;
struct stage;

#define CTL_MAX_IDS	100000
#define CTL_MAX_HISTORY	100000		/* rows in one history reply */

/* One connected client. */
struct client {
	uid_t			 uid;
	pid_t			 pid;
	char			 owner[64];
	int			 hello;
	struct stage		*stage;		/* files put before a submit */
};

/* A parsed list of ids: cluster, and proc or -1 for all procs. */
struct idlist {
	uint32_t	*cluster;
	int64_t		*proc;
	size_t		 n;
};

/* ctl.c */
struct json_object *ctl_job_row(const struct job *);
void		 ctl_idlist_free(struct idlist *);
int		 ctl_idlist(struct json_object *arr, struct idlist *,
		    const char **errstr);
void		 ctl_idlist_normalize(struct idlist *);
ssize_t		 ctl_idlist_find(const struct idlist *, uint32_t cluster,
		    uint32_t proc);
int		 ctl_is_admin(const struct client *);
/* ctl-query.c */
void		 ctl_query(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);
/* ctl-act.c */
void		 ctl_act(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);
/* ctl-admin.c: the pool's credentials (administrators only) */
void		 ctl_admin(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);

#endif
