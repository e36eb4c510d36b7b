/*
 * jobs.c: the agent's slots and the jobs they hold.  Each slot carries
 * the desktop policy's state (policy.c); jobs_eval() feeds it the owner's
 * situation (owner.c) and carries out what it decides: freeze, thaw,
 * vacate (the checkpoint signal), kill.  Every slot transition is told to
 * the scheduler at once.  A job is held from its start order until the
 * scheduler acknowledges its exit, so an exit is never lost across a
 * broken link or a scheduler restart; a job whose start fails is held
 * like an exited one, with the error.  A run that ends because the owner
 * came back (vacated, or refused because the slot was no longer offered)
 * is reported as evicted, and the scheduler queues the job again.
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
#include "owner.h"
#include "policy.h"
#include "startd.h"
#include "xmalloc.h"

struct ajob {
	char			 id[32];
	uint32_t		 run;
	int			 slot;		/* 1-based */
	pid_t			 pid;		/* 0 if it never started */
	int			 exited;
	int			 evicted;	/* ended by the owner's return */
	enum slot_state		 slot_after;	/* the slot's state after */
	struct jobctl_result	 res;
	char			*error;		/* why it could not start */
	int64_t			 started;	/* mono ms */
	int64_t			 wall_ms;
};

struct aslot {
	struct policy_slot	 ps;
	struct ajob		*job;		/* running here, or NULL */
};

static struct ajob	**jobs;		/* held jobs */
static size_t		  njobs;
static struct aslot	 *slots;	/* [1..nslots] */

static void
jobs_send_slot(const struct aslot *s)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "slot", json_object_new_int(s->ps.id));
	json_object_object_add(o, "state",
	    json_object_new_string(slot_state_str(s->ps.state)));
	if (s->job != NULL) {
		json_object_object_add(o, "job",
		    json_object_new_string(s->job->id));
		json_object_object_add(o, "run",
		    json_object_new_int64(s->job->run));
	}
	link_send(MSG_SLOT, o);
	json_object_put(o);
}

static void
jobs_act(struct aslot *s, enum policy_act act)
{
	struct ajob	*j = s->job;

	if (act == POLICY_NONE || j == NULL || j->pid <= 0)
		return;
	log_info("job %s run %u: %s", j->id, j->run, policy_act_str(act));
	switch (act) {
	case POLICY_SUSPEND:
		if (jobctl_freeze(j->pid) == -1)
			log_warn("job %s: freeze", j->id);
		break;
	case POLICY_RESUME:
		if (jobctl_thaw(j->pid) == -1)
			log_warn("job %s: thaw", j->id);
		break;
	case POLICY_VACATE:
		/* A frozen job cannot act on its checkpoint signal. */
		jobctl_thaw(j->pid);
		if (jobctl_signal(j->pid, SIGTERM) == -1 && errno != ESRCH)
			log_warn("job %s: checkpoint signal", j->id);
		break;
	case POLICY_KILL:
		if (jobctl_kill(j->pid) == -1 && errno != ESRCH)
			log_warn("job %s: kill", j->id);
		break;
	case POLICY_NONE:
		break;
	}
}

void
jobs_eval(void)
{
	struct policy_in	 in;
	enum slot_state		 was;
	enum policy_act		 act;
	int			 i;

	owner_input(clock_now_ms(), &in);
	for (i = 1; i <= st->nslots; i++) {
		was = slots[i].ps.state;
		act = policy_step(owner_policy(), &slots[i].ps, &in);
		if (slots[i].ps.state != was)
			jobs_send_slot(&slots[i]);
		jobs_act(&slots[i], act);
	}
}

