/*
 * priv-check.c: the root parent's check of each request of its network
 * child (priv.c serves them), against what the parent knows itself: its
 * table of runs (priv-run.c), sandbox_dir, the input source's directory
 * and its CRIU runs.  A spawn is for a run that has no process (not
 * yet, or no more: a job that checkpointed itself restarts in its run),
 * on the run's slot (free of any other live run), for the owner and uid
 * the run was made with, in that run's sandbox, with no path it names in
 * another run's sandbox or elsewhere in sandbox_dir; a signal, freeze,
 * thaw, kill, release or deadline is for a live run's process group; a
 * CRIU dump is of a running run into its own sandbox, a restore of a run
 * with no process, from its own sandbox.  Paths are judged by their
 * letters, ".." resolved against the working directory; what a path's
 * symlinks lead to is the kernel's to stop (a sandbox is its user's,
 * 0700, and the job opens its files as that user).  Nothing here changes
 * the table: priv.c does once a request has passed.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonx.h"
#include "msg.h"
#include "priv.h"
#include "startd.h"

#define PRIV_MAX_ARGS		4096

static char	priv_sbxdir[PATH_MAX];
static char	priv_indir[PATH_MAX];	/* "": none */
static char	priv_localsock[PATH_MAX];	/* "": none */

void
priv_set_sandbox_dir(const char *dir)
{
	strlcpy(priv_sbxdir, dir, sizeof priv_sbxdir);
}

const char *
priv_sandbox_dir(void)
{
	return priv_sbxdir;
}

void
priv_set_local_socket(const char *path)
{
	strlcpy(priv_localsock, path != NULL ? path : "",
	    sizeof priv_localsock);
}

const char *
priv_local_socket(void)
{
	return priv_localsock;
}

void
priv_set_input_dir(const char *dir)
{
	strlcpy(priv_indir, dir != NULL ? dir : "", sizeof priv_indir);
}

const char *
priv_input_dir(void)
{
	return priv_indir;
}

