/*
 * jobs.c: the agent's slots and the jobs they hold.  Each slot carries
 * the desktop policy's state (policy.c); jobs_eval() feeds it the owner's
 * situation (owner.c) and carries out what it decides: freeze, thaw,
 * vacate (the checkpoint signal), kill; the freezes first, in one batch,
 * before any log line or message (jobs-frz.c).  Every slot transition is
 * told to the scheduler at once, a suspension once the parent has seen
 * its job stopped.  A job is held from its start order until the
 * scheduler acknowledges its exit, so an exit is never lost across a
 * broken link or a scheduler restart; a job whose start fails is held
 * like an exited one, with the error.  A run that ends because the owner
 * came back (vacated, or refused because the slot was no longer offered
 * or the machine's start expression refuses the job now: machine.c) is
 * reported as evicted, and the scheduler queues the job again.  The
 * start order arrives decoded (common/agentmsg-start.c) and the ad
 * leaves as a struct (jobs_ad_fill): nothing here reads JSON.
 *
 * A job whose files travel (docs/transfer.md) holds its slot while its
 * files arrive in its sandbox (sandbox.c) and starts when all are there;
 * at its end its output or checkpoint files go to the scheduler before
 * the exit report (jobs_report).  A checkpoint the job took on its own
 * keeps the slot: once the scheduler has it, the job runs again in place.
 * CRIU dumps and restores (jobs-criu.c) hook into vacate, start and reap.
 *
 * A start does not wait: the agent's root parent (priv.c) starts the job
 * (jobctl_spawn_start()) and answers once the exec succeeded or failed
 * (jobs_spawned()), which sends STARTED or ends the run with the error.
 * Meanwhile the job holds its slot: a kill or vacate waits for the
 * answer (kill_pending), and the slot's state is applied again once it
 * runs (a freeze may have come meanwhile).
 *
 * Whom a job runs as is jobuser.c's decision (its owner, the slot's user
 * or, allowed by the scheduler, root); its limits come from its requests
 * (request_memory, else the slot's share; max_job_pids), and a job its
 * memory cgroup OOM-killed is reported as over its memory, which the
 * scheduler holds (docs/jobs-users.md).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentmsg.h"
#include "cfg.h"
#include "clock.h"
#include "jobdesc.h"
#include "drop.h"
#include "ends.h"
#include "jobs.h"
#include "jobs-int.h"
#include "lease.h"
#include "link.h"
#include "log.h"
#include "machine.h"
#include "msg.h"
#include "owner.h"
#include "policy.h"
#include "privc.h"
#include "sandbox.h"
#include "xferq.h"
#include "startd.h"
#include "xmalloc.h"

struct aslot {
	struct policy_slot	 ps;
	struct ajob		*job;		/* running here, or NULL */
};

static struct ajob	**jobs;		/* held jobs */
static size_t		  njobs;
static struct aslot	 *slots;	/* [1..nslots] */
static int64_t		  max_job_pids;	/* max_job_pids (0: no cap) */

static void
jobs_send_slot(const struct aslot *s)
{
	struct agentmsg		 am;
	struct agentmsg_slot	*m = &am.u.slot;

	memset(&am, 0, sizeof am);
	am.type = MSG_SLOT;
	m->slot = s->ps.id;
	m->state = s->ps.state;
	if (s->job != NULL) {
		m->has_job = 1;
		strlcpy(m->job, s->job->id, sizeof m->job);
		m->run = s->job->run;
	}
	link_send_am(&am);
}

/* S moved from WAS (the policy logs nothing): log it, tell the scheduler. */
static void
jobs_slot_moved(const struct aslot *s, enum slot_state was)
{
	if (s->ps.state == was)
		return;
	log_info("slot%d: %s -> %s", s->ps.id, slot_state_str(was),
	    slot_state_str(s->ps.state));
	jobs_send_slot(s);
}

static void	jobs_input_failed(struct ajob *, const char *);
static void	jobs_memory_out(const struct ajob *, struct agentmsg_exited *);

static void
jobs_act(struct aslot *s, enum policy_act act, enum agentmsg_kill_reason why)
{
	struct ajob	*j = s->job;

	if (j != NULL && j->why == AGENTMSG_KILL_NONE &&
	    (act == POLICY_VACATE || act == POLICY_KILL))
		j->why = why;

	if (j != NULL && j->waiting &&
	    (act == POLICY_VACATE || act == POLICY_KILL)) {
		/* Its files are still arriving: it leaves unstarted. */
		jobs_input_failed(j, "vacated before it started");
		return;
	}
	if (act == POLICY_NONE || j == NULL || j->pid <= 0)
		return;
	if (act == POLICY_SUSPEND) {
		/* Outside jobs_eval() (a restore): the same fast path. */
		j->frz_report = 0;
		jobs_freeze(&j, 1, clock_mono_us());
		return;
	}
	log_info("job %s run %u: %s", j->id, j->run, policy_act_str(act));
	/* Whatever else happens to it, a freeze is no longer watched. */
	jobs_frz_forget(j);
	switch (act) {
	case POLICY_SUSPEND:
		break;
	case POLICY_RESUME:
		if (privc_thaw(j->pid) == -1)
			log_warn("job %s: thaw", j->id);
		break;
	case POLICY_VACATE:
		if (jobs_criu_vacate(j))
			break;		/* its dump runs */
		/* A frozen job cannot act on its checkpoint signal. */
		privc_thaw(j->pid);
		if (privc_signal(j->pid, j->kill_sig) == -1)
			log_warn("job %s: checkpoint signal", j->id);
		break;
	case POLICY_KILL:
		if (j->dumping)
			break;		/* criu ends it either way */
		if (privc_kill(j->pid) == -1)
			log_warn("job %s: kill", j->id);
		break;
	case POLICY_NONE:
		break;
	}
}

