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

struct ctl_user;
struct event;

/* One connected client. */
struct client {
	uid_t			 uid;
	pid_t			 pid;
	char			 owner[64];
	int			 hello;
	int			 admin;		/* see ctl_is_admin() */
	struct stage		*stage;		/* files put before a submit */
	struct itemstage	*items;		/* a factory's, before it */
	struct peer		*peer;
	struct ctl_user		*user;		/* whose limits it counts in */
	int			 refused;	/* over a limit: told, closed */
	char			 refusal[128];	/* what it is told */
	struct event		*idle;		/* client_idle_timeout */
	int64_t			 active;	/* mono ms of its last message */
	size_t			 outq_seen;	/* its output at the last look */
};

/* A parsed list of ids: cluster, and proc or -1 for all procs. */
struct idlist {
	uint32_t	*cluster;
	int64_t		*proc;
	size_t		 n;
};

/* ctl.c */
size_t		 ctl_cmd_len(const struct client *, const struct job *,
		    size_t *cache);
/* J's reply row, its cmd cut at CMDLEN bytes (ctl_cmd_len). */
struct json_object *ctl_job_row(const struct job *, size_t cmdlen);
void		 ctl_idlist_free(struct idlist *);
int		 ctl_idlist(struct json_object *arr, struct idlist *,
		    const char **errstr);
void		 ctl_idlist_normalize(struct idlist *);
ssize_t		 ctl_idlist_find(const struct idlist *, uint32_t cluster,
		    uint32_t proc);
int		 ctl_is_admin(const struct client *);
int		 ctl_may_see(const struct client *, const struct job *);
/* ctl-users.c */
int		 ctl_users_init(void);
/* Fill C's owner, admin and user at accept (-1: close it unanswered). */
int		 ctl_users_admit(struct client *, int fd, gid_t gid);
/* C's connection is P: its quota and idle timer (or refusal deadline). */
void		 ctl_users_attach(struct client *, struct peer *p);
/* A message from C arrived: it is not idle. */
void		 ctl_users_active(struct client *);
/* C is closing. */
void		 ctl_users_leave(struct client *);
/* 1 if C may queue N more jobs, else 0 with the refusal in ERR. */
int		 ctl_users_jobs_ok(struct client *, size_t n, char *err,
		    size_t len);
/* ctl-answer.c: large answers, a bounded slice per loop turn */
#define CTL_ANSWER_ROWS_PER_TURN	500
struct rows_text;
/*
 * Write at most BUDGET more rows into T (1 in *DONE once all are
 * written); returns how many it wrote.
 */
typedef size_t	(*ctl_answer_more)(void *arg, struct rows_text *t,
		    size_t budget, int *done);
/* Answer P's request REQID with T's rows, written by MORE(ARG) over as
 * many loop turns as it takes; DONE(ARG) once the answer is sent or
 * dropped.  Takes T. */
void		 ctl_answer_start(struct peer *p, uint32_t reqid,
		    struct rows_text *t, ctl_answer_more more,
		    void (*done)(void *), void *arg);
/* P is closing: drop its answers. */
void		 ctl_answer_forget(struct peer *p);
void		 ctl_answer_shutdown(void);
/* ctl-query.c */
void		 ctl_query(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);
/* ctl-act.c */
void		 ctl_act(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);
/* ctl-fair.c: cq prio and cq qedit (MSG_EDIT), cq userprio */
void		 ctl_edit(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);
void		 ctl_userprio(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);
/* ctl-admin.c: the pool's credentials (administrators only) */
void		 ctl_admin(struct peer *, struct client *, uint32_t reqid,
		    struct json_object *msg);

#endif