void
jobs_init(void)
{
	int64_t	now = clock_now_ms();
	int	i;

	slots = xcalloc((size_t)st->nslots + 1, sizeof *slots);
	for (i = 1; i <= st->nslots; i++)
		policy_slot_init(&slots[i].ps, i, now);
	jobs_eval();
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
	json_object_object_add(o, "slot_state",
	    json_object_new_string(slot_state_str(j->slot_after)));
	if (j->evicted)
		json_object_object_add(o, "evicted",
		    json_object_new_boolean(1));
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

/* J ends without having run: report it at once. */
static void
jobs_end_now(struct ajob *j, enum slot_state after)
{
	j->exited = 1;
	j->slot_after = after;
	log_warnx("job %s run %u: %s%s", j->id, j->run,
	    j->evicted ? "not started: " : "", j->error ? j->error : "");
	jobs_send_exit(j);
}

void
jobs_start(struct json_object *msg)
{
	struct ajob		*j;
	struct aslot		*s;
	struct jobdesc		 d;
	struct json_object	*o;
	const char		*id = jsonx_str(msg, "job", ""), *errstr;
	int64_t			 slot = jsonx_int(msg, "slot", 0);
	uint32_t		 run = (uint32_t)jsonx_int(msg, "run", 0);

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

	if (slot < 1 || slot > st->nslots) {
		j->error = xstrdup("no such slot on this agent");
		jobs_end_now(j, SLOT_OWNER);
		return;
	}
	s = &slots[slot];
	if (s->job != NULL || s->ps.state != SLOT_UNCLAIMED) {
		/* The owner came back meanwhile: the job goes elsewhere. */
		j->evicted = 1;
		xasprintf(&j->error, "slot is %s",
		    slot_state_str(s->ps.state));
		jobs_end_now(j, s->ps.state);
		return;
	}
	memset(&d, 0, sizeof d);
	if (jobdesc_from_json(jsonx_get(msg, "desc"), &d, &errstr) == -1)
		xasprintf(&j->error, "bad job description: %s", errstr);
	else
		jobs_spawn(j, &d, jsonx_str(msg, "owner", ""));
	jobdesc_free(&d);
	if (j->error != NULL) {
		jobs_end_now(j, s->ps.state);
		return;
	}
	s->job = j;
	policy_job_started(&s->ps, clock_now_ms());
	jobs_send_slot(s);
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
	if (jobctl_kill(j->pid) == -1 && errno != ESRCH)
		log_warn("job %s: kill", id);
}

int
jobs_vacate_all(const char *why)
{
	enum slot_state	 was;
	enum policy_act	 act;
	int		 i, n = 0;

	for (i = 1; i <= st->nslots; i++) {
		was = slots[i].ps.state;
		act = policy_vacate(owner_policy(), &slots[i].ps,
		    clock_now_ms());
		if (act == POLICY_NONE)
			continue;
		log_info("slot%d: vacating (%s)", i, why);
		if (slots[i].ps.state != was)
			jobs_send_slot(&slots[i]);
		jobs_act(&slots[i], act);
		n++;
	}
	return n;
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
	struct policy_in	 in;
	struct aslot		*s;
	struct ajob		*j;
	pid_t			 pid;
	size_t			 i;

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
		/* Whatever is left of the tree goes too. */
		jobctl_kill(j->pid);
		jobctl_release(j->pid);
		s = &slots[j->slot];
		if (s->job == j) {
			j->evicted = s->ps.state == SLOT_VACATING;
			s->job = NULL;
			owner_input(clock_now_ms(), &in);
			policy_job_gone(owner_policy(), &s->ps, &in);
			jobs_send_slot(s);
		}
		j->slot_after = s->ps.state;
		log_info("job %s run %u: exited (code %d, signal %d)%s", j->id,
		    j->run, res.code, res.signal,
		    j->evicted ? ", evicted" : "");
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
		    slot_state_str(slots[i].ps.state)));
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

int
jobs_held(void)
{
	return (int)njobs;
}

void
jobs_shutdown(void)
{
	size_t	i;

	for (i = 0; i < njobs; i++) {
		if (!jobs[i]->exited && jobs[i]->pid > 0)
			jobctl_kill(jobs[i]->pid);
		jobs_free(jobs[i]);
	}
	free(jobs);
	jobs = NULL;
	njobs = 0;
	free(slots);
	slots = NULL;
}