/*
 * Evaluate every slot.  The owner first: every freeze the policy asks for
 * is done in one batch (jobs_freeze()) before anything is logged, sent or
 * evaluated further; a suspended slot's move is told once its job is seen
 * stopped (jobs_frz_settled()).  FAST (an activity source just fired):
 * the polled sources are not sampled first, T0_US is the event's time.
 */
static void
jobs_eval_now(int fast, int64_t t0_us)
{
	static enum slot_state	*was;
	static enum policy_act	*acts;
	static struct ajob	**frz;
	struct policy_in	 in;
	size_t			 k, nfrz = 0;
	int			 i, draining;

	if (was == NULL) {
		was = xcalloc((size_t)st->nslots + 1, sizeof *was);
		acts = xcalloc((size_t)st->nslots + 1, sizeof *acts);
		frz = xcalloc((size_t)st->nslots + 1, sizeof *frz);
	}
	if (fast)
		owner_input_seen(clock_now_ms(), &in);
	else
		owner_input(clock_now_ms(), &in);
	draining = in.draining;
	for (i = 1; i <= st->nslots; i++) {
		was[i] = slots[i].ps.state;
		/* A slot without its user never offers itself (jobuser.c). */
		in.draining = draining || !jobuser_slot_ok(i);
		acts[i] = policy_step(owner_policy(), &slots[i].ps, &in);
		/* (A job the parent has not started yet: jobs_spawned().) */
		if (acts[i] == POLICY_SUSPEND && slots[i].job != NULL &&
		    slots[i].job->pid > 0 && !slots[i].job->waiting &&
		    !slots[i].job->exited && !slots[i].job->spawning)
			frz[nfrz++] = slots[i].job;
	}
	if (nfrz > 0)
		jobs_freeze(frz, nfrz, t0_us);

	/* Then the rest. */
	for (i = 1; i <= st->nslots; i++) {
		struct ajob	*j = slots[i].job;

		if (acts[i] == POLICY_SUSPEND && j != NULL && j->freezing) {
			/* Told once it is seen stopped. */
			j->frz_report = 1;
			j->frz_was = was[i];
		} else
			jobs_slot_moved(&slots[i], was[i]);
		/* (Draining at a shutdown is the shutdown's doing.) */
		if (acts[i] != POLICY_SUSPEND)
			jobs_act(&slots[i], acts[i], st->stopping ?
			    AGENTMSG_KILL_SHUTDOWN : AGENTMSG_KILL_OWNER);
	}
	/* Jobs told to leave that did not in max_vacate_time. */
	for (k = 0; k < njobs; k++) {
		if (jobs[k]->kill_at == 0 || jobs[k]->exited ||
		    clock_mono_ms() < jobs[k]->kill_at)
			continue;
		jobs[k]->kill_at = 0;
		log_info("job %s run %u: max_vacate_time is up, killing",
		    jobs[k]->id, jobs[k]->run);
		if (privc_kill(jobs[k]->pid) == -1)
			log_warn("job %s: kill", jobs[k]->id);
	}
}

void
jobs_eval(void)
{
	jobs_eval_now(0, clock_mono_us());
}

void
jobs_eval_owner(void)
{
	jobs_eval_now(1, clock_mono_us());
}

/* J's freeze is settled (seen stopped, or killed): now its slot's move. */
void
jobs_frz_settled(struct ajob *j)
{
	struct aslot	*s = &slots[j->slot];

	if (!j->frz_report)
		return;
	j->frz_report = 0;
	if (s->job == j)
		jobs_slot_moved(s, j->frz_was);
}

struct ajob **
jobs_all(size_t *np)
{
	*np = njobs;
	return jobs;
}

/*
 * The ends a previous life of the agent reported and did not have
 * acknowledged (ends.c): held as exited runs, listed in the ad and
 * reported again, until the scheduler acknowledges them.  Their runs
 * hold no slot here.
 */
