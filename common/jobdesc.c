/*
 * jobdesc.c: a job description in memory and on the wire.
 *
 * A struct jobdesc is one job as `cq submit` asks for it: what to run,
 * its files, resources, environment and custom attributes.  Descriptions
 * come from the submit language (submit.c), from a command line
 * (jobdesc_from_argv(), for `cq submit -- CMD ARGS`, which finds the
 * executable as a shell would) or from the wire.  The wire form is one:
 * jobdesc_to_json() writes it, also for `cq submit --dry-run`
 * (jobdesc_to_wire() the same without the members at their defaults,
 * for the submit message and the stored ad), and the
 * strict jobdesc_from_json() reads it, accepting exactly the members
 * DESIGN.md names, absolute paths, strings without NUL and every count
 * and size within jobdesc.h's limits.  Invariants of a description handed
 * out: argv[argc] and env[nenv] are NULL and both arrays always exist; env
 * holds "NAME=value" strings; all text is UTF-8; on error nothing is kept
 * and jobdesc_free() is safe on the zeroed struct.  Called by `cq submit`
 * (jobdesc_from_argv and jobdesc_to_json) and by the scheduler and the
 * agent (jobdesc_from_json on what arrives over the wire).
 */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "expr.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "text.h"
#include "xmalloc.h"

#define JD_DEFAULT_PATH	"/usr/bin:/bin"

static int
jd_is_exec(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/* CMD as execvp would find it, made absolute; NULL if not found. */
static char *
jd_which(const char *cmd, const char *cwd)
{
	const char	*path, *s, *e;
	char		*dir, *base, *cand;

	if (*cmd == '\0')
		return NULL;
	if (strchr(cmd, '/') != NULL) {
		cand = text_path(cwd, cmd);
		if (jd_is_exec(cand))
			return cand;
		free(cand);
		return NULL;
	}
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = JD_DEFAULT_PATH;
	for (s = path;; s = e + 1) {
		if ((e = strchr(s, ':')) == NULL)
			e = s + strlen(s);
		dir = e == s ? xstrdup(".") : xstrndup(s, e - s);
		base = text_path(cwd, dir);
		cand = text_path(base, cmd);
		free(dir);
		free(base);
		if (jd_is_exec(cand))
			return cand;
		free(cand);
		if (*e == '\0')
			return NULL;
	}
}

/* One job, proc 0, from ARGV; the executable is searched as a shell would. */
int
jobdesc_from_argv(int argc, char **argv, const char *cwd,
    struct jobdesc *jd, char *err, size_t errlen)
{
	int	 i;

	memset(jd, 0, sizeof(*jd));
	if (argc < 1 || argv[0] == NULL) {
		snprintf(err, errlen, "no command");
		return -1;
	}
	if (cwd == NULL || cwd[0] != '/' || !text_utf8(cwd, strlen(cwd))) {
		snprintf(err, errlen, "%s: the working directory is not "
		    "absolute UTF-8", argv[0]);
		return -1;
	}
	if ((size_t)argc - 1 > JOBDESC_MAX_ARGS) {
		snprintf(err, errlen, "%s: too many arguments (limit %d)",
		    argv[0], JOBDESC_MAX_ARGS);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) > JOBDESC_MAX_STR) {
			snprintf(err, errlen, "%s: argument %d too long "
			    "(limit %d bytes)", argv[0], i, JOBDESC_MAX_STR);
			return -1;
		}
		if (!text_utf8(argv[i], strlen(argv[i]))) {
			snprintf(err, errlen, "%s: argument %d is not valid "
			    "UTF-8", argv[0], i);
			return -1;
		}
	}
	if ((jd->executable = jd_which(argv[0], cwd)) == NULL) {
		snprintf(err, errlen, "%s: command not found", argv[0]);
		return -1;
	}
	if (!text_utf8(jd->executable, strlen(jd->executable)) ||
	    strlen(jd->executable) > JOBDESC_MAX_STR) {
		snprintf(err, errlen, "%s: found as a path that is too long "
		    "or not UTF-8", argv[0]);
		jobdesc_free(jd);
		return -1;
	}
	jd->argv = xcalloc(argc, sizeof(*jd->argv));
	for (i = 1; i < argc; i++)
		jd->argv[i - 1] = xstrdup(argv[i]);
	jd->argc = argc - 1;
	jd->env = xcalloc(1, sizeof(*jd->env));
	jd->initialdir = text_path("/", cwd);
	jobdesc_defaults(jd);
	jd->custom = json_object_new_object();
	return 0;
}

