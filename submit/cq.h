/*
 * cq.h: the command line's subcommand table.  Each subcommand lives in
 * its own cmd-NAME.c and is one entry of cq_cmds[] in cq.c.
 */
#ifndef CQ_CQ_H
#define CQ_CQ_H

#include <stddef.h>
#include <stdint.h>

struct client_ssh;
struct json_object;

/* Exit codes: success, the request failed, bad usage or input. */
#define CQ_EXIT_OK	0
#define CQ_EXIT_FAIL	1
#define CQ_EXIT_USAGE	2

struct cq_cmd {
	const char	*name;
	const char	*usage;
	const char	*summary;
	int		(*fn)(int argc, char **argv);
	/* Every option it takes, blank-separated: --help, completion and
	 * "did you mean" (cq-opts.c). */
	const char	*opts;
};

/*
 * What -H and CQ_HOST go through: cq-ssh's SSH transport (main-ssh.c).
 */
struct cq_far {
	/* Check the form of HOST (ssh://...); 0, or -1 with *ERRSTR. */
	int				 (*check)(const char *host,
					    const char **errstr);
	/* The transport of client.c's connections. */
	const struct client_ssh		*ssh;
	/* Run ARGV (a FAR command) as a whole on HOST: its exit code. */
	int				 (*run)(const char *host, int argc,
					    char **argv);
};

/*
 * The command line (ARGV as main has it) with FAR for -H and CQ_HOST;
 * with FAR NULL (the plain cq) such a command is handed to the cq-ssh
 * beside this executable.  The exit code.
 */
int	cq_main(int argc, char **argv, const struct cq_far *far);

int	cmd_submit(int, char **);
int	cmd_q(int, char **);
int	cmd_status(int, char **);
int	cmd_rm(int, char **);
int	cmd_hold(int, char **);
int	cmd_release(int, char **);
int	cmd_history(int, char **);
int	cmd_wait(int, char **);
int	cmd_pool(int, char **);
/* cq pool token|tokens|agents|approve|auto-approve|revoke|forget. */
int	cmd_pool_admin(int, char **);
/* A new pool token (for MACHINE if not NULL) into OUT; -1 (printed). */
int	cq_pool_token(const char *machine, int64_t lifetime_ms, char *out,
	    size_t len);
int	cmd_drain(int, char **);
int	cmd_vacate(int, char **);
int	cmd_reclaim(int, char **);

int	cmd_why(int, char **);
int	cmd_prio(int, char **);
int	cmd_qedit(int, char **);
int	cmd_userprio(int, char **);
/* Set ATTR = VALUE on the jobs IDS (taken) for CMD: a CQ_EXIT_ code. */
int	cq_qedit(const char *cmd, struct json_object *ids, const char *attr,
	    const char *value);
int	cmd_complete(int, char **);
int	cmd_logs(int, char **);
int	cmd_proxy(int, char **);

/* 1 if S is a job id: CLUSTER or CLUSTER.PROC (digits). */
int	cq_is_job_id(const char *s);
/*
 * rm/hold/release/vacate of jobs (cmd-rm.c): ARGV[1..] are ids, -a,
 * -constraint EXPR and (hold) -reason TEXT.  A CQ_EXIT_ code.
 */
int	cq_jobs_act(const char *cmd, const char *action,
	    const char *done_word, int argc, char **argv);
/* Check a constraint's syntax; -1 with the error printed for CMD. */
int	cq_constraint_check(const char *cmd, const char *src);
/* Print the usage of NAME to stderr and return CQ_EXIT_USAGE. */
int	cq_usage(const char *name);
/*
 * The subcommand table (cq.c): the entry of NAME, NULL if none; the
 * whole table (ends with a NULL name).
 */
const struct cq_cmd *cq_cmd_find(const char *name);
const struct cq_cmd *cq_cmd_table(void);
/* 1 if the command NAME is internal (not in the help or completion). */
int	cq_cmd_hidden(const char *name);
/*
 * "cq CMD: unknown option OPT (did you mean ...?)" and where the help is,
 * on stderr (cq-opts.c): returns CQ_EXIT_USAGE.
 */
int	cq_unknown_option(const char *cmd, const char *opt);
/*
 * A bad argument ARG of CMD: an unknown option as above, a known one out
 * of place or without its value said so, else the usage.  CQ_EXIT_USAGE.
 */
int	cq_bad_arg(const char *cmd, const char *arg);
/* The same for an unknown subcommand NAME. */
int	cq_unknown_command(const char *name);
/* 1 if OPT is one of the blank-separated WORDS. */
int	cq_words_has(const char *words, const char *opt);
/* And for CMD's unknown subcommand NAME, one of the blank-separated SUBS. */
int	cq_unknown_sub(const char *cmd, const char *name, const char *subs);
/* `cq CMD --help`: its usage and every option, on stdout. */
int	cq_cmd_help(const char *cmd);
/* `cq __complete commands|options CMD`: for the bash completion; -1 if
 * ARGV is neither. */
int	cq_complete_words(int argc, char **argv);
/* One request to the scheduler: open, call, close.  NULL on failure. */
struct json_object *cq_request(uint16_t type, struct json_object *req);
/* Format a duration in seconds as [d+]hh:mm:ss. */
void	cq_fmt_duration(char *buf, size_t len, int64_t secs);
/* Format a time in ms since the epoch as "m/d hh:mm". */
void	cq_fmt_time(char *buf, size_t len, int64_t ms);

#endif