static void
jobs_restore_ends(void)
{
	struct kept_end	*ke;
	struct ajob	*j;
	size_t		 i, n;

	n = ends_take(&ke);
	for (i = 0; i < n; i++) {
		j = xcalloc(1, sizeof *j);
		strlcpy(j->id, ke[i].m.job, sizeof j->id);
		j->run = ke[i].m.run;
		j->slot = ke[i].slot;
		j->exited = 1;
		j->kept = 1;
		j->evicted = ke[i].m.evicted;
		j->user.uid = (uid_t)-1;
		j->user.gid = (gid_t)-1;
		j->report = xmalloc(sizeof *j->report);
		*j->report = ke[i].m;
		jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
		jobs[njobs++] = j;
		log_info("job %s run %u: its end (%s) was not acknowledged "
		    "before the agent stopped: reporting it again", j->id,
		    j->run, j->report->error[0] != '\0' ? "not started" :
		    j->evicted ? "evicted" : "exited");
	}
	free(ke);
}

void
jobs_init(void)
{
	int64_t	now = clock_now_ms();
	int	i;

	max_job_pids = cfg_int(st->cfg, "max_job_pids");
	slots = xcalloc((size_t)st->nslots + 1, sizeof *slots);
	for (i = 1; i <= st->nslots; i++)
		policy_slot_init(&slots[i].ps, i, now);
	jobs_restore_ends();
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
	size_t	i;
	int	remove = 1;

	/* A CRIU job's sandbox is named by its id: a newer run may own it. */
	for (i = 0; i < njobs && j->sb != NULL; i++)
		if (jobs[i] != j && jobs[i]->sb != NULL &&
		    strcmp(sandbox_path(jobs[i]->sb), sandbox_path(j->sb)) == 0)
			remove = 0;
	jobs_criu_free(j);
	jobuser_clear(&j->user);
	sandbox_free(j->sb, remove);
	if (j->desc != NULL) {
		jobdesc_free(j->desc);
		free(j->desc);
	}
	free(j->exe);
	free(j->owner);
	free(j->missing);
	free(j->xfer_error);
	free(j->error);
	free(j->report);
	free(j);
}

/* The vacate signal by name ("SIGTERM", "TERM") or number; SIGTERM. */
static int
jobs_signum(const char *name)
{
	static const struct { const char *n; int s; } sigs[] = {
		{ "TERM", SIGTERM }, { "INT", SIGINT }, { "HUP", SIGHUP },
		{ "QUIT", SIGQUIT }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		{ "KILL", SIGKILL }, { "ALRM", SIGALRM },
	};
	const char	*errstr;
	size_t		 i;
	int		 n;

	if (name == NULL)
		return SIGTERM;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (strcasecmp(name, sigs[i].n) == 0)
			return sigs[i].s;
	n = (int)strtonum(name, 1, 64, &errstr);
	return errstr == NULL ? n : SIGTERM;
}

/* J's end report into M (zeroed). */
static void
jobs_exit_fill(struct ajob *j, struct agentmsg_exited *m)
{
	strlcpy(m->job, j->id, sizeof m->job);
	m->run = j->run;
	m->has_slot_state = 1;
	m->slot_state = j->slot_after;
	m->evicted = j->evicted != 0;
	if (j->sb != NULL) {
		m->has_files = 1;
		m->files = j->nfiles;
		m->checkpoint = j->ckpt != 0;
		m->criu = j->ckpt && j->criu_ckpt;
		if (j->missing != NULL)
			agentmsg_text_set(m->missing, sizeof m->missing,
			    j->missing);
	}
	if (j->error != NULL)
		agentmsg_text_set(m->error, sizeof m->error,
		    j->error[0] != '\0' ? j->error : "failed (no reason given)");
	else {
		m->has_usage = 1;
		m->code = j->res.code;
		m->signal = j->res.signal;
		m->utime_ms = j->res.utime_ms;
		m->stime_ms = j->res.stime_ms;
		m->maxrss_kb = j->res.maxrss_kb;
		m->wall_ms = j->wall_ms;
		jobs_memory_out(j, m);
	}
	/* Why the agent ended it, when it did. */
	if (j->evicted || j->error != NULL || j->res.signal != 0)
		m->kill_reason = j->why;
	jobs_criu_notes_out(j, m->notes, &m->nnotes);
}

/*
 * Report J's end.  The report is kept on disk first (ends.c), until the
 * scheduler acknowledges it, unless the run's files travel: those live in
 * its sandbox, which does not outlive the agent.  An end kept before a
 * restart goes as it was, with its slot's state now.
 */
static void
jobs_send_exit(struct ajob *j)
{
	struct agentmsg		*am;
	struct agentmsg_exited	*m;

	am = xcalloc(1, sizeof *am);
	am->type = MSG_EXITED;
	m = &am->u.exited;
	if (j->report != NULL) {
		*m = *j->report;
		if (j->slot >= 1 && j->slot <= st->nslots) {
			m->has_slot_state = 1;
			m->slot_state = slots[j->slot].ps.state;
		} else
			m->has_slot_state = 0;
	} else {
		jobs_exit_fill(j, m);
		if (!j->kept && (j->sb == NULL || j->error != NULL) &&
		    ends_keep(m, j->slot) == 0)
			j->kept = 1;
	}
	link_send_am(am);
	free(am);
}