/* The optional text members past DESIGN.md's, each NULL when unset. */
struct jd_text {
	const char	*key;
	size_t		 off;
};
#define JD_TEXT(jd, t)	((char **)((char *)(jd) + (t)->off))
static const struct jd_text jd_texts[] = {
	{ "rank",		offsetof(struct jobdesc, rank) },
	{ "batch_name",		offsetof(struct jobdesc, batch_name) },
	{ "notification",	offsetof(struct jobdesc, notification) },
	{ "checkpoint",		offsetof(struct jobdesc, checkpoint) },
	{ "kill_sig",		offsetof(struct jobdesc, kill_sig) },
	{ "on_exit_remove",	offsetof(struct jobdesc, on_exit_remove) },
	{ "on_exit_hold",	offsetof(struct jobdesc, on_exit_hold) },
	{ "on_exit_hold_reason", offsetof(struct jobdesc,
	    on_exit_hold_reason) },
	{ "on_exit_hold_subcode", offsetof(struct jobdesc,
	    on_exit_hold_subcode) },
	{ "periodic_hold",	offsetof(struct jobdesc, periodic_hold) },
	{ "periodic_hold_reason", offsetof(struct jobdesc,
	    periodic_hold_reason) },
	{ "periodic_hold_subcode", offsetof(struct jobdesc,
	    periodic_hold_subcode) },
	{ "periodic_release",	offsetof(struct jobdesc, periodic_release) },
	{ "periodic_remove",	offsetof(struct jobdesc, periodic_remove) },
	{ "success_exit_code",	offsetof(struct jobdesc, success_exit_code) },
	{ "retry_until",	offsetof(struct jobdesc, retry_until) },
	{ "accounting_group",	offsetof(struct jobdesc, accounting_group) },
	{ "accounting_group_user",
	    offsetof(struct jobdesc, accounting_group_user) },
	{ "concurrency_limits",	offsetof(struct jobdesc, concurrency_limits) },
	{ NULL,			0 }
};

