/*
 * jobs.c: the jobs this agent holds, one per slot at most.  A job enters
 * on a start order and leaves when the scheduler acknowledges its exit;
 * until then its exit report is sent again after every reconnect.  A job
 * whose start fails is held here like an exited one, with the error, so
 * the scheduler hears of it exactly as of an exit.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "jobctl.h"
#include "jobdesc.h"
#include "jobs.h"
#include "jsonx.h"
#include "link.h"
#include "log.h"
#include "msg.h"
#include "startd.h"
#include "xmalloc.h"

struct ajob {
	char			 id[32];
	uint32_t		 run;
	int			 slot;		/* 1-based */
	pid_t			 pid;		/* 0 if it never started */
	int			 exited;
	struct jobctl_result	 res;
	char			*error;		/* why it could not start */
	int64_t			 started;	/* mono ms */
	int64_t			 wall_ms;
};

static struct ajob	**jobs;		/* held jobs */
static size_t		  njobs;
static struct ajob	**slot_job;	/* [slot] running job or NULL */

void
jobs_init(void)
{
	slot_job = xcalloc((size_t)st->nslots + 1, sizeof *slot_job);
}

static struct ajob *
jobs_find(const char *id, uint32_t run)
{
	size_t	i;

	for (i = 0; i < njobs; i++)
		if (strcmp(jobs[i]->id, id) == 0 && jobs[i]->run == run)
			return jobs[i];
	return NULL;
}

static void
jobs_free(struct ajob *j)
{
	free(j->error);
	free(j);
}

static void
jobs_send_exit(const struct ajob *j)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "job", json_object_new_string(j->id));
	json_object_object_add(o, "run", json_object_new_int64(j->run));
	if (j->error != NULL)
		json_object_object_add(o, "error",
		    json_object_new_string(j->error));
	else {
		json_object_object_add(o, "code",
		    json_object_new_int(j->res.code));
		json_object_object_add(o, "signal",
		    json_object_new_int(j->res.signal));
		json_object_object_add(o, "utime_ms",
		    json_object_new_int64(j->res.utime_ms));
		json_object_object_add(o, "stime_ms",
		    json_object_new_int64(j->res.stime_ms));
		json_object_object_add(o, "maxrss_kb",
		    json_object_new_int64(j->res.maxrss_kb));
		json_object_object_add(o, "wall_ms",
		    json_object_new_int64(j->wall_ms));
	}
	link_send(MSG_EXITED, o);
	json_object_put(o);
}

/* Build the argv and run; fills J->pid or J->error. */
static void
jobs_spawn(struct ajob *j, const struct jobdesc *d, const char *owner)
{
	struct jobctl_spec	 spec;
	struct passwd		*pw;
	char			**argv, err[512];
	size_t			 i;

	memset(&spec, 0, sizeof spec);
	argv = xcalloc(d->argc + 2, sizeof *argv);
	argv[0] = d->executable;
	for (i = 0; i < d->argc; i++)
		argv[i + 1] = d->argv[i];
	spec.executable = d->executable;
	spec.argv = argv;
	spec.envp = d->env;
	spec.iwd = d->initialdir;
	spec.input = d->input;
	spec.output = d->output;
	spec.error = d->error;
	if (geteuid() == 0 && strcmp(owner, "root") != 0) {
		/* Run as the job's owner, never as root for someone else. */
		if ((pw = getpwnam(owner)) == NULL) {
			xasprintf(&j->error, "no user %s on this machine",
			    owner);
			free(argv);
			return;
		}
		spec.switch_user = 1;
		spec.uid = pw->pw_uid;
		spec.gid = pw->pw_gid;
	}
	if (jobctl_spawn(&spec, &j->pid, err, sizeof err) == -1) {
		j->pid = 0;
		j->error = xstrdup(err);
	}
	free(argv);
}