/* Whom J runs as, for logs: "alice (uid 1000)", or the agent's user. */
static const char *
jobs_user_str(const struct ajob *j)
{
	static char	buf[JOBUSER_NAME_MAX + 32];

	if (j->user.switch_user)
		snprintf(buf, sizeof buf, "%s (uid %u)", j->user.name,
		    (unsigned)j->user.uid);
	else
		snprintf(buf, sizeof buf, "%s (the agent's uid %u)",
		    j->user.name[0] != '\0' ? j->user.name : "?",
		    (unsigned)(drop_uid() != (uid_t)-1 ? 0 : geteuid()));
	return buf;
}

/*
 * A job its memory cgroup OOM-killed went over its limit: the report says
 * so, with the limit and the peak, and the scheduler holds it (HTCondor's
 * hold code 34) instead of taking it for a crash.
 */
static void
jobs_memory_out(const struct ajob *j, struct agentmsg_exited *m)
{
	if (j->res.mem_peak_kb > 0)
		m->memory_peak_mb = (j->res.mem_peak_kb + 1023) / 1024;
	if (j->res.oom_kills <= 0)
		return;
	m->memory_exceeded = 1;
	m->memory_limit_mb = j->res.mem_limit_kb > 0 ?
	    j->res.mem_limit_kb / 1024 : j->memory_mb;
}

/* Build the argv and ask the parent to run it (jobs_spawned() follows);
 * fills J->error if the request cannot go. */
