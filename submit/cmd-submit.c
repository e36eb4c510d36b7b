/*
 * cmd-submit.c: `cq submit FILE` and `cq submit -- CMD ARGS...`, with
 * condor_submit's options (single or double dash: -terse, -batch-name,
 * -append/-a, -queue, -file, -dry-run FILE, name=value definitions, the
 * description from standard input when no file or `-` is named); those
 * cq has no use for are refused by name.  The
 * description is parsed and checked here (errors name file and line and
 * submit nothing); the scheduler enters all jobs or none and answers after
 * they are durable.  Jobs whose files travel have them uploaded first, on
 * the same connection (upload.c), so the submit adopts them atomically.
 * A big submit (or one with max_materialize or max_idle) whose file can
 * be one goes as a late materialization: its digest, not its jobs
 * (common/submit-factory.c, scheduler/factory.c).
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "cq.h"
#include "itemframe.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "msg.h"
#include "submit.h"
#include "text.h"
#include "upload.h"
#include "xmalloc.h"

/* Append LEN bytes at S to the growing *BUF (*LEN used, *CAP held). */
static void
cmd_submit_text_add(char **buf, size_t *len, size_t *cap, const char *s,
    size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap == 0 ? 65536 : *cap * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * The MSG_SUBMIT request as JSON text: {"jobs":[...],"batch_name":...,
 * "umask":...},
 * each job in its wire form; frees every job's contents (not the array).
 */
static char *
cmd_submit_text(struct jobdesc *jobs, size_t njobs, const char *batch,
    size_t *lenp)
{
	struct json_object	*o;
	const char		*s;
	char			*buf = NULL, *t, num[32];
	size_t			 len = 0, cap = 0, n, i;
	mode_t			 um;

	cmd_submit_text_add(&buf, &len, &cap, "{\"jobs\":[", 9);
	for (i = 0; i < njobs; i++) {
		if (i > 0)
			cmd_submit_text_add(&buf, &len, &cap, ",", 1);
		/* The same bytes as jsonx_dump(jobdesc_to_wire()), faster. */
		t = jobdesc_wire_text(&jobs[i], &n);
		cmd_submit_text_add(&buf, &len, &cap, t, n);
		free(t);
		jobdesc_free(&jobs[i]);
	}
	cmd_submit_text_add(&buf, &len, &cap, "]", 1);
	if (batch != NULL) {
		o = json_object_new_string(batch);
		s = jsonx_dump(o, &n);
		cmd_submit_text_add(&buf, &len, &cap, ",\"batch_name\":", 14);
		cmd_submit_text_add(&buf, &len, &cap, s, n);
		json_object_put(o);
	}
	/* The files transfers write for the jobs keep within our umask. */
	um = umask(022);
	umask(um);
	snprintf(num, sizeof num, ",\"umask\":%u", (unsigned)(um & 0777));
	cmd_submit_text_add(&buf, &len, &cap, num, strlen(num));
	cmd_submit_text_add(&buf, &len, &cap, "}", 1);
	*lenp = len;
	return buf;
}

/* condor_submit's options cq has no use for, and what each asks for. */
static const struct {
	const char	*name;
	int		 arg;		/* takes an argument */
	const char	*what;
} cmd_submit_unsup[] = {
	{ "verbose", 0, "printing the job ads (use --dry-run)" },
	{ "unused", 0, "warnings about unused macros" },
	{ "name", 1, "another scheduler (cq has one per pool)" },
	{ "remote", 1, "another scheduler (cq has one per pool)" },
	{ "addr", 1, "another scheduler (cq has one per pool)" },
	{ "pool", 1, "another pool (set CQ_HOME)" },
	{ "disable", 0, "file permission checks (cq makes none)" },
	{ "password", 1, "passphrases" },
	{ "debug", 0, "debug output" },
	{ "spool", 0, "spooling" },
	{ "dump", 1, "dumping job ads to a file" },
	{ "interactive", 0, "interactive jobs" },
	{ "i", 0, "interactive jobs" },
	{ "factory", 0, "late materialization" },
	{ "allow-crlf-script", 0, "scripts with CRLF line ends" },
	{ "maxjobs", 1, "a limit on the jobs per submit" },
	{ "single-cluster", 0, "the single-cluster switch (a submit is one "
	    "cluster)" },
	{ "stm", 1, "sandbox transfer methods" },
	{ NULL, 0, NULL }
};

/* Is ARG option NAME, with one dash or two? */
static int
cmd_submit_is(const char *arg, const char *name)
{
	if (arg[0] != '-')
		return 0;
	arg += arg[1] == '-' ? 2 : 1;
	return strcmp(arg, name) == 0;
}

/* Is ARG a macro definition "name=value" (condor_submit's)? */
static int
cmd_submit_is_def(const char *arg)
{
	const char	*eq = strchr(arg, '=');
	const char	*s;

	if (eq == NULL || eq == arg || arg[0] == '-')
		return 0;
	for (s = arg; s < eq; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' &&
		    *s != '+' && *s != ' ')
			return 0;
	return 1;
}

/* Are A and B (or NULL) the same existing file? */
static int
cmd_submit_same(const char *a, const char *b)
{
	struct stat	sa, sb;

	return b != NULL && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
cmd_submit_push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/*
 * A submit of more jobs than this is sent as a late materialization
 * when its file can be one (see docs/materialize.md).
 */
#define CMD_SUBMIT_LATE_ABOVE	10000

/* 1 if S holds "env" in any case: the digest needs our environment. */
static int
cmd_submit_uses_env(const char *s)
{
	for (; *s != '\0'; s++)
		if ((s[0] | 0x20) == 'e' && (s[1] | 0x20) == 'n' &&
		    (s[2] | 0x20) == 'v')
			return 1;
	return 0;
}

/*
 * Whether digest D goes as a late materialization: 1 yes, 0 no (submit
 * it whole), -1 it must but cannot (ERR).
 */
static int
cmd_submit_late(const struct submit_digest *d, const char *path, char *err,
    size_t errlen)
{
	int		 asked = d->max_materialize > 0 || d->max_idle > 0;
	const char	*why;
	size_t		 i, len, total = 0;

	if (!asked && d->total <= CMD_SUBMIT_LATE_ABOVE)
		return 0;
	if (!d->has_first)
		return 0;	/* nothing queued */
	if (upload_wanted(&d->first)) {
		if (!asked)
			return 0;
		snprintf(err, errlen, "%s:%d: late materialization (max_"
		    "materialize, max_idle) cannot send files through the "
		    "scheduler's spool (should_transfer_files, transfer_"
		    "input_files); use shared files or submit without it",
		    path, d->xfer_line);
		return -1;
	}
	/* The items go as item frames: whole lines, UTF-8 (itemframe.h). */
	for (i = 0; i < d->nitems; i++) {
		len = strlen(d->items[i]);
		why = strchr(d->items[i], '\n') != NULL ? "holds a newline" :
		    len > ITEMFRAME_MAX_ITEM ? "is longer than 256 KiB" :
		    !text_utf8(d->items[i], len) ? "is not UTF-8" : NULL;
		if (why == NULL && len + 1 > ITEMFRAME_MAX_TOTAL - total)
			why = "makes the items longer than 64 MiB";
		if (why != NULL) {
			if (!asked)
				return 0;
			snprintf(err, errlen, "%s:%d: late materialization: "
			    "item %zu %s", path, d->line, i, why);
			return -1;
		}
		total += len + 1;
	}
	/* A slice's indexes go as its first and its step. */
	for (i = 2; d->index != NULL && i < d->nitems; i++)
		if (d->index[i] - d->index[i - 1] != d->index[1] - d->index[0])
			return 0;
	return 1;
}

/* The MSG_SUBMIT request of a late materialization (factory.c). */
static char *
cmd_submit_late_text(const struct submit_digest *d, const char *path,
    const char *cwd, const char *batch, size_t *lenp)
{
	extern char		**environ;
	struct json_object	*o, *f, *a;
	const char		*t;
	char			*text;
	size_t			 i, len;
	mode_t			 um;

	f = json_object_new_object();
	json_object_object_add(f, "name", json_object_new_string(path));
	json_object_object_add(f, "text", json_object_new_string_len(d->text,
	    (int)d->textlen));
	json_object_object_add(f, "cwd", json_object_new_string(cwd));
	json_object_object_add(f, "line", json_object_new_int(d->line));
	a = json_object_new_array();
	for (i = 0; i < d->nvars; i++)
		json_object_array_add(a, json_object_new_string(d->vars[i]));
	json_object_object_add(f, "vars", a);
	/* The items go before, as item frames (cmd_submit_items). */
	json_object_object_add(f, "nitems",
	    json_object_new_int64((int64_t)d->nitems));
	json_object_object_add(f, "count", json_object_new_int64(d->count));
	if (d->index != NULL) {
		json_object_object_add(f, "index_first",
		    json_object_new_int64((int64_t)d->index[0]));
		json_object_object_add(f, "index_step", json_object_new_int64(
		    d->nitems > 1 ? (int64_t)(d->index[1] - d->index[0]) : 1));
	}
	if (d->max_materialize > 0)
		json_object_object_add(f, "max_materialize",
		    json_object_new_int64(d->max_materialize));
	if (d->max_idle > 0)
		json_object_object_add(f, "max_idle",
		    json_object_new_int64(d->max_idle));
	/* $ENV() and getenv read our environment: sent only then. */
	if (cmd_submit_uses_env(d->text)) {
		a = json_object_new_array();
		for (i = 0; environ[i] != NULL; i++)
			json_object_array_add(a,
			    json_object_new_string(environ[i]));
		json_object_object_add(f, "env", a);
	}
	o = json_object_new_object();
	json_object_object_add(o, "factory", f);
	if (batch != NULL)
		json_object_object_add(o, "batch_name",
		    json_object_new_string(batch));
	um = umask(022);
	umask(um);
	json_object_object_add(o, "umask", json_object_new_int(um & 0777));
	t = jsonx_dump(o, &len);
	text = xmalloc(len + 1);
	memcpy(text, t, len + 1);
	json_object_put(o);
	*lenp = len;
	return text;
}

/* D's items as item frames on C: 0, or -1 printed. */
static int
cmd_submit_items(struct client *c, const struct submit_digest *d)
{
	char	*buf;
	size_t	 i = 0, len;
	int	 rc = 0;

	buf = xmalloc(ITEMFRAME_MAX);
	while (i < d->nitems && rc == 0) {
		/* (cmd_submit_late saw that each fits.) */
		if ((len = itemframe_pack(d->items, d->nitems, &i, buf,
		    ITEMFRAME_MAX)) == 0)
			break;
		rc = client_send_data(c, MSG_SUBMIT_ITEMS, buf, len);
	}
	free(buf);
	return rc;
}

/* Submit digest D of PATH as a late materialization. */
static int
cmd_submit_digest(struct submit_digest *d, const char *path,
    const char *cwd, const char *batch, int terse)
{
	struct json_object	*rep;
	struct client		*c;
	uint16_t		 rtype;
	char			*text;
	size_t			 len;

	if (batch == NULL)
		batch = d->first.batch_name;
	text = cmd_submit_late_text(d, path, cwd, batch, &len);
	if ((c = client_open()) == NULL) {
		free(text);
		return CQ_EXIT_FAIL;
	}
	rep = NULL;
	if (cmd_submit_items(c, d) == 0 &&
	    client_call_start_text(c, MSG_SUBMIT, text, len) == 0)
		rep = client_call_finish(c, &rtype);
	client_close(c);
	free(text);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	if (terse)
		printf("%lld\n", (long long)jsonx_int(rep, "cluster", 0));
	else
		printf("%lld job(s) submitted to cluster %lld (late "
		    "materialization).\n", (long long)jsonx_int(rep, "count",
		    0), (long long)jsonx_int(rep, "cluster", 0));
	json_object_put(rep);
	return CQ_EXIT_OK;
}

int
cmd_submit(int argc, char **argv)
{
	extern char		**environ;
	struct submit_opts	 opts;
	struct jobdesc		*jobs = NULL;
	struct json_object	*arr, *rep;
	struct client		*c;
	uint16_t		 rtype;
	char			 cwd[PATH_MAX], err[1024], *fbatch = NULL;
	char			*text;
	char			**defs = NULL, **app = NULL, *queue = NULL;
	char			*sbuf = NULL;
	const char		*batch = NULL, *file = NULL, *dryto = NULL;
	struct submit_digest	*digest = NULL;
	size_t			 njobs = 0, i, len, nfiles = 0, ndefs = 0;
	size_t			 napp = 0, slen = 0, k;
	int			 terse = 0, dry = 0, cmdline = 0, a, rc, late;
	FILE			*dryf = stdout;

	memset(&opts, 0, sizeof(opts));
	for (a = 1; a < argc; a++) {
		if (cmd_submit_is(argv[a], "terse"))
			terse = 1;
		else if (strcmp(argv[a], "--dry-run") == 0)
			dry = 1;
		else if (strcmp(argv[a], "-dry-run") == 0 ||
		    strcmp(argv[a], "-dry") == 0) {
			/* condor_submit's: the file the ads go to, - stdout. */
			if (a + 1 >= argc)
				return cq_usage("submit");
			dry = 1;
			dryto = argv[++a];
		} else if (cmd_submit_is(argv[a], "batch-name")) {
			if (a + 1 >= argc)
				return cq_usage("submit");
			batch = argv[++a];
		} else if (cmd_submit_is(argv[a], "append") ||
		    strcmp(argv[a], "-a") == 0) {
			if (a + 1 >= argc)
				return cq_usage("submit");
			a++;
			/* A queue statement appended is -queue (HTCondor's). */
			if (strncasecmp(argv[a], "queue", 5) == 0 &&
			    (argv[a][5] == '\0' || isspace((unsigned char)
			    argv[a][5])) && strchr(argv[a], '=') == NULL) {
				free(queue);
				queue = xstrdup(argv[a] + 5);
			} else
				cmd_submit_push(&app, &napp, argv[a]);
		} else if (cmd_submit_is(argv[a], "queue")) {
			/* The rest of the line is the queue's arguments. */
			free(queue);
			queue = xstrdup("");
			for (a++; a < argc; a++) {
				text = queue;
				xasprintf(&queue, "%s%s%s", text,
				    *text ? " " : "", argv[a]);
				free(text);
			}
			break;
		} else if (cmd_submit_is(argv[a], "file")) {
			if (a + 1 >= argc || file != NULL)
				return cq_usage("submit");
			file = argv[++a];
		} else if (strcmp(argv[a], "--") == 0) {
			cmdline = 1;
			a++;
			break;
		} else if (strcmp(argv[a], "-") == 0) {
			if (file != NULL)
				return cq_usage("submit");
			file = SUBMIT_STDIN;
		} else if (argv[a][0] == '-') {
			for (k = 0; cmd_submit_unsup[k].name != NULL; k++)
				if (cmd_submit_is(argv[a],
				    cmd_submit_unsup[k].name))
					break;
			if (cmd_submit_unsup[k].name != NULL) {
				fprintf(stderr, "cq: submit: %s: cq does not "
				    "support %s (condor_submit's -%s)\n",
				    argv[a], cmd_submit_unsup[k].what,
				    cmd_submit_unsup[k].name);
				rc = CQ_EXIT_USAGE;
				goto done;
			}
			rc = cq_bad_arg("submit", argv[a]);
			goto done;
		} else if (cmd_submit_is_def(argv[a]))
			cmd_submit_push(&defs, &ndefs, argv[a]);
		else if (file == NULL)
			file = argv[a];
		else {
			rc = cq_usage("submit");
			goto done;
		}
	}
	if (cmdline ? a >= argc || file != NULL || defs != NULL ||
	    app != NULL || queue != NULL : 0) {
		rc = cq_usage("submit");
		goto done;
	}
	/*
	 * -dry-run's argument is where the jobs go: never over the submit
	 * file, nor over an existing file when no submit file is named
	 * (`cq submit -dry-run job.sub` meant --dry-run).
	 */
	if (dryto != NULL && strcmp(dryto, "-") != 0 &&
	    (cmd_submit_same(dryto, file) || (file == NULL && !cmdline &&
	    access(dryto, F_OK) == 0))) {
		fprintf(stderr, "cq: submit: -dry-run %s: the file the jobs "
		    "are written to exists or is the submit file (-dry-run - "
		    "FILE prints them, --dry-run FILE too)\n", dryto);
		rc = CQ_EXIT_USAGE;
		goto done;
	}
	/* No file: the description is on standard input, as condor_submit. */
	if (!cmdline && file == NULL) {
		if (isatty(0)) {
			rc = cq_usage("submit");
			goto done;
		}
		file = SUBMIT_STDIN;
	}
	if (getcwd(cwd, sizeof cwd) == NULL) {
		perror("cq: getcwd");
		rc = CQ_EXIT_FAIL;
		goto done;
	}
	opts.defs = defs;
	opts.append = app;
	opts.queue = queue;
	opts.check_files = 1;
	/* condor_submit -dry-run shows the cluster it would make: 1. */
	opts.cluster = dry ? 1 : 0;
	if (cmdline) {
		jobs = calloc(1, sizeof *jobs);
		if (jobs == NULL || jobdesc_from_argv(argc - a, argv + a, cwd,
		    jobs, err, sizeof err) == -1) {
			fprintf(stderr, "cq: %s\n", err);
			free(jobs);
			rc = CQ_EXIT_USAGE;
			goto done;
		}
		njobs = 1;
		/* Like sbatch: output and errors to cq-CLUSTER.out here. */
		if (jobs->output == NULL && jobs->error == NULL) {
			xasprintf(&jobs->output, "%s/cq-$(Cluster).out", cwd);
			jobs->error = xstrdup(jobs->output);
		}
	} else {
		/*
		 * One queue statement, last, in a file named with no -a,
		 * -queue or definitions: perhaps a late materialization.
		 */
		late = 1;
		if (!dry && strcmp(file, SUBMIT_STDIN) != 0 && defs == NULL &&
		    app == NULL && queue == NULL &&
		    (late = submit_digest_file(file, cwd, environ, &digest,
		    err, sizeof err)) == 0 && (late = cmd_submit_late(digest,
		    file, err, sizeof err)) == 1) {
			rc = cmd_submit_digest(digest, file, cwd, batch, terse);
			submit_digest_free(digest);
			goto done;
		}
		submit_digest_free(digest);
		if (late == -1) {
			fprintf(stderr, "cq: %s\n", err);
			rc = CQ_EXIT_USAGE;
			goto done;
		}
		if (strcmp(file, SUBMIT_STDIN) == 0 && submit_read_file(
		    "/dev/stdin", 0, &sbuf, &slen, err, sizeof err) == -1) {
			fprintf(stderr, "cq: %s\n", err);
			rc = CQ_EXIT_USAGE;
			goto done;
		}
		/* A file read from stdin is in sbuf; an empty one too. */
		if (strcmp(file, SUBMIT_STDIN) == 0 && sbuf == NULL)
			sbuf = xstrdup("");
		if (submit_parse_opts(file, sbuf,
		    slen, cwd, environ, &opts, &jobs, &njobs, err,
		    sizeof err) == -1) {
			fprintf(stderr, "cq: %s\n", err);
			rc = CQ_EXIT_USAGE;
			goto done;
		}
	}
	rc = CQ_EXIT_OK;

	/* The file's batch_name names the cluster unless --batch-name does. */
	if (njobs > 0 && jobs[0].batch_name != NULL)
		fbatch = xstrdup(jobs[0].batch_name);
	if (batch == NULL)
		batch = fbatch;
	/* Dry runs show every member, one job a line. */
	if (dry) {
		if (dryto != NULL && strcmp(dryto, "-") != 0 &&
		    (dryf = fopen(dryto, "w")) == NULL) {
			fprintf(stderr, "cq: %s: %s\n", dryto, strerror(errno));
			jobdesc_free_all(jobs, njobs);
			free(fbatch);
			rc = CQ_EXIT_FAIL;
			goto done;
		}
		for (i = 0; i < njobs; i++) {
			arr = jobdesc_to_json(&jobs[i]);
			fprintf(dryf, "%s\n",
			    json_object_to_json_string_ext(arr,
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(arr);
		}
		if (dryf != stdout && fclose(dryf) != 0) {
			fprintf(stderr, "cq: %s: %s\n", dryto, strerror(errno));
			rc = CQ_EXIT_FAIL;
		}
		jobdesc_free_all(jobs, njobs);
		free(fbatch);
		goto done;
	}
	/* Nothing queued (e.g. `queue matching` found no file): say so. */
	if (njobs == 0) {
		free(jobs);
		free(fbatch);
		if (!terse)
			printf("0 job(s) submitted.\n");
		goto done;
	}
	/*
	 * The request, encoded job by job (each freed once written): no
	 * tree of 100,000 JSON objects to build and free.  The wire leaves
	 * the members at their defaults out.
	 */
	if ((c = client_open()) == NULL) {
		jobdesc_free_all(jobs, njobs);
		free(fbatch);
		rc = CQ_EXIT_FAIL;
		goto done;
	}
	/* Input files first, on the connection the submit then uses. */
	if (upload_jobs(c, jobs, njobs, &nfiles) == -1) {
		client_close(c);
		jobdesc_free_all(jobs, njobs);
		free(fbatch);
		rc = CQ_EXIT_USAGE;
		goto done;
	}
	text = cmd_submit_text(jobs, njobs, batch, &len);
	free(jobs);
	free(fbatch);
	rep = NULL;
	if (client_call_start_text(c, MSG_SUBMIT, text, len) == 0) {
		free(text);
		text = NULL;
		rep = client_call_finish(c, &rtype);
	}
	client_close(c);
	free(text);
	if (rep == NULL) {
		rc = CQ_EXIT_FAIL;
		goto done;
	}
	if (terse)
		printf("%lld\n", (long long)jsonx_int(rep, "cluster", 0));
	else
		printf("%lld job(s) submitted to cluster %lld.\n",
		    (long long)jsonx_int(rep, "count", 0),
		    (long long)jsonx_int(rep, "cluster", 0));
	json_object_put(rep);
done:
	free(defs);
	free(app);
	free(queue);
	free(sbuf);
	return rc;
}
