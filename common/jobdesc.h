/*
 * jobdesc.h: job descriptions, what a submit file turns into and what
 * travels to the scheduler and on to an agent.  submit.h reads the
 * HTCondor submit language into them, jobdesc_from_argv() makes one from
 * a command line, and jobdesc_to_json()/jobdesc_from_json() are the one
 * wire form, also printed by `cq submit --dry-run`.
 */
#ifndef CQ_JOBDESC_H
#define CQ_JOBDESC_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Limits on what one description may carry. */
#define JOBDESC_MAX_ARGS	4096
#define JOBDESC_MAX_ENV		4096
#define JOBDESC_MAX_STR		65536	/* any one string */
#define JOBDESC_MAX_PROCS	1000000	/* jobs in one submit */
#define JOBDESC_MAX_CUSTOM	4096	/* +Attr values */
#define JOBDESC_MAX_NAME	128	/* accounting group, limit name */
#define JOBDESC_MAX_LIMITS	32	/* concurrency_limits of one job */
#define JOBDESC_MAX_LIMIT	1000000	/* NAME:N: the largest N */

struct jobdesc {
	uint32_t	 proc;
	char		*executable;	/* absolute; relative only if not
					 * transferred (then the agent takes
					 * it from the job's directory) */
	int		 transfer_executable;	/* 0: not sent, the agent runs
						 * the path it has (default 1) */
	int		 hold;		/* 1: enters the queue HELD */
	char	       **argv;		/* arguments, argv[0] not included */
	size_t		 argc;
	char		*input;		/* NULL: /dev/null */
	char		*output;	/* NULL: /dev/null */
	char		*error;		/* NULL: /dev/null */
	char		*log;		/* user event log, may be NULL */
	char		*initialdir;	/* absolute */
	int64_t		 request_cpus;
	int64_t		 request_memory_mb;
	int64_t		 request_disk_kb;
	char		*requirements;	/* may be NULL */
	char	       **env;		/* "NAME=value" strings */
	size_t		 nenv;
	struct json_object *custom;	/* +Attr values, an object; a ref */

	/* Scheduling. */
	int64_t		 priority;	/* JobPrio, default 0 */
	char		*rank;		/* may be NULL */
	char		*batch_name;	/* may be NULL */
	int64_t		 max_retries;	/* -1: not set */
	char		*notification;	/* accepted and kept, may be NULL */
	char		*accounting_group;	/* may be NULL (fair share) */
	char		*accounting_group_user;	/* may be NULL: the owner */
	char		*concurrency_limits;	/* "NAME[:N],...", or NULL */
	int		 nice_user;	/* 1: charged to nice-user.OWNER */

	/* File transfer through the spool (NULL-terminated arrays). */
	int		 should_transfer;	/* JD_XFER_* */
	int		 when_to_transfer;	/* JD_WHEN_* */
	char	       **xfer_in;	/* absolute; a trailing '/' = contents */
	size_t		 nxfer_in;
	char	       **xfer_out;	/* relative; NULL: every new file */
	size_t		 nxfer_out;

	/* Checkpoints. */
	int64_t		 checkpoint_exit_code;	/* -1: none */
	char	       **ckpt_files;	/* relative to the sandbox */
	size_t		 nckpt_files;
	char		*checkpoint;	/* "criu" or NULL */
	char		*kill_sig;	/* the vacate signal's name, or NULL */

	/* The submitter's umask, for the files transfers write (the
	 * submit message's, set by the scheduler); -1: not told. */
	int64_t		 umask;

	/* The job policy (scheduler/jobend.c): ClassAd expressions as
	 * written, each NULL when unset; success_exit_code is an integer's
	 * text (submit checks them all). */
	char		*on_exit_remove;
	char		*on_exit_hold;
	char		*on_exit_hold_reason;
	char		*on_exit_hold_subcode;
	char		*periodic_hold;
	char		*periodic_hold_reason;
	char		*periodic_hold_subcode;
	char		*periodic_release;
	char		*periodic_remove;
	char		*success_exit_code;
	char		*retry_until;
};

/* should_transfer_files */
#define JD_XFER_IF_NEEDED	0	/* the default */
#define JD_XFER_YES		1
#define JD_XFER_NO		2
/* when_to_transfer_output */
#define JD_WHEN_ON_EXIT		0	/* the default */
#define JD_WHEN_ON_EXIT_OR_EVICT 1

/* Names of the JD_XFER_* and JD_WHEN_* values (upper case), and back:
 * the parse is case-insensitive, -1 if S names none. */
const char	*jobdesc_xfer_str(int);
int		 jobdesc_xfer_parse(const char *s);
const char	*jobdesc_when_str(int);
int		 jobdesc_when_parse(const char *s);
/* Set the defaults of the members that are not zero by default. */
void		 jobdesc_defaults(struct jobdesc *);
/*
 * 1 if the job transfers files through the spool (should_transfer_files
 * = YES, or IF_NEEDED with input, output or checkpoint files named): its
 * executable and inputs go from the submitter into the spool, else 0.
 */
int		 jobdesc_xfer_wanted(const struct jobdesc *);

/* Free one description (NULL is fine). */
void	jobdesc_free(struct jobdesc *);
/* Free an array of N descriptions and the array. */
void	jobdesc_free_all(struct jobdesc *, size_t n);

/* One job from a command line: argv[0] is the executable. */
int	jobdesc_from_argv(int argc, char **argv, const char *cwd,
	    struct jobdesc *jd, char *err, size_t errlen);

/* The wire/dry-run form: a new object with the keys DESIGN.md names. */
struct json_object *jobdesc_to_json(const struct jobdesc *);
/* The same without the members past DESIGN.md's at their defaults: what
 * `cq submit` sends and the scheduler stores (a new object). */
struct json_object *jobdesc_to_wire(const struct jobdesc *);
/* jobdesc_to_wire() as text without json-c objects (jobdesc-wire.c). */
char		*jobdesc_wire_text(const struct jobdesc *, size_t *);
const char	*jobdesc_text_member(const struct jobdesc *, size_t,
		    const char **);
/* Decode and strictly check the wire form into JD. 0, or -1 with ERRSTR. */
int	jobdesc_from_json(struct json_object *, struct jobdesc *jd,
	    const char **errstr);
/*
 * The next NAME or NAME:N (N: 1 if absent) of a concurrency_limits list
 * at *SP, which moves past it: 1, 0 at the end, or -1 with ERRSTR.
 */
int	jobdesc_limit_next(const char **sp, char *name, size_t namelen,
	    int64_t *n, const char **errstr);
/* Check accounting_group(_user) and concurrency_limits: 0 or -1. */
int	jobdesc_check_acct(const struct jobdesc *, const char **errstr);
/* Is S a valid custom attribute name (a ClassAd identifier)?  1 or 0. */
int	jobdesc_is_attr(const char *s);

#endif