static void
jobs_spawn(struct ajob *j)
{
	const struct jobdesc	*d = j->desc;
	struct jobctl_spec	 spec;
	const char		*hidden;
	char			**argv, *exe = NULL, *in = NULL;
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
	if (j->sb != NULL) {
		/* In its sandbox: stdio there, sent back at the end. */
		spec.iwd = sandbox_path(j->sb);
		if (j->exe != NULL) {
			xasprintf(&exe, "%s/%s", spec.iwd, j->exe);
			spec.executable = exe;
		}
		xasprintf(&in, "%s/%s", spec.iwd, SANDBOX_STDIN);
		if (d->input != NULL && sandbox_has_file(j->sb, SANDBOX_STDIN))
			spec.input = SANDBOX_STDIN;
		spec.output = d->output != NULL ? SANDBOX_STDOUT : NULL;
		spec.error = d->error == NULL ? NULL : d->output != NULL &&
		    strcmp(d->output, d->error) == 0 ? SANDBOX_STDOUT :
		    SANDBOX_STDERR;
		/* A job whose files move with it writes on where it was. */
		spec.append = d->checkpoint_exit_code >= 0 ||
		    d->when_to_transfer == JD_WHEN_ON_EXIT_OR_EVICT;
	}
	/* One not transferred may be relative: from the job's directory,
	 * as HTCondor's starter takes it. */
	if (exe == NULL && spec.executable[0] != '/') {
		xasprintf(&exe, "%s/%s", spec.iwd, spec.executable);
		spec.executable = exe;
	}
	spec.pidns = j->pidns = jobs_criu_want(j);
	/* Its request, else the slot's share it was matched with.  The
	 * parent decides whom it runs as (its own jobuser_pick()). */
	spec.memory_asked = d->request_memory_mb > 0;
	spec.memory_mb = spec.memory_asked ? d->request_memory_mb :
	    st->slot_memory_mb;
	spec.max_pids = max_job_pids;
	j->memory_mb = spec.memory_mb;
	j->pid = 0;
	if ((hidden = jobuser_hidden(&j->user, spec.iwd)) != NULL)
		xasprintf(&j->error, "initialdir %s is in %s, which jobs of "
		    "slot users do not see (hide_from_slot_users)", spec.iwd,
		    hidden);
	else if (privc_spawn(&spec, j->owner, j->sched_uid, j->slot, j->id,
	    j->run) == -1)
		j->error = xstrdup("the agent's parent is gone");
	else
		j->spawning = 1;
	free(exe);
	free(in);
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

/* J takes its slot S. */
static void
jobs_claim(struct aslot *s, struct ajob *j)
{
	enum slot_state	was = s->ps.state;

	s->job = j;
	policy_job_started(&s->ps, clock_now_ms());
	jobs_slot_moved(s, was);
}

/* J no longer holds its slot (it ended): the policy takes it back. */
static void
jobs_release_slot(struct ajob *j)
{
	struct policy_in	 in;
	struct aslot		*s = &slots[j->slot];
	enum slot_state		 was = s->ps.state;

	if (s->job != j)
		return;
	jobs_frz_forget(j);
	s->job = NULL;
	owner_input(clock_now_ms(), &in);
	policy_job_gone(owner_policy(), &s->ps, &in);
	jobs_slot_moved(s, was);
	j->slot_after = s->ps.state;
}

void
jobs_send_started(struct ajob *j)
{
	struct agentmsg		*am;
	struct agentmsg_started	*m;

	am = xcalloc(1, sizeof *am);
	am->type = MSG_STARTED;
	m = &am->u.started;
	strlcpy(m->job, j->id, sizeof m->job);
	m->run = j->run;
	m->pid = j->pid;
	agentmsg_text_set(m->user, sizeof m->user, j->user.name);
	jobs_criu_notes_out(j, m->notes, &m->nnotes);
	link_send_am(am);
	free(am);
	/* Its deadline from here on; a bare (CRIU) job has no keeper. */
	lease_job_started(j->pidns ? 0 : j->pid);
}

/* J was restored by CRIU: it does what its slot or cq vacate asked. */
void
jobs_restored(struct ajob *j)
{
	struct aslot	*s = &slots[j->slot];

	jobs_send_started(j);
	if (s->job == j && s->ps.state == SLOT_SUSPENDED)
		jobs_act(s, POLICY_SUSPEND, AGENTMSG_KILL_NONE);
	else if (s->job == j && (s->ps.state == SLOT_VACATING ||
	    j->vacate_order))
		jobs_act(s, POLICY_VACATE, AGENTMSG_KILL_OWNER);
}

/* Start a job that holds its slot (files arrived, or a restart). */
static void
jobs_run(struct ajob *j, int snapshot)
{
	if (snapshot && j->sb != NULL)
		sandbox_snapshot(j->sb);
	if (jobs_criu_restore(j))
		return;		/* started when criu is done */
	jobs_spawn_now(j);
}

/* Spawn J (or spawn it afresh after a restore that failed). */
void
jobs_spawn_now(struct ajob *j)
{
	j->started = clock_mono_ms();
	jobs_spawn(j);
	if (j->error != NULL) {
		jobs_release_slot(j);
		jobs_end_now(j, slots[j->slot].ps.state);
	}
}

/* The parent's answer to J's spawn: PID, or ERR. */
static void
jobs_spawned(const char *id, uint32_t run, pid_t pid, const char *err)
{
	struct ajob	*j = jobs_find(id, run);
	const char	*why;

	if (j == NULL || !j->spawning)
		return;		/* gone meanwhile: the parent kills it */
	j->spawning = 0;
	if (err != NULL && !j->desc->transfer_executable &&
	    strncmp(err, "exec ", 5) == 0 && (why = strrchr(err, ':')) != NULL)
		/* Its path is this machine's: the scheduler holds it. */
		xasprintf(&j->error, "failed to execute '%s' on this machine "
		    "(transfer_executable = false: it is not sent):%s",
		    j->desc->executable, why + 1);
	else if (err != NULL)
		j->error = xstrdup(err);
	if (err != NULL) {
		jobs_release_slot(j);
		jobs_end_now(j, slots[j->slot].ps.state);
		return;
	}
	j->pid = pid;
	log_info("job %s run %u: started pid %ld on slot %d as %s%s%s", j->id,
	    j->run, (long)j->pid, j->slot, jobs_user_str(j),
	    j->user.slot_user ? " (slot user)" : "",
	    j->sb != NULL ? " in its sandbox" : "");
	if (j->kill_pending) {
		/* Killed or vacated while it was being started. */
		jobs_send_started(j);
		jobs_kill(j->id, j->run, j->kill_pending == 2, j->why);
		return;
	}
	/* The owner may have come back meanwhile. */
	jobs_restored(j);
}

void
jobs_start(struct agentmsg_start *so)
{
	struct ajob		*j;
	struct aslot		*s;
	const char		*id = so->job, *owner = so->owner;
	uint32_t		 run = so->run;
	int64_t			 silent, lease;
	char			 err[512];

	if (jobs_find(id, run) != NULL) {
		log_info("start: job %s run %u is already here", id, run);
		return;
	}
	j = xcalloc(1, sizeof *j);
	strlcpy(j->id, id, sizeof j->id);
	j->run = run;
	j->slot = so->slot;
	j->started = clock_mono_ms();
	j->user.uid = (uid_t)-1;
	j->user.gid = (gid_t)-1;
	j->owner = xstrdup(owner);
	j->sched_uid = so->uid;
	jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
	jobs[njobs++] = j;

	if (so->slot < 1 || so->slot > st->nslots) {
		j->error = xstrdup("no such slot on this agent");
		jobs_end_now(j, SLOT_OWNER);
		return;
	}
	s = &slots[so->slot];
	if (owner_off_reason() != NULL) {
		/* Opted out: the scheduler should not have sent it. */
		j->evicted = 1;
		j->why = AGENTMSG_KILL_OWNER;
		xasprintf(&j->error, "refused: %s", owner_off_reason());
		log_warnx("job %s run %u: refused: %s", id, run,
		    owner_off_reason());
		jobs_end_now(j, s->ps.state);
		return;
	}
	if (lease_past(&silent, &lease)) {
		/*
		 * The scheduler has not heard us for its lease: it may have
		 * given this run up already and started it elsewhere.
		 */
		j->evicted = 1;
		j->why = AGENTMSG_KILL_LEASE;
		xasprintf(&j->error, "the agent is past its lease: the "
		    "scheduler has not heard it for %lld ms (lease %lld ms)",
		    (long long)silent, (long long)lease);
		jobs_end_now(j, s->ps.state);
		return;
	}
	if (s->job != NULL || s->ps.state != SLOT_UNCLAIMED) {
		/* The owner came back meanwhile: the job goes elsewhere. */
		j->evicted = 1;
		j->why = AGENTMSG_KILL_OWNER;
		xasprintf(&j->error, "slot is %s",
		    slot_state_str(s->ps.state));
		jobs_end_now(j, s->ps.state);
		return;
	}
	if (st->stopping) {
		/* Leaving: a job started now would only be killed. */
		j->evicted = 1;
		j->why = AGENTMSG_KILL_SHUTDOWN;
		j->error = xstrdup("the agent is shutting down");
		jobs_end_now(j, s->ps.state);
		return;
	}
	if (machine_refuses(so, so->slot, err, sizeof err)) {
		/* The owner's policy says no (now): the job goes elsewhere. */
		j->evicted = 1;
		j->why = AGENTMSG_KILL_OWNER;
		j->error = xstrdup(err);
		/* The owner's situation first, so the scheduler judges
		 * the next match on what this agent saw. */
		link_heartbeat_now();
		jobs_end_now(j, s->ps.state);
		return;
	}
	j->desc = xcalloc(1, sizeof *j->desc);
	if (so->desc_error[0] != '\0')
		xasprintf(&j->error, "bad job description: %s",
		    so->desc_error);
	else {
		/* Taken over from the order. */
		*j->desc = so->desc;
		memset(&so->desc, 0, sizeof so->desc);
	}
	if (j->error == NULL && jobuser_pick(owner, (long long)so->uid,
	    j->slot, &j->user, err, sizeof err) == -1)
		j->error = xstrdup(err);
	j->kill_sig = jobs_signum(j->desc->kill_sig);
	if (j->error == NULL && so->xfer) {
		if ((j->sb = sandbox_new(id, run, owner, (long long)so->uid,
		    j->slot, j->desc->umask >= 0 ? (mode_t)j->desc->umask : 022,
		    j->desc->checkpoint != NULL &&
		    strcmp(j->desc->checkpoint, "criu") == 0, err,
		    sizeof err)) == NULL)
			j->error = xstrdup(err);
		if (so->exe[0] != '\0')
			j->exe = xstrdup(so->exe);
		j->want_files = (int)so->nfiles;
	}
	if (j->error != NULL) {
		jobs_end_now(j, s->ps.state);
		return;
	}
	jobs_claim(s, j);
	if (j->sb == NULL) {
		jobs_spawn_now(j);
		return;
	}
	if (j->want_files > 0) {
		j->waiting = 1;
		log_info("job %s run %u: waiting for %d file(s)", j->id,
		    j->run, j->want_files);
		return;
	}
	jobs_run(j, 1);
}

void
jobs_start_refused(const struct agentmsg_start *so, const char *why)
{
	struct ajob	*j;

	if (so->job[0] == '\0' || jobs_find(so->job, so->run) != NULL)
		return;
	j = xcalloc(1, sizeof *j);
	strlcpy(j->id, so->job, sizeof j->id);
	j->run = so->run;
	j->slot = so->slot;
	j->started = clock_mono_ms();
	j->user.uid = (uid_t)-1;
	j->user.gid = (gid_t)-1;
	j->owner = xstrdup("");
	j->sched_uid = -1;
	xasprintf(&j->error, "bad start order: %s", why);
	jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
	jobs[njobs++] = j;
	/* Held like any run that could not start, until its exit-ack. */
	jobs_end_now(j, so->slot >= 1 && so->slot <= st->nslots ?
	    slots[so->slot].ps.state : SLOT_OWNER);
}

struct sandbox *
jobs_sandbox(const char *id, uint32_t run)
{
	struct ajob	*j = jobs_find(id, run);

	return j != NULL && j->waiting ? j->sb : NULL;
}

/* J's input transfer failed or was cut: it goes back to the queue. */
static void
jobs_input_failed(struct ajob *j, const char *why)
{
	j->waiting = 0;
	j->evicted = 1;
	xasprintf(&j->error, "input transfer failed: %s", why);
	jobs_release_slot(j);
	jobs_end_now(j, slots[j->slot].ps.state);
}

void
jobs_file_done(const char *id, uint32_t run, int ok, const char *err)
{
	struct ajob	*j = jobs_find(id, run);

	if (j == NULL || !j->waiting)
		return;
	if (ok)
		j->got_files++;
	else {
		j->bad_files++;
		log_warnx("job %s run %u: file transfer: %s", id, run, err);
		if (j->xfer_error == NULL)
			j->xfer_error = xstrdup(err);
	}
	if (j->got_files + j->bad_files < j->want_files)
		return;
	if (j->bad_files > 0) {
		jobs_input_failed(j, j->xfer_error);
		return;
	}
	j->waiting = 0;
	jobs_run(j, 1);
}

void
jobs_link_lost(void)
{
	size_t	i;

	for (i = 0; i < njobs; i++)
		if (jobs[i]->waiting)
			jobs_input_failed(jobs[i], "the link to the scheduler "
			    "broke");
}

/* The files went out ahead of the exit report: now the report. */
static void
jobs_files_sent(void *arg)
{
	struct ajob	*j = arg;

	j->sending = 0;
	jobs_send_exit(j);
}

/* Report J's end: its files first where they travel. */
static void
jobs_report(struct ajob *j)
{
	struct xferq	*q;
	int		 mode = -1;

	if (j->sb == NULL || j->error != NULL) {
		jobs_send_exit(j);
		return;
	}
	if ((q = link_xferq()) == NULL)
		return;		/* sent when the link is back */
	if (j->criu_ckpt)
		mode = 3;
	else if (j->ckpt)
		mode = 1;
	else if (j->evicted &&
	    j->desc->when_to_transfer == JD_WHEN_ON_EXIT_OR_EVICT) {
		mode = 2;
		j->ckpt = 1;
	} else if (!j->evicted)
		mode = 0;
	free(j->missing);
	j->missing = NULL;
	j->nfiles = mode < 0 ? 0 : sandbox_send(j->sb, j->desc, j->exe, q,
	    j->id, j->run, mode, &j->missing);
	j->sending = 1;
	xferq_mark(q, j->id, j->run, jobs_files_sent, j);
}

void
jobs_kill(const char *id, uint32_t run, int vacate,
    enum agentmsg_kill_reason why)
{
	struct ajob	*j = jobs_find(id, run);

	if (j != NULL && !j->exited && j->why == AGENTMSG_KILL_NONE)
		j->why = why;

	if (j != NULL && j->waiting) {
		/* Killed while its files arrive: it never starts. */
		j->waiting = 0;
		j->evicted = vacate;
		j->error = xstrdup(vacate ? "vacated before it started" :
		    "killed before it started");
		jobs_release_slot(j);
		jobs_end_now(j, slots[j->slot].ps.state);
		return;
	}
	if (j != NULL && vacate && j->copid != 0 && !j->dumping) {
		j->vacate_order = 1;	/* once restored (jobs_restored) */
		return;
	}
	if (j != NULL && j->spawning) {
		/* Acted on once the parent says it runs (jobs_spawned). */
		if (j->kill_pending != 1)
			j->kill_pending = vacate ? 2 : 1;
		return;
	}
	if (j == NULL || j->exited || j->pid <= 0) {
		log_debug("kill: job %s run %u is not running here", id, run);
		return;
	}
	if (vacate) {
		/* As the owner's return would: the signal, then the kill. */
		log_info("job %s run %u: vacating", id, run);
		j->vacate_order = 1;
		if (jobs_criu_vacate(j))
			return;
		j->kill_at = clock_mono_ms() + owner_policy()->max_vacate_ms;
		jobs_frz_forget(j);
		privc_thaw(j->pid);
		if (privc_signal(j->pid, j->kill_sig) == -1)
			log_warn("job %s: vacate signal", id);
		return;
	}
	log_info("job %s run %u: killing", id, run);
	if (privc_kill(j->pid) == -1)
		log_warn("job %s: kill", id);
}

int
jobs_vacate_all(const char *text, enum agentmsg_kill_reason reason)
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
		log_info("slot%d: vacating (%s)", i, text);
		jobs_slot_moved(&slots[i], was);
		jobs_act(&slots[i], act, reason);
		n++;
	}
	return n;
}

