/*
 * cq.c: the command line's main (cq_main): takes the global -H (or
 * CQ_HOST), finds the subcommand in the table and runs it, here or, with
 * -H, through SSH (client.c, or as a whole on the far side for the few
 * whose files are there), plus the few helpers the subcommands share.
 * Each entry lists every option its command takes, for --help, the
 * completion and "did you mean" (cq-opts.c).
 * Two programs run it: cq (main.c) without SSH, which hands a command
 * with -H or CQ_HOST to cq-ssh (main-ssh.c: the same with SSH).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "cq.h"
#include "expr.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"

static const struct cq_cmd cq_cmds[] = {
	{ "submit", "submit [-terse] [--dry-run | -dry-run OUT] "
	    "[-batch-name NAME] [-a CMD]... [NAME=VALUE]...\n"
	    "                 [FILE | -] [-queue ARGS...]\n"
	    "       cq submit [--terse] -- CMD [ARG...]",
	    "submit jobs", cmd_submit,
	    "-terse --terse --dry-run -dry-run -batch-name --batch-name -a "
	    "-append --append -queue --queue -file --file --" },
	{ "q", "q [-nobatch|--jobs] [-batch] [-hold] [-run] [-a] [-u USER] "
	    "[--state STATE]\n"
	    "            [-constraint EXPR] [-w [-n SECS]] [OWNER|ID...]\n"
	    "          q [-l|-long|-json|--json|-af EXPR...|-format FMT "
	    "EXPR...] [selection]\n"
	    "          q -better-analyze [--json] ID...",
	    "show the queue", cmd_q,
	    "-nobatch --nobatch --jobs -batch --batch -hold --hold -run --run "
	    "-l -long --long -json --json -af -autoformat -format -a --all "
	    "-allusers -u --user --state -constraint --constraint -w --watch "
	    "-n -better-analyze --better-analyze -analyze" },
	{ "status", "status [-json|--json|-l|-long|-af EXPR...|-format FMT "
	    "EXPR...]\n"
	    "              [-constraint EXPR] [-w [-n SECS]] [MACHINE|SLOT...]",
	    "show the machines and slots", cmd_status,
	    "-json --json -l -long --long -af -autoformat -format -constraint "
	    "--constraint -w --watch -n" },
	{ "rm", "rm [-constraint EXPR] ID... | rm -a [-constraint EXPR]",
	    "remove jobs", cmd_rm, "-a --all -constraint --constraint" },
	{ "hold", "hold [-reason TEXT] [-constraint EXPR] ID... | hold -a",
	    "hold jobs (a running one is killed)", cmd_hold,
	    "-a --all -constraint --constraint -reason --reason" },
	{ "release", "release [-constraint EXPR] ID... | release -a",
	    "release held jobs", cmd_release,
	    "-a --all -constraint --constraint" },
	{ "history", "history [-json|--json|-l|-long|-af EXPR...|-format FMT "
	    "EXPR...]\n"
	    "               [-u OWNER] [-constraint EXPR] [-limit N] [-wide] "
	    "[ID...]",
	    "show finished jobs", cmd_history,
	    "-json --json -l -long --long -af -autoformat -format -u "
	    "-constraint --constraint -limit --limit -n -wide --wide" },
	{ "wait", "wait [-timeout SECONDS] ID",
	    "wait until jobs leave the queue; exit as the job did", cmd_wait,
	    "-timeout --timeout -t" },
	{ "logs", "logs [-f] [--stdout|--stderr] ID",
	    "print a job's output so far", cmd_logs,
	    "-f --follow --stdout --stderr" },
	{ "why", "why [--json] ID...", "explain why a job does not run",
	    cmd_why, "-json --json" },
	{ "prio", "prio -p PRIORITY | +N | -N ID...",
	    "change the priority of idle or held jobs (higher runs first)",
	    cmd_prio, "-p" },
	{ "qedit", "qedit ID... ATTR VALUE",
	    "change an attribute of idle or held jobs", cmd_qedit, "" },
	{ "userprio", "userprio [--json] | userprio -setfactor SUBMITTER F"
	    " | userprio -resetusage SUBMITTER",
	    "show the submitters' fair-share usage and priorities",
	    cmd_userprio, "--json -setfactor -resetusage" },
	{ "drain", "drain [--cancel] MACHINE...",
	    "finish running jobs on machines, start no new ones", cmd_drain,
	    "--cancel" },
	{ "vacate", "vacate MACHINE... | vacate [-constraint EXPR] ID... | "
	    "vacate -a",
	    "vacate every job on machines, or the given jobs, now",
	    cmd_vacate, "-a --all -constraint --constraint" },
	{ "reclaim", "reclaim [-t DURATION] [-s SOCKET]",
	    "take this desktop back from cq for a while", cmd_reclaim,
	    "-t -s" },
	{ "pool", "pool up|restart [--agents N] | pool down | "
	    "pool fingerprint\n"
	    "       cq pool token [--machine NAME] [--lifetime DURATION|never]\n"
	    "       cq pool tokens|agents [--json]\n"
	    "       cq pool approve N | revoke ID | forget NAME\n"
	    "       cq pool auto-approve [--json] | "
	    "auto-approve CIDR [--lifetime DURATION]",
	    "start, restart or stop a personal pool; its fingerprint and "
	    "credentials",
	    cmd_pool, "--agents --machine --lifetime --json" },
	{ "proxy", "proxy",
	    "(internal) bridge stdin/stdout to the scheduler, for cq -H",
	    cmd_proxy, "" },
	{ NULL, NULL, NULL, NULL, NULL }
};

/*
 * How a command goes with -H: LOCAL ones act on this host only and are
 * refused, FAR ones run as a whole on the far side (their files are
 * there); HIDDEN ones are internal and not in the help.
 */