/* NAME is "event" and digits, as evdev names its devices. */
static int
priv_event_name(const char *name)
{
	size_t	i;

	if (strncmp(name, "event", 5) != 0 || name[5] == '\0' ||
	    strlen(name) > 16)
		return 0;
	for (i = 5; name[i] != '\0'; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

/*
 * PATH names something strictly inside DIR, by its letters: absolute,
 * no "." or ".." component, no empty one.  1 or 0.
 */
static int
priv_path_inside(const char *path, const char *dir)
{
	size_t		 n = strlen(dir);
	const char	*p, *c;

	if (n == 0 || dir[0] != '/' || strncmp(path, dir, n) != 0 ||
	    path[n] != '/' || path[n + 1] == '\0')
		return 0;
	for (p = path + n + 1; *p != '\0'; p = *c == '\0' ? c : c + 1) {
		c = p + strcspn(p, "/");
		if (c == p || (c - p == 1 && p[0] == '.') ||
		    (c - p == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
	}
	return 1;
}

/* PATH is DIR or in it, by its letters (PATH normalized). */
static int
priv_path_under(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	return n > 0 && strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

/*
 * PATH (against BASE if relative) with ".", ".." and empty components
 * resolved by their letters, into OUT.  0, or -1 if too long.
 */
static int
priv_path_norm(const char *base, const char *path, char *out, size_t len)
{
	char		 in[PATH_MAX * 2 + 2];
	const char	*p, *c;
	size_t		 o = 0, l;

	if (snprintf(in, sizeof in, "%s/%s", path[0] == '/' ? "" : base,
	    path) >= (int)sizeof in || len < 2)
		return -1;
	for (p = in; *p != '\0'; p = *c == '\0' ? c : c + 1) {
		c = p + strcspn(p, "/");
		l = (size_t)(c - p);
		if (l == 0 || (l == 1 && p[0] == '.'))
			continue;
		if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[--o] != '/')
				;
			continue;
		}
		if (o + 1 + l + 1 > len)
			return -1;
		out[o++] = '/';
		memcpy(out + o, p, l);
		o += l;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/* MSG's member NAME is an array of at most MAX strings, at least MIN. */
static int
priv_strings(struct json_object *msg, const char *name, size_t min,
    size_t max)
{
	struct json_object	*a = jsonx_get(msg, name);
	size_t			 i, n;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i),
		    json_type_string))
			return 0;
	return 1;
}

/*
 * Spawn MSG's working directory is inside run R's sandbox if it has one,
 * and no path it names (that directory, the executable, stdio) is in
 * another run's sandbox or elsewhere in sandbox_dir.  Paths outside
 * sandbox_dir (an executable of the desktop's, input /dev/null) are the
 * job's user's to open.
 */
static int
priv_check_spawn_paths(struct json_object *msg, const struct priv_run *r,
    const char *job, uint32_t run, char *err, size_t errlen)
{
	static const char	*keys[] = { "iwd", "executable", "input",
				    "output", "error" };
	const struct priv_run	*o;
	const char		*iwd = jsonx_str(msg, "iwd", ""), *s;
	char			 p[PATH_MAX];
	size_t			 i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if ((s = jsonx_str(msg, keys[i], NULL)) == NULL)
			continue;
		if (priv_path_norm(iwd, s, p, sizeof p) == -1) {
			snprintf(err, errlen, "spawn: job %s run %u: its %s is "
			    "too long", job, run, keys[i]);
			errno = ENAMETOOLONG;
			return -1;
		}
		o = priv_run_path(p);
		if (o != NULL && o != r) {
			snprintf(err, errlen, "spawn: job %s run %u: its %s is "
			    "in the sandbox of job %s run %u", job, run,
			    keys[i], o->job, o->run);
			errno = EPERM;
			return -1;
		}
		if (r != NULL && r->path != NULL && o != r && i == 0) {
			snprintf(err, errlen, "spawn: job %s run %u: its %s is "
			    "not inside its sandbox", job, run, keys[i]);
			errno = EPERM;
			return -1;
		}
		if (o == NULL && priv_path_under(p, priv_sbxdir)) {
			snprintf(err, errlen, "spawn: job %s run %u: its %s is "
			    "in sandbox_dir, in no sandbox of its", job, run,
			    keys[i]);
			errno = EPERM;
			return -1;
		}
	}
	return 0;
}

/* The run-table part of a spawn's check. */
static int
priv_check_spawn_run(struct json_object *msg, char *err, size_t errlen)
{
	const struct priv_run	*r, *o;
	const char		*job = jsonx_str(msg, "job", "");
	const char		*owner = jsonx_str(msg, "owner", "");
	int64_t			 run64 = jsonx_int(msg, "run", -1);
	int64_t			 slot = jsonx_int(msg, "slot", 0);
	int64_t			 uid = jsonx_int(msg, "uid", -1);
	uint32_t		 run;

	if (run64 < 0 || run64 > UINT32_MAX) {
		snprintf(err, errlen, "spawn: bad run number");
		return -1;
	}
	run = (uint32_t)run64;
	if ((r = priv_run_find(job, run)) != NULL) {
		if (priv_run_live(r)) {
			snprintf(err, errlen, "spawn: job %s run %u is %s "
			    "already", job, run, priv_run_state_str(r->state));
			errno = EBUSY;
			return -1;
		}
		if (r->slot != slot || r->sched_uid != uid ||
		    strcmp(r->owner, owner) != 0) {
			snprintf(err, errlen, "spawn: job %s run %u: slot "
			    "%lld, owner %.64s and uid %lld are not the run's "
			    "(slot %d, owner %.64s, uid %lld)", job, run,
			    (long long)slot, owner, (long long)uid, r->slot,
			    r->owner, r->sched_uid);
			errno = EPERM;
			return -1;
		}
	}
	if (priv_check_spawn_paths(msg, r, job, run, err, errlen) == -1)
		return -1;
	if ((o = priv_run_slot((int)slot, r)) != NULL) {
		snprintf(err, errlen, "spawn: job %s run %u: slot %lld is job "
		    "%s run %u's", job, run, (long long)slot, o->job, o->run);
		errno = EBUSY;
		return -1;
	}
	return 0;
}

/* A CRIU dump or restore: of and into a run of the table's. */
static int
priv_check_criu_run(const char *op, struct json_object *msg, char *err,
    size_t errlen)
{
	const struct priv_run	*r;
	const char		*img = jsonx_str(msg, "imgdir", "");
	const char		*job = jsonx_str(msg, "job", NULL);
	int64_t			 pid = jsonx_int(msg, "pid", 0);
	int64_t			 run = jsonx_int(msg, "run", -1);

	if (strcmp(op, "dump") == 0) {
		if (pid <= 1 || pid > INT_MAX ||
		    (r = priv_run_pid((pid_t)pid)) == NULL ||
		    r->state != PRIV_RUN_RUNNING) {
			snprintf(err, errlen, "criu dump: %lld is no job of "
			    "this agent", (long long)pid);
			errno = ESRCH;
			return -1;
		}
		if (job != NULL && (strcmp(job, r->job) != 0 ||
		    run != r->run)) {
			snprintf(err, errlen, "criu dump: %lld is job %s run "
			    "%u, not job %.32s run %lld", (long long)pid,
			    r->job, r->run, job, (long long)run);
			errno = EPERM;
			return -1;
		}
	} else {
		if (job == NULL || run < 0 || run > UINT32_MAX ||
		    (r = priv_run_find(job, (uint32_t)run)) == NULL) {
			snprintf(err, errlen, "criu restore: job %.32s run "
			    "%lld is not known here", job != NULL ? job : "?",
			    (long long)run);
			errno = ESRCH;
			return -1;
		}
		if (priv_run_live(r)) {
			snprintf(err, errlen, "criu restore: job %s run %u is "
			    "%s already", r->job, r->run,
			    priv_run_state_str(r->state));
			errno = EBUSY;
			return -1;
		}
	}
	if (r->path == NULL || !priv_path_inside(img, r->path)) {
		snprintf(err, errlen, "criu %s: the image directory is not "
		    "inside the sandbox of job %s run %u", op, r->job, r->run);
		errno = EPERM;
		return -1;
	}
	return 0;
}

int
priv_check(uint16_t type, struct json_object *msg, char *err, size_t errlen)
{
	const struct priv_run	*r;
	const char		*op, *s;
	int64_t			 pid, sig;

	errno = EINVAL;
	switch (type) {
	case MSG_PRIV_SPAWN:
		s = jsonx_str(msg, "job", "");
		if (*s == '\0' || strlen(s) >= PRIV_JOB_MAX) {
			snprintf(err, errlen, "spawn: bad job id");
			return -1;
		}
		if (*jsonx_str(msg, "executable", "") == '\0' ||
		    !priv_strings(msg, "argv", 1, PRIV_MAX_ARGS) ||
		    !priv_strings(msg, "env", 0, PRIV_MAX_ARGS)) {
			snprintf(err, errlen, "spawn: bad executable, argv or "
			    "env");
			return -1;
		}
		if (jsonx_int(msg, "slot", 0) < 1 ||
		    jsonx_int(msg, "slot", 0) > st->nslots) {
			snprintf(err, errlen, "spawn: no slot %lld here",
			    (long long)jsonx_int(msg, "slot", 0));
			return -1;
		}
		if (*jsonx_str(msg, "iwd", "") != '/') {
			snprintf(err, errlen, "spawn: the working directory "
			    "is not absolute");
			return -1;
		}
		return priv_check_spawn_run(msg, err, errlen);
	case MSG_PRIV_JOBCTL:
		op = jsonx_str(msg, "op", "");
		pid = jsonx_int(msg, "pid", 0);
		if (strcmp(op, "signal") != 0 && strcmp(op, "freeze") != 0 &&
		    strcmp(op, "thaw") != 0 && strcmp(op, "kill") != 0 &&
		    strcmp(op, "release") != 0 && strcmp(op, "deadline") != 0) {
			snprintf(err, errlen, "jobctl: no operation \"%.32s\"",
			    op);
			return -1;
		}
		if (pid <= 1 || pid > INT_MAX ||
		    (r = priv_run_pid((pid_t)pid)) == NULL) {
			snprintf(err, errlen, "%s: %lld is no job of this agent",
			    op, (long long)pid);
			errno = ESRCH;
			return -1;
		}
		sig = jsonx_int(msg, "signal", 0);
		if (strcmp(op, "signal") == 0 && (sig < 1 || sig > 64)) {
			snprintf(err, errlen, "signal: bad signal %lld",
			    (long long)sig);
			return -1;
		}
		return 0;
	case MSG_PRIV_CRIU:
		op = jsonx_str(msg, "op", "");
		if (strcmp(op, "abort") == 0) {
			if (!priv_criu_known((uint32_t)jsonx_int(msg, "id",
			    0))) {
				snprintf(err, errlen, "criu abort: no such "
				    "operation");
				return -1;
			}
			return 0;
		}
		if (strcmp(op, "dump") != 0 && strcmp(op, "restore") != 0) {
			snprintf(err, errlen, "criu: no operation \"%.32s\"",
			    op);
			return -1;
		}
		if (!priv_path_inside(jsonx_str(msg, "imgdir", ""),
		    priv_sbxdir)) {
			snprintf(err, errlen, "criu %s: the image directory is "
			    "not inside sandbox_dir", op);
			return -1;
		}
		return priv_check_criu_run(op, msg, err, errlen);
	case MSG_PRIV_OPEN:
		if (strcmp(jsonx_str(msg, "what", ""), "input") != 0 ||
		    priv_indir[0] == '\0') {
			snprintf(err, errlen, "open: only input devices, and "
			    "only with the input source");
			return -1;
		}
		if (!priv_event_name(jsonx_str(msg, "name", ""))) {
			snprintf(err, errlen, "open: not an input device "
			    "name");
			return -1;
		}
		return 0;
	default:
		snprintf(err, errlen, "%s is not a request",
		    msg_type_str(type));
		return -1;
	}
}