void
jobs_exit_acked(const char *id, uint32_t run, int restart)
{
	struct ajob	*j;
	size_t		 i;

	for (i = 0; i < njobs; i++) {
		j = jobs[i];
		if (strcmp(j->id, id) != 0 || j->run != run || !j->exited ||
		    j->sending)
			continue;
		if (j->periodic && restart && slots[j->slot].job == j &&
		    slots[j->slot].ps.state == SLOT_CLAIMED && !st->stopping) {
			/* Its checkpoint is in the spool: on it goes. */
			j->exited = j->ckpt = j->periodic = 0;
			j->nfiles = 0;
			log_info("job %s run %u: checkpointed, restarting",
			    j->id, j->run);
			jobs_run(j, 0);
			return;
		}
		if (j->periodic && restart) {
			/* The owner came back meanwhile: an eviction now. */
			j->periodic = j->ckpt = 0;
			j->nfiles = 0;
			j->evicted = 1;
			jobs_release_slot(j);
			jobs_send_exit(j);
			return;
		}
		if (j->periodic)
			jobs_release_slot(j);
		if (j->kept)
			ends_done(j->id, j->run);
		jobs_free(j);
		jobs[i] = jobs[--njobs];
		return;
	}
}

/* J's leader exited with RES (or was dumped): report its end. */
void
jobs_ended(struct ajob *j, const struct jobctl_result *res)
{
	struct policy_in	 in;
	struct aslot		*s;
	enum slot_state		 was;

	j->exited = 1;
	j->res = *res;
	j->wall_ms = clock_mono_ms() - j->started;
	was = slots[j->slot].ps.state;
	if (j->frz_report)
		was = j->frz_was;	/* never told: the move is from there */
	jobs_frz_forget(j);
	/* Whatever is left of the tree went too: the parent killed it and
	 * released its cgroups when it reaped the leader (priv_reap). */
	s = &slots[j->slot];
	j->ckpt = j->criu_ckpt || (j->sb != NULL && res->signal == 0 &&
	    j->desc->checkpoint_exit_code >= 0 &&
	    res->code == j->desc->checkpoint_exit_code);
	j->evicted = (s->job == j && s->ps.state == SLOT_VACATING) ||
	    j->vacate_order || j->criu_ckpt || j->unstoppable ||
	    (j->lease_killed && res->signal == SIGKILL) || res->expired;
	if (j->why == AGENTMSG_KILL_NONE && (res->expired ||
	    (j->lease_killed && res->signal == SIGKILL)))
		j->why = AGENTMSG_KILL_LEASE;
	else if (j->why == AGENTMSG_KILL_NONE && j->evicted)
		j->why = AGENTMSG_KILL_OWNER;
	if (j->unstoppable && j->error == NULL)
		j->error = xstrdup("the desktop's owner came back and nothing "
		    "could stop the job: killed");
	j->kill_at = 0;
	j->periodic = j->ckpt && !j->evicted && !st->stopping &&
	    s->job == j;
	if (j->periodic)
		j->pid = 0;	/* keeps its slot until it restarts */
	else if (s->job == j) {
		s->job = NULL;
		owner_input(clock_now_ms(), &in);
		policy_job_gone(owner_policy(), &s->ps, &in);
		jobs_slot_moved(s, was);
	}
	j->slot_after = s->ps.state;
	log_info("job %s run %u: exited (code %d, signal %d)%s%s", j->id,
	    j->run, res->code, res->signal, j->evicted ? ", evicted" : "",
	    j->criu_ckpt ? ", dumped by CRIU" : j->ckpt ?
	    ", with a checkpoint" : "");
	if (res->oom_kills > 0)
		log_info("job %s run %u: over its memory limit of %lld MiB "
		    "(peak %lld MiB, %lld OOM kill(s))", j->id, j->run,
		    (long long)(res->mem_limit_kb / 1024),
		    (long long)(res->mem_peak_kb / 1024),
		    (long long)res->oom_kills);
	jobs_report(j);
}