static void
jd_strv_free(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Free what JD holds and zero it; the struct itself is the caller's. */
void
jobdesc_free(struct jobdesc *jd)
{
	const struct jd_text	*t;
	size_t			 i;

	if (jd == NULL)
		return;
	free(jd->executable);
	if (jd->argv != NULL)
		for (i = 0; i < jd->argc; i++)
			free(jd->argv[i]);
	free(jd->argv);
	free(jd->input);
	free(jd->output);
	free(jd->error);
	free(jd->log);
	free(jd->initialdir);
	free(jd->requirements);
	if (jd->env != NULL)
		for (i = 0; i < jd->nenv; i++)
			free(jd->env[i]);
	free(jd->env);
	json_object_put(jd->custom);
	for (t = jd_texts; t->key != NULL; t++)
		free(*JD_TEXT(jd, t));
	jd_strv_free(jd->xfer_in, jd->nxfer_in);
	jd_strv_free(jd->xfer_out, jd->nxfer_out);
	jd_strv_free(jd->ckpt_files, jd->nckpt_files);
	memset(jd, 0, sizeof(*jd));
}

int
jobdesc_xfer_wanted(const struct jobdesc *d)
{
	if (d->should_transfer == JD_XFER_YES)
		return 1;
	if (d->should_transfer == JD_XFER_NO)
		return 0;
	return d->nxfer_in > 0 || d->xfer_out != NULL ||
	    d->checkpoint_exit_code >= 0;
}

void
jobdesc_defaults(struct jobdesc *jd)
{
	jd->request_cpus = 1;
	jd->max_retries = -1;
	jd->checkpoint_exit_code = -1;
	jd->umask = -1;
	jd->should_transfer = JD_XFER_IF_NEEDED;
	jd->when_to_transfer = JD_WHEN_ON_EXIT;
	jd->transfer_executable = 1;
}

static const char *jd_xfer_names[] = { "IF_NEEDED", "YES", "NO" };
static const char *jd_when_names[] = { "ON_EXIT", "ON_EXIT_OR_EVICT" };

static int
jd_name_parse(const char *s, const char **names, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
jobdesc_xfer_str(int v)
{
	return v >= 0 && v < 3 ? jd_xfer_names[v] : "?";
}

int
jobdesc_xfer_parse(const char *s)
{
	return jd_name_parse(s, jd_xfer_names, 3);
}

const char *
jobdesc_when_str(int v)
{
	return v >= 0 && v < 2 ? jd_when_names[v] : "?";
}

int
jobdesc_when_parse(const char *s)
{
	return jd_name_parse(s, jd_when_names, 2);
}

/* Free N descriptions and the array that holds them. */
void
jobdesc_free_all(struct jobdesc *jds, size_t n)
{
	size_t	 i;

	for (i = 0; jds != NULL && i < n; i++)
		jobdesc_free(&jds[i]);
	free(jds);
}

static struct json_object *
jd_json_str(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}

static struct json_object *
jd_json_strv(char **v, size_t n)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/*
 * The wire and dry-run form, keys in DESIGN.md's order, then the rest;
 * without ALL the members past DESIGN.md's are left out at their
 * defaults (the decoder puts them back), which halves a typical job.
 */
static struct json_object *
jd_to_json(const struct jobdesc *jd, int all)
{
	const struct jd_text	*t;
	struct json_object	*o, *a, *e, *c = NULL;
	const char		*eq;
	char			*name;
	size_t			 i;

	o = json_object_new_object();
	json_object_object_add(o, "proc", json_object_new_int64(jd->proc));
	json_object_object_add(o, "executable", jd_json_str(jd->executable));
	a = json_object_new_array();
	for (i = 0; i < jd->argc; i++)
		json_object_array_add(a, json_object_new_string(jd->argv[i]));
	json_object_object_add(o, "arguments", a);
	json_object_object_add(o, "output", jd_json_str(jd->output));
	json_object_object_add(o, "error", jd_json_str(jd->error));
	json_object_object_add(o, "log", jd_json_str(jd->log));
	json_object_object_add(o, "input", jd_json_str(jd->input));
	json_object_object_add(o, "initialdir", jd_json_str(jd->initialdir));
	json_object_object_add(o, "request_cpus",
	    json_object_new_int64(jd->request_cpus));
	json_object_object_add(o, "request_memory_mb",
	    json_object_new_int64(jd->request_memory_mb));
	json_object_object_add(o, "request_disk_kb",
	    json_object_new_int64(jd->request_disk_kb));
	json_object_object_add(o, "requirements",
	    jd_json_str(jd->requirements));
	e = json_object_new_object();
	for (i = 0; i < jd->nenv; i++) {
		if ((eq = strchr(jd->env[i], '=')) == NULL)
			continue;
		name = xstrndup(jd->env[i], eq - jd->env[i]);
		json_object_object_add(e, name, json_object_new_string(eq + 1));
		free(name);
	}
	json_object_object_add(o, "environment", e);
	if (jd->custom == NULL ||
	    json_object_deep_copy(jd->custom, &c, NULL) != 0)
		c = json_object_new_object();
	json_object_object_add(o, "custom", c);

	if (all || jd->priority != 0)
		json_object_object_add(o, "priority",
		    json_object_new_int64(jd->priority));
	if (all || jd->max_retries != -1)
		json_object_object_add(o, "max_retries",
		    json_object_new_int64(jd->max_retries));
	if (all || jd->should_transfer != JD_XFER_IF_NEEDED)
		json_object_object_add(o, "should_transfer_files",
		    json_object_new_string(jobdesc_xfer_str(
		    jd->should_transfer)));
	if (all || jd->when_to_transfer != JD_WHEN_ON_EXIT)
		json_object_object_add(o, "when_to_transfer_output",
		    json_object_new_string(jobdesc_when_str(
		    jd->when_to_transfer)));
	if (all || jd->nxfer_in > 0)
		json_object_object_add(o, "transfer_input_files",
		    jd_json_strv(jd->xfer_in, jd->nxfer_in));
	if (all || jd->xfer_out != NULL)
		json_object_object_add(o, "transfer_output_files",
		    jd->xfer_out == NULL ? NULL :
		    jd_json_strv(jd->xfer_out, jd->nxfer_out));
	if (all || jd->checkpoint_exit_code != -1)
		json_object_object_add(o, "checkpoint_exit_code",
		    json_object_new_int64(jd->checkpoint_exit_code));
	if (all || jd->nckpt_files > 0)
		json_object_object_add(o, "transfer_checkpoint_files",
		    jd_json_strv(jd->ckpt_files, jd->nckpt_files));
	if (jd->umask != -1)
		json_object_object_add(o, "umask",
		    json_object_new_int64(jd->umask));
	if (all || jd->nice_user)
		json_object_object_add(o, "nice_user",
		    json_object_new_boolean(jd->nice_user));
	/* Only when false, as umask: a dry run of others is unchanged. */
	if (!jd->transfer_executable)
		json_object_object_add(o, "transfer_executable",
		    json_object_new_boolean(0));
	if (jd->hold)
		json_object_object_add(o, "hold", json_object_new_boolean(1));
	for (t = jd_texts; t->key != NULL; t++)
		if (all || *JD_TEXT(jd, t) != NULL)
			json_object_object_add(o, t->key,
			    jd_json_str(*JD_TEXT(jd, t)));
	return o;
}

struct json_object *
jobdesc_to_json(const struct jobdesc *jd)
{
	return jd_to_json(jd, 1);
}

struct json_object *
jobdesc_to_wire(const struct jobdesc *jd)
{
	return jd_to_json(jd, 0);
}

/*
 * The I-th optional text member past the core ones (rank, batch_name ...):
 * its key, and its value in *VAL (may be NULL); NULL past the last.  For
 * jobdesc-wire.c, which writes the same members in the same order.
 */
const char *
jobdesc_text_member(const struct jobdesc *jd, size_t i, const char **val)
{
	if (i >= sizeof(jd_texts) / sizeof(jd_texts[0]) - 1)
		return NULL;
	*val = *JD_TEXT(jd, &jd_texts[i]);
	return jd_texts[i].key;
}

/* A custom attribute name: a ClassAd identifier. */
int
jobdesc_is_attr(const char *s)
{
	if (!text_isalpha(*s) && *s != '_')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!text_isalnum(*s) && *s != '_')
			return 0;
	return 1;
}

/*
 * An accounting group or user name: letters, digits, '_', '-' and '.'
 * (hierarchical groups: group_physics.higgs), no empty part, at most
 * JOBDESC_MAX_NAME bytes.  1 or 0.
 */
static int
jd_is_acct_name(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > JOBDESC_MAX_NAME || s[0] == '.' ||
	    s[len - 1] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if (!text_isalnum(s[i]) && s[i] != '_' && s[i] != '-' &&
		    s[i] != '.')
			return 0;
	return 1;
}

int
jobdesc_limit_next(const char **sp, char *name, size_t namelen, int64_t *n,
    const char **errstr)
{
	const char	*s = *sp, *p;
	size_t		 len;
	int64_t		 v;

	while (*s == ',' || text_isspace(*s))
		s++;
	if (*s == '\0') {
		*sp = s;
		return 0;
	}
	for (p = s; text_isalnum(*p) || *p == '_' || *p == '.'; p++)
		;
	len = p - s;
	if (len == 0 || (!text_isalpha(*s) && *s != '_')) {
		*errstr = "a limit's name must start with a letter or '_' and "
		    "hold only letters, digits, '_' and '.'";
		return -1;
	}
	if (len >= namelen || len > JOBDESC_MAX_NAME) {
		*errstr = "a limit's name is too long";
		return -1;
	}
	memcpy(name, s, len);
	name[len] = '\0';
	while (text_isspace(*p))
		p++;
	*n = 1;
	if (*p == ':') {
		for (p++; text_isspace(*p); p++)
			;
		if (!text_isdigit(*p)) {
			*errstr = "expected a whole number after ':' "
			    "(NAME or NAME:N)";
			return -1;
		}
		for (v = 0; text_isdigit(*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > JOBDESC_MAX_LIMIT) {
				*errstr = "a limit's count is too large";
				return -1;
			}
		}
		if (v == 0) {
			*errstr = "a limit's count must be at least 1";
			return -1;
		}
		*n = v;
		while (text_isspace(*p))
			p++;
	}
	if (*p != '\0' && *p != ',') {
		*errstr = "expected NAME or NAME:N, separated by commas";
		return -1;
	}
	*sp = p;
	return 1;
}

int
jobdesc_check_acct(const struct jobdesc *jd, const char **errstr)
{
	const char	*s;
	char		 name[JOBDESC_MAX_NAME + 1], seen[JOBDESC_MAX_LIMITS]
			    [JOBDESC_MAX_NAME + 1];
	int64_t		 n;
	int		 rc, i, nseen = 0;

	if (jd->accounting_group != NULL &&
	    !jd_is_acct_name(jd->accounting_group)) {
		*errstr = "accounting_group: not a group name (letters, "
		    "digits, '_', '-', '.')";
		return -1;
	}
	if (jd->accounting_group_user != NULL &&
	    !jd_is_acct_name(jd->accounting_group_user)) {
		*errstr = "accounting_group_user: not a user name";
		return -1;
	}
	if (jd->accounting_group_user != NULL &&
	    jd->accounting_group == NULL) {
		*errstr = "accounting_group_user without accounting_group";
		return -1;
	}
	if ((s = jd->concurrency_limits) == NULL)
		return 0;
	while ((rc = jobdesc_limit_next(&s, name, sizeof name, &n,
	    errstr)) == 1) {
		for (i = 0; i < nseen; i++)
			if (strcasecmp(seen[i], name) == 0) {
				*errstr = "concurrency_limits names a limit "
				    "twice";
				return -1;
			}
		if (nseen == JOBDESC_MAX_LIMITS) {
			*errstr = "concurrency_limits: too many limits";
			return -1;
		}
		strlcpy(seen[nseen++], name, sizeof seen[0]);
	}
	return rc;
}

static const struct msg_member jd_members[] = {
	{ "proc",		JT_INT,		1 },
	{ "executable",		JT_STRING,	1 },
	{ "arguments",		JT_ARRAY,	1 },
	{ "output",		JT_STRING,	0 },	/* or null */
	{ "error",		JT_STRING,	0 },	/* or null */
	{ "log",		JT_STRING,	0 },	/* or null */
	{ "input",		JT_STRING,	0 },	/* or null */
	{ "initialdir",		JT_STRING,	1 },
	{ "request_cpus",	JT_INT,		1 },
	{ "request_memory_mb",	JT_INT,		1 },
	{ "request_disk_kb",	JT_INT,		1 },
	{ "requirements",	JT_STRING,	0 },	/* or null */
	{ "environment",	JT_OBJECT,	1 },
	{ "custom",		JT_OBJECT,	1 },
	/* Past JD_NCORE: may be absent (ads stored by older versions). */
	{ "priority",		JT_INT,		0 },
	{ "rank",		JT_STRING,	0 },	/* or null */
	{ "batch_name",		JT_STRING,	0 },	/* or null */
	{ "max_retries",	JT_INT,		0 },
	{ "notification",	JT_STRING,	0 },	/* or null */
	{ "should_transfer_files", JT_STRING,	0 },
	{ "when_to_transfer_output", JT_STRING,	0 },
	{ "transfer_input_files", JT_ARRAY,	0 },
	{ "transfer_output_files", JT_ARRAY,	0 },	/* or null */
	{ "checkpoint_exit_code", JT_INT,	0 },
	{ "transfer_checkpoint_files", JT_ARRAY, 0 },
	{ "umask",		JT_INT,		0 },
	{ "checkpoint",		JT_STRING,	0 },	/* or null */
	{ "kill_sig",		JT_STRING,	0 },	/* or null */
	{ "on_exit_remove",	JT_STRING,	0 },	/* or null */
	{ "on_exit_hold",	JT_STRING,	0 },	/* or null */
	{ "on_exit_hold_reason", JT_STRING,	0 },	/* or null */
	{ "on_exit_hold_subcode", JT_STRING,	0 },	/* or null */
	{ "periodic_hold",	JT_STRING,	0 },	/* or null */
	{ "periodic_hold_reason", JT_STRING,	0 },	/* or null */
	{ "periodic_hold_subcode", JT_STRING,	0 },	/* or null */
	{ "periodic_release",	JT_STRING,	0 },	/* or null */
	{ "periodic_remove",	JT_STRING,	0 },	/* or null */
	{ "success_exit_code",	JT_STRING,	0 },	/* or null */
	{ "retry_until",	JT_STRING,	0 },	/* or null */
	{ "accounting_group",	JT_STRING,	0 },	/* or null */
	{ "accounting_group_user", JT_STRING,	0 },	/* or null */
	{ "concurrency_limits",	JT_STRING,	0 },	/* or null */
	{ "nice_user",		JT_BOOL,	0 },
	{ "transfer_executable", JT_BOOL,	0 },
	{ "hold",		JT_BOOL,	0 },
	{ NULL,			0,		0 }
};
#define JD_NCORE	14	/* members DESIGN.md names: always present */

/* A JSON string without NUL and within the limit; 0 or -1. */
static int
jd_json_text(struct json_object *v, const char **s, const char **errstr)
{
	if (!json_object_is_type(v, json_type_string)) {
		*errstr = "member has the wrong type";
		return -1;
	}
	*s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(*s)) {
		*errstr = "NUL byte in a string";
		return -1;
	}
	if (strlen(*s) > JOBDESC_MAX_STR) {
		*errstr = "string too long";
		return -1;
	}
	return 0;
}