#define CQ_CMD_LOCAL	0x1
#define CQ_CMD_FAR	0x2
#define CQ_CMD_HIDDEN	0x4
static const struct {
	const char	*name;
	int		 flags;
} cq_cmd_flags[] = {
	{ "logs",	CQ_CMD_FAR },
	{ "reclaim",	CQ_CMD_LOCAL },
	{ "pool",	CQ_CMD_LOCAL },
	{ "proxy",	CQ_CMD_LOCAL | CQ_CMD_HIDDEN },
};

static int
cq_flags(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof cq_cmd_flags / sizeof cq_cmd_flags[0]; i++)
		if (strcmp(cq_cmd_flags[i].name, name) == 0)
			return cq_cmd_flags[i].flags;
	return 0;
}

const struct cq_cmd *
cq_cmd_table(void)
{
	return cq_cmds;
}

const struct cq_cmd *
cq_cmd_find(const char *name)
{
	const struct cq_cmd	*c;

	for (c = cq_cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
cq_cmd_hidden(const char *name)
{
	return (cq_flags(name) & CQ_CMD_HIDDEN) != 0;
}

int
cq_usage(const char *name)
{
	const struct cq_cmd	*c;

	for (c = cq_cmds; c->name != NULL; c++) {
		if ((name == NULL && !(cq_flags(c->name) & CQ_CMD_HIDDEN)) ||
		    (name != NULL && strcmp(c->name, name) == 0))
			fprintf(stderr, "usage: cq %s\n", c->usage);
	}
	if (name == NULL)
		fprintf(stderr, "       cq -H ssh://[USER@]HOST[:PORT] "
		    "COMMAND ... (or CQ_HOST): on that host's scheduler\n");
	return CQ_EXIT_USAGE;
}

struct json_object *
cq_request(uint16_t type, struct json_object *req)
{
	struct client		*c;
	struct json_object	*rep;
	uint16_t		 rtype;

	if ((c = client_open()) == NULL)
		return NULL;
	rep = client_call(c, type, req, &rtype);
	client_close(c);
	return rep;
}

void
cq_fmt_duration(char *buf, size_t len, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	snprintf(buf, len, "%lld+%02lld:%02lld:%02lld",
	    (long long)(secs / 86400), (long long)(secs % 86400 / 3600),
	    (long long)(secs % 3600 / 60), (long long)(secs % 60));
}

void
cq_fmt_time(char *buf, size_t len, int64_t ms)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	if (ms <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, len, "%m/%d %H:%M", &tm);
}

int
cq_constraint_check(const char *cmd, const char *src)
{
	struct expr	*e;
	char		 err[256];

	/* The scheduler checks it too; here for a clear exit 2. */
	if ((e = expr_parse(src, err, sizeof err)) == NULL) {
		fprintf(stderr, "cq %s: bad constraint: %s\n", cmd, err);
		return -1;
	}
	expr_free(e);
	return 0;
}

/*
 * The plain cq has no SSH (without libssh2 and OpenSSL to load it starts
 * in a third of the time, docs/deps.md): a command for another host is
 * run by the cq-ssh beside this executable, with the same arguments.
 * Returns only on failure, with the message printed.
 */
static int
cq_exec_ssh(char **argv)
{
	char	 self[PATH_MAX], path[PATH_MAX + 8], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof self)) == -1 ||
	    (size_t)n >= sizeof self || (slash = strrchr(self, '/')) == NULL) {
		fprintf(stderr, "cq: -H and CQ_HOST need cq-ssh, in the "
		    "directory of cq, which /proc/self/exe does not give: "
		    "%s\n", n == -1 ? strerror(errno) : "no directory");
		return CQ_EXIT_FAIL;
	}
	slash[1] = '\0';
	snprintf(path, sizeof path, "%scq-ssh", self);
	execv(path, argv);
	fprintf(stderr, "cq: -H and CQ_HOST need %s (cq with SSH), which "
	    "cannot be run: %s\n", path, strerror(errno));
	return CQ_EXIT_FAIL;
}