void
jobs_start(struct json_object *msg)
{
	struct ajob		*j;
	struct jobdesc		 d;
	struct json_object	*o;
	const char		*id = jsonx_str(msg, "job", ""), *errstr;
	int64_t			 slot = jsonx_int(msg, "slot", 0);
	uint32_t		 run = (uint32_t)jsonx_int(msg, "run", 0);
	char			**env;

	if (strlen(id) == 0 || strlen(id) >= sizeof j->id) {
		log_warnx("start: bad job id");
		return;
	}
	if (jobs_find(id, run) != NULL) {
		log_info("start: job %s run %u is already here", id, run);
		return;
	}
	j = xcalloc(1, sizeof *j);
	strlcpy(j->id, id, sizeof j->id);
	j->run = run;
	j->slot = (int)slot;
	j->started = clock_mono_ms();
	jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
	jobs[njobs++] = j;

	memset(&d, 0, sizeof d);
	if (slot < 1 || slot > st->nslots)
		j->error = xstrdup("no such slot on this agent");
	else if (slot_job[slot] != NULL)
		j->error = xstrdup("slot is busy on this agent");
	else if (jobdesc_from_json(jsonx_get(msg, "desc"), &d,
	    &errstr) == -1)
		xasprintf(&j->error, "bad job description: %s", errstr);
	else {
		/* Environment vectors are NULL-terminated for exec. */
		env = xcalloc(d.nenv + 1, sizeof *env);
		memcpy(env, d.env, d.nenv * sizeof *env);
		free(d.env);
		d.env = env;
		jobs_spawn(j, &d, jsonx_str(msg, "owner", ""));
	}
	jobdesc_free(&d);
	if (j->error != NULL) {
		log_warnx("job %s run %u: %s", j->id, j->run, j->error);
		j->exited = 1;
		jobs_send_exit(j);
		return;
	}
	slot_job[slot] = j;
	log_info("job %s run %u: started pid %ld on slot %d", j->id, j->run,
	    (long)j->pid, j->slot);
	o = json_object_new_object();
	json_object_object_add(o, "job", json_object_new_string(j->id));
	json_object_object_add(o, "run", json_object_new_int64(j->run));
	json_object_object_add(o, "pid", json_object_new_int64(j->pid));
	link_send(MSG_STARTED, o);
	json_object_put(o);
}

void
jobs_kill(const char *id, uint32_t run)
{
	struct ajob	*j = jobs_find(id, run);

	if (j == NULL || j->exited || j->pid <= 0) {
		log_debug("kill: job %s run %u is not running here", id, run);
		return;
	}
	log_info("job %s run %u: killing", id, run);
	if (jobctl_signal(j->pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("job %s: kill", id);
}

void
jobs_exit_acked(const char *id, uint32_t run)
{
	size_t	i;

	for (i = 0; i < njobs; i++) {
		if (strcmp(jobs[i]->id, id) == 0 && jobs[i]->run == run &&
		    jobs[i]->exited) {
			jobs_free(jobs[i]);
			jobs[i] = jobs[--njobs];
			return;
		}
	}
}

void
jobs_reap(void)
{
	struct jobctl_result	 res;
	pid_t			 pid;
	size_t			 i;
	struct ajob		*j;

	while (jobctl_reap(&pid, &res) == 1) {
		j = NULL;
		for (i = 0; i < njobs; i++)
			if (jobs[i]->pid == pid && !jobs[i]->exited)
				j = jobs[i];
		if (j == NULL)
			continue;	/* an orphan of some job: reaped */
		j->exited = 1;
		j->res = res;
		j->wall_ms = clock_mono_ms() - j->started;
		if (j->slot >= 1 && j->slot <= st->nslots &&
		    slot_job[j->slot] == j)
			slot_job[j->slot] = NULL;
		log_info("job %s run %u: exited (code %d, signal %d)", j->id,
		    j->run, res.code, res.signal);
		jobs_send_exit(j);
	}
}

struct json_object *
jobs_ad_slots(void)
{
	struct json_object	*a, *o;
	int			 i;

	a = json_object_new_array();
	for (i = 1; i <= st->nslots; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int(i));
		json_object_object_add(o, "cpus",
		    json_object_new_int64(st->slot_cpus));
		json_object_object_add(o, "memory_mb",
		    json_object_new_int64(st->slot_memory_mb));
		json_object_object_add(o, "state", json_object_new_string(
		    slot_job[i] != NULL ? "CLAIMED" : "UNCLAIMED"));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *
jobs_ad_jobs(void)
{
	struct json_object	*a, *o;
	size_t			 i;

	a = json_object_new_array();
	for (i = 0; i < njobs; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "job",
		    json_object_new_string(jobs[i]->id));
		json_object_object_add(o, "run",
		    json_object_new_int64(jobs[i]->run));
		json_object_object_add(o, "slot",
		    json_object_new_int(jobs[i]->slot));
		json_object_object_add(o, "exited",
		    json_object_new_boolean(jobs[i]->exited));
		json_object_array_add(a, o);
	}
	return a;
}

void
jobs_resend_exits(void)
{
	size_t	i;

	for (i = 0; i < njobs; i++)
		if (jobs[i]->exited)
			jobs_send_exit(jobs[i]);
}

int
jobs_running(void)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < njobs; i++)
		if (!jobs[i]->exited)
			n++;
	return n;
}

void
jobs_shutdown(void)
{
	size_t	i;

	for (i = 0; i < njobs; i++) {
		if (!jobs[i]->exited && jobs[i]->pid > 0)
			jobctl_signal(jobs[i]->pid, SIGKILL);
		jobs_free(jobs[i]);
	}
	free(jobs);
	jobs = NULL;
	njobs = 0;
	free(slot_job);
	slot_job = NULL;
}