/* A path member: absolute, or null if NULLABLE is 1; NULLABLE 2: never
 * null, relative allowed (an executable that is not transferred). */
static int
jd_json_path(struct json_object *obj, const char *key, int nullable,
    char **out, const char **errstr)
{
	struct json_object	*v = jsonx_get(obj, key);
	const char		*s;

	*out = NULL;
	if (v == NULL && nullable == 1)
		return 0;
	if (jd_json_text(v, &s, errstr) == -1)
		return -1;
	if (s[0] == '\0' || (s[0] != '/' && nullable != 2)) {
		*errstr = "path is not absolute";
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

static int
jd_json_int(struct json_object *obj, const char *key, int64_t min,
    int64_t max, int64_t *out, const char **errstr)
{
	struct json_object	*v = jsonx_get(obj, key);
	int64_t			 n = json_object_get_int64(v);

	/* json-c keeps integers above INT64_MAX as uint64 and clamps. */
	if (n < min || n > max || (n == INT64_MAX &&
	    json_object_get_uint64(v) != (uint64_t)INT64_MAX)) {
		*errstr = "number out of range";
		return -1;
	}
	*out = n;
	return 0;
}

static int
jd_json_env(struct json_object *obj, struct jobdesc *jd, const char **errstr)
{
	struct json_object	*envobj = jsonx_get(obj, "environment");
	const char		*val;
	size_t			 n;

	if ((n = json_object_object_length(envobj)) > JOBDESC_MAX_ENV) {
		*errstr = "too many environment variables";
		return -1;
	}
	jd->env = xcalloc(n + 1, sizeof(*jd->env));
	json_object_object_foreach(envobj, name, v) {
		if (*name == '\0' || strchr(name, '=') != NULL) {
			*errstr = "bad environment variable name";
			return -1;
		}
		if (v == NULL || jd_json_text(v, &val, errstr) == -1) {
			if (v == NULL)
				*errstr = "member has the wrong type";
			return -1;
		}
		if (strlen(name) + 1 + strlen(val) > JOBDESC_MAX_STR) {
			*errstr = "string too long";
			return -1;
		}
		xasprintf(&jd->env[jd->nenv++], "%s=%s", name, val);
	}
	return 0;
}

static int
jd_json_custom(struct json_object *obj, struct jobdesc *jd,
    const char **errstr)
{
	struct json_object	*c = jsonx_get(obj, "custom");
	const char		*s;

	if (json_object_object_length(c) > JOBDESC_MAX_CUSTOM) {
		*errstr = "too many custom attributes";
		return -1;
	}
	json_object_object_foreach(c, name, v) {
		if (!jobdesc_is_attr(name) || strlen(name) > JOBDESC_MAX_STR) {
			*errstr = "bad custom attribute name";
			return -1;
		}
		if (json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double) ||
		    json_object_is_type(v, json_type_boolean))
			continue;
		if (!json_object_is_type(v, json_type_string)) {
			*errstr = "custom attribute of an unsupported type";
			return -1;
		}
		if (jd_json_text(v, &s, errstr) == -1)
			return -1;
	}
	/*
	 * Checked and never changed once decoded: share it with the message
	 * instead of copying (a copy per job of a big submit); the reference
	 * keeps it alive after the message is freed.
	 */
	jd->custom = json_object_get(c);
	return 0;
}

/* An optional string member: absent or null leaves *OUT NULL. */
static int
jd_json_optstr(struct json_object *obj, const char *key, char **out,
    const char **errstr)
{
	struct json_object	*v = jsonx_get(obj, key);
	const char		*s;

	if (v == NULL)
		return 0;
	if (jd_json_text(v, &s, errstr) == -1)
		return -1;
	*out = xstrdup(s);
	return 0;
}

/*
 * An optional array of paths: absolute ones (ABS) or ones relative to the
 * sandbox that stay inside it (no "..", not empty).  *SET says it was there.
 */
static int
jd_json_paths(struct json_object *obj, const char *key, int abs, char ***out,
    size_t *n, int *set, const char **errstr)
{
	struct json_object	*a = jsonx_get(obj, key), *v;
	const char		*s, *p;
	size_t			 i, len;

	*set = a != NULL;
	if (a == NULL)
		return 0;
	if ((len = json_object_array_length(a)) > JOBDESC_MAX_ARGS) {
		*errstr = "too many files";
		return -1;
	}
	*out = xcalloc(len + 1, sizeof(**out));
	for (i = 0; i < len; i++) {
		v = json_object_array_get_idx(a, i);
		if (v == NULL || jd_json_text(v, &s, errstr) == -1) {
			if (v == NULL)
				*errstr = "member has the wrong type";
			return -1;
		}
		if (*s == '\0' || (abs && *s != '/') || (!abs && *s == '/')) {
			*errstr = abs ? "path is not absolute" :
			    "path is not relative";
			return -1;
		}
		for (p = s; !abs && p != NULL; p = strchr(p, '/')) {
			if (*p == '/')
				p++;
			if (strncmp(p, "..", 2) == 0 &&
			    (p[2] == '/' || p[2] == '\0')) {
				*errstr = "path leaves the sandbox";
				return -1;
			}
		}
		(*out)[(*n)++] = xstrdup(s);
	}
	return 0;
}

/* The members past JD_NCORE, each optional. */
static int
jd_json_rest(struct json_object *obj, struct jobdesc *jd, const char **errstr)
{
	const struct jd_text	*t;
	struct json_object	*v;
	int			 set;

	jd->max_retries = -1;
	jd->checkpoint_exit_code = -1;
	jd->umask = -1;
	if (jsonx_get(obj, "umask") != NULL && jd_json_int(obj, "umask",
	    0, 0777, &jd->umask, errstr) == -1)
		return -1;
	if (jsonx_get(obj, "priority") != NULL && jd_json_int(obj, "priority",
	    INT32_MIN, INT32_MAX, &jd->priority, errstr) == -1)
		return -1;
	if (jsonx_get(obj, "max_retries") != NULL && jd_json_int(obj,
	    "max_retries", -1, INT32_MAX, &jd->max_retries, errstr) == -1)
		return -1;
	if (jsonx_get(obj, "checkpoint_exit_code") != NULL &&
	    jd_json_int(obj, "checkpoint_exit_code", -1, 255,
	    &jd->checkpoint_exit_code, errstr) == -1)
		return -1;
	if ((v = jsonx_get(obj, "nice_user")) != NULL)
		jd->nice_user = json_object_get_boolean(v);
	if ((v = jsonx_get(obj, "hold")) != NULL)
		jd->hold = json_object_get_boolean(v);
	if ((v = jsonx_get(obj, "should_transfer_files")) != NULL) {
		if ((jd->should_transfer = jobdesc_xfer_parse(
		    json_object_get_string(v))) == -1) {
			*errstr = "bad should_transfer_files";
			return -1;
		}
	}
	if ((v = jsonx_get(obj, "when_to_transfer_output")) != NULL) {
		if ((jd->when_to_transfer = jobdesc_when_parse(
		    json_object_get_string(v))) == -1) {
			*errstr = "bad when_to_transfer_output";
			return -1;
		}
	}
	for (t = jd_texts; t->key != NULL; t++)
		if (jd_json_optstr(obj, t->key, JD_TEXT(jd, t), errstr) == -1)
			return -1;
	if (jd->checkpoint != NULL && strcmp(jd->checkpoint, "criu") != 0) {
		*errstr = "checkpoint is not \"criu\"";
		return -1;
	}
	if (jobdesc_check_acct(jd, errstr) == -1)
		return -1;
	if (jd_json_paths(obj, "transfer_input_files", 1, &jd->xfer_in,
	    &jd->nxfer_in, &set, errstr) == -1 ||
	    jd_json_paths(obj, "transfer_output_files", 0, &jd->xfer_out,
	    &jd->nxfer_out, &set, errstr) == -1 ||
	    jd_json_paths(obj, "transfer_checkpoint_files", 0,
	    &jd->ckpt_files, &jd->nckpt_files, &set, errstr) == -1)
		return -1;
	if (jd->xfer_in == NULL)
		jd->xfer_in = xcalloc(1, sizeof(*jd->xfer_in));
	if (jd->ckpt_files == NULL)
		jd->ckpt_files = xcalloc(1, sizeof(*jd->ckpt_files));
	return 0;
}

/* Strictly decode the wire form into JD; nothing is kept on error. */
/* 0 if SRC (NULL: none) parses as an expression, else -1. */
static int
jd_json_expr(const char *src)
{
	struct expr	*e;
	char		 err[8];

	if (src == NULL)
		return 0;
	if ((e = expr_parse(src, err, sizeof err)) == NULL)
		return -1;
	expr_free(e);
	return 0;
}

int
jobdesc_from_json(struct json_object *obj, struct jobdesc *jd,
    const char **errstr)
{
	const struct msg_member	*m;
	struct json_object	*args, *v;
	const char		*s;
	int64_t			 n;
	size_t			 i;

	memset(jd, 0, sizeof(*jd));
	if (!json_object_is_type(obj, json_type_object)) {
		*errstr = "not an object";
		return -1;
	}
	/* The optional members are exactly those that may be null. */
	if (jsonx_check_nullable(obj, jd_members, errstr) == -1)
		return -1;
	for (m = jd_members; m < jd_members + JD_NCORE; m++) {
		if (!json_object_object_get_ex(obj, m->name, NULL)) {
			*errstr = "missing member";
			return -1;
		}
	}

	if (jd_json_int(obj, "proc", 0, UINT32_MAX, &n, errstr) == -1)
		goto fail;
	jd->proc = (uint32_t)n;
	/* An executable that is not transferred may be relative: the
	 * agent takes it from the job's directory, as HTCondor's. */
	jd->transfer_executable = (v = jsonx_get(obj,
	    "transfer_executable")) == NULL || json_object_get_boolean(v);
	if (jd_json_path(obj, "executable", !jd->transfer_executable ? 2 : 0,
	    &jd->executable, errstr) == -1 ||
	    jd_json_path(obj, "output", 1, &jd->output, errstr) == -1 ||
	    jd_json_path(obj, "error", 1, &jd->error, errstr) == -1 ||
	    jd_json_path(obj, "log", 1, &jd->log, errstr) == -1 ||
	    jd_json_path(obj, "input", 1, &jd->input, errstr) == -1 ||
	    jd_json_path(obj, "initialdir", 0, &jd->initialdir,
	    errstr) == -1)
		goto fail;
	if (jd_json_int(obj, "request_cpus", 1, INT_MAX, &jd->request_cpus,
	    errstr) == -1 ||
	    jd_json_int(obj, "request_memory_mb", 0, INT64_MAX,
	    &jd->request_memory_mb, errstr) == -1 ||
	    jd_json_int(obj, "request_disk_kb", 0, INT64_MAX,
	    &jd->request_disk_kb, errstr) == -1)
		goto fail;
	if ((v = jsonx_get(obj, "requirements")) != NULL) {
		if (jd_json_text(v, &s, errstr) == -1)
			goto fail;
		jd->requirements = xstrdup(s);
	}

	args = jsonx_get(obj, "arguments");
	if (json_object_array_length(args) > JOBDESC_MAX_ARGS) {
		*errstr = "too many arguments";
		goto fail;
	}
	jd->argv = xcalloc(json_object_array_length(args) + 1,
	    sizeof(*jd->argv));
	for (i = 0; i < json_object_array_length(args); i++) {
		v = json_object_array_get_idx(args, i);
		if (v == NULL || jd_json_text(v, &s, errstr) == -1) {
			if (v == NULL)
				*errstr = "member has the wrong type";
			goto fail;
		}
		jd->argv[jd->argc++] = xstrdup(s);
	}
	if (jd_json_env(obj, jd, errstr) == -1 ||
	    jd_json_custom(obj, jd, errstr) == -1)
		goto fail;
	if (jd_json_rest(obj, jd, errstr) == -1)
		goto fail;
	if (jd_json_expr(jd->requirements) == -1) {
		*errstr = "requirements: not a valid expression";
		goto fail;
	}
	if (jd_json_expr(jd->rank) == -1) {
		*errstr = "rank: not a valid expression";
		goto fail;
	}
	return 0;

fail:
	jobdesc_free(jd);
	return -1;
}