/* The parent reaped PID with RES. */
static void
jobs_exited(pid_t pid, const struct jobctl_result *res)
{
	struct ajob	*j = NULL;
	size_t		 i;

	for (i = 0; i < njobs; i++)
		if (jobs[i]->pid == pid && !jobs[i]->exited)
			j = jobs[i];
	if (j == NULL)
		return;		/* an orphan of some job */
	if (jobs_criu_leader(j, res))
		return;		/* killed by its dump */
	jobs_ended(j, res);
}

static void
jobs_criu_failed_cb(const char *id, uint32_t run, const char *err)
{
	struct ajob	*j = jobs_find(id, run);

	if (j != NULL)
		jobs_criu_failed(j, err);
}

static void
jobs_criu_done_cb(const char *id, uint32_t run, int ok, pid_t pid,
    const char *err)
{
	struct ajob	*j = jobs_find(id, run);

	if (j != NULL)
		jobs_criu_done(j, ok, pid, err);
}

const struct privc_cbs jobs_privc_cbs = {
	jobs_exited, jobs_spawned, jobs_criu_failed_cb, jobs_criu_done_cb,
	jobs_frz_result
};

void
jobs_ad_fill(struct agentmsg_ad *ad)
{
	struct agentmsg_ad_job	*a;
	int			 i;
	size_t			 k;

	ad->nslots = (size_t)st->nslots;
	ad->slots = xcalloc(ad->nslots, sizeof *ad->slots);
	for (i = 1; i <= st->nslots; i++) {
		ad->slots[i - 1].id = i;
		ad->slots[i - 1].cpus = st->slot_cpus;
		ad->slots[i - 1].memory_mb = st->slot_memory_mb;
		ad->slots[i - 1].state = slots[i].ps.state;
	}
	ad->njobs = 0;
	ad->jobs = njobs > 0 ? xcalloc(njobs, sizeof *ad->jobs) : NULL;
	for (k = 0; k < njobs; k++) {
		/* (A start order without a slot held no slot: its exit,
		 * sent again after the ad, is all there is to tell.) */
		if (jobs[k]->slot < 1)
			continue;
		a = &ad->jobs[ad->njobs++];
		strlcpy(a->job, jobs[k]->id, sizeof a->job);
		a->run = jobs[k]->run;
		a->slot = jobs[k]->slot;
		a->exited = jobs[k]->exited;
	}
}

void
jobs_resend_exits(void)
{
	size_t	i;

	for (i = 0; i < njobs; i++) {
		if (!jobs[i]->exited)
			continue;
		/* Files cut with the old link go again, then the report. */
		jobs[i]->sending = 0;
		jobs_report(jobs[i]);
	}
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
jobs_foreach(void (*cb)(struct ajob *, void *), void *arg)
{
	size_t	i;

	for (i = 0; i < njobs; i++)
		cb(jobs[i], arg);
}

int
jobs_kept(void)
{
	return (int)ends_pending();
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
			privc_kill(jobs[i]->pid);
		jobs_free(jobs[i]);
	}
	free(jobs);
	jobs = NULL;
	njobs = 0;
	free(slots);
	slots = NULL;
	jobs_frz_shutdown();
}