int
cq_main(int argc, char **argv, const struct cq_far *far)
{
	const struct cq_cmd	*c;
	const char		*host, *errstr;
	int			 opt_h = 0, rc;

	log_init("cq", 1, 0);
	/* The global option: -H URL, else CQ_HOST. */
	host = getenv("CQ_HOST");
	if (argc >= 2 && strcmp(argv[1], "-H") == 0) {
		if (argc < 3) {
			fprintf(stderr, "cq: -H needs ssh://[USER@]HOST[:PORT]"
			    "\n");
			return CQ_EXIT_USAGE;
		}
		host = argv[2];
		opt_h = 1;
	}
	if (host != NULL && *host == '\0')
		host = NULL;
	if (host != NULL && far == NULL)
		return cq_exec_ssh(argv);
	if (opt_h) {
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	if (host != NULL) {
		if (far->check(host, &errstr) == -1) {
			fprintf(stderr, "cq: bad host %s: %s\n", host, errstr);
			return CQ_EXIT_USAGE;
		}
		client_set_host(host, far->ssh);
	}
	/* cq help CMD: cq CMD --help. */
	if (argc == 3 && strcmp(argv[1], "help") == 0)
		return cq_cmd_help(argv[2]);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		fprintf(stderr, "cq: a batch scheduler for idle desktops\n");
		for (c = cq_cmds; c->name != NULL; c++)
			if (!(cq_flags(c->name) & CQ_CMD_HIDDEN))
				fprintf(stderr, "  %-8s %s\n", c->name,
				    c->summary);
		cq_usage(NULL);
		return argc < 2 ? CQ_EXIT_USAGE : CQ_EXIT_OK;
	}
	/* Hidden: words, ids and names for the shell's completion. */
	if (strcmp(argv[1], "__complete") == 0) {
		if ((rc = cq_complete_words(argc - 1, argv + 1)) != -1)
			return rc;
		return cmd_complete(argc - 1, argv + 1);
	}
	for (c = cq_cmds; c->name != NULL; c++) {
		if (strcmp(c->name, argv[1]) != 0)
			continue;
		/* cq CMD --help: here, without a scheduler or a host. */
		if (argc == 3 && (strcmp(argv[2], "--help") == 0 ||
		    strcmp(argv[2], "-h") == 0 ||
		    strcmp(argv[2], "-help") == 0))
			return cq_cmd_help(c->name);
		if (host != NULL && (cq_flags(c->name) & CQ_CMD_LOCAL)) {
			fprintf(stderr, "cq %s: works on this host only, not "
			    "with -H or CQ_HOST (%s)\n", c->name, host);
			return CQ_EXIT_USAGE;
		}
		if (host != NULL && (cq_flags(c->name) & CQ_CMD_FAR))
			return far->run(host, argc - 1, argv + 1);
		return c->fn(argc - 1, argv + 1);
	}
	return cq_unknown_command(argv[1]);
}
