/*
 * officesim-office.c: office mode.  The virtual clock runs -x times
 * faster than real time from the moment every desktop that is on has
 * registered; it starts at Monday 00:00 of the first measured day (after
 * -T training days, whose owner history only trains the agents' presence
 * history, offline).  Each desktop's owner follows its stays
 * (officesim-owner.c): while present the owner is active at every moment,
 * which is what the real agent's activity sources report.  Each slot runs
 * the real agent's desktop policy (startd/policy.c, HTCondor's desktop
 * defaults: 15 idle minutes before a job starts, suspended at once when
 * the owner comes back, resumed after 5 idle minutes, vacated after 10
 * suspended ones) on the virtual clock, and every move it makes is told to
 * the scheduler as the real agent tells it (slot, started, exited).
 *
 * Jobs: batches of jobs, each job's class (short, medium, long), run time
 * and whether it checkpoints drawn from the seed and its batch and proc, so
 * that two runs with the same seed submit the same jobs (at their own
 * times); the queue is kept at least -q jobs deep (default: one per slot,
 * a full queue), or (-R) jobs come in a steady stream of so many a
 * virtual hour, which leaves slots free for the scheduler to choose from.  A job's description says its batch (arguments
 * `officesim B I`), its expected run time (+ExpectedRuntime, seconds, the
 * class's mean, as a user would guess it) and, for the jobs that
 * checkpoint, `checkpoint_exit_code`.  A job makes progress only while its
 * slot is CLAIMED and ends when its work is done.  A vacate costs a job
 * that checkpoints nothing (the real agent asks it for a checkpoint
 * then: office_evict) and the others all they did; a lost link costs
 * every job the work of its run.
 *
 * Owner presence (-A): each agent keeps its owner's presence history
 * (common/presence.c, the real agent's model: startd/absence.c), trained
 * on the -T days before the measured ones, and sends the expected absence
 * in its heartbeats (owner_absence_s, the slot ad's ExpectedOwnerAbsence),
 * once more whenever a slot is offered: on the accelerated clock, the
 * heartbeat of lease/4 real seconds would be hours old.  Whether the
 * scheduler uses it is its `placement` (owner-aware or blind):
 * bench/officesim.sh sets it from PLACEMENT, so that two runs with -A and
 * the same seed compare the two placements on the same owners and jobs.
 */
#include "config.h"

#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "presence.h"
#include "xmalloc.h"

#include "officesim.h"

#define MIN_MS		(60LL * 1000)
#define HOUR_MS		(60 * MIN_MS)
#define EVAL_MS		MIN_MS		/* the policy's tick, virtual */
#define TICK_US		10000		/* the clock's, real */
#define BATCH_MAX	2000	/* jobs a submit: a 10,000-desktop queue
				   needs thousands a second */
/* Monday 2 November 2026 00:00 UTC: virtual 0 on the agents' clocks. */
#define SIM_EPOCH_S	1793577600LL

static struct policy_cfg	 office_policy;
static struct event		*office_tick_ev;
static int			 office_on;	/* agents that are on */
static int64_t			 office_end_real;
static long			 office_rss_n;

const struct policy_cfg *
office_cfg(void)
{
	return &office_policy;
}

static uint64_t
mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t	z = a * 0x9e3779b97f4a7c15ULL ^ (b + 1) *
	    0xbf58476d1ce4e5b9ULL ^ (c + 3) * 0x94d049bb133111ebULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
unit(uint64_t a, uint64_t b, uint64_t c)
{
	return (mix(a, b, c) >> 11) * (1.0 / 9007199254740992.0);
}

/* Job PROC of batch B: its class, run time and whether it checkpoints. */
static void
office_job_make(struct sim_job *j, int b, int proc)
{
	uint64_t	seed = sim->o.seed;
	double		u = unit(seed, b, proc * 4), v = unit(seed, b,
			    proc * 4 + 1), w = unit(seed, b, proc * 4 + 2);

	memset(j, 0, sizeof *j);
	j->batch = b;
	j->proc = proc;
	j->first_start = j->finished = -1;
	if (u < 0.4) {
		/* Short: 20-40 minutes, never checkpoints. */
		j->expected = 30 * MIN_MS;
		j->runtime = (int64_t)((20 + 20 * v) * MIN_MS);
	} else if (u < 0.75) {
		/* Medium: 1.5-2.5 hours, half checkpoint. */
		j->expected = 2 * HOUR_MS;
		j->runtime = (int64_t)((1.5 + v) * HOUR_MS);
		j->ckpt = w < 0.5;
	} else {
		/* Long: 6-10 hours, half checkpoint. */
		j->expected = 8 * HOUR_MS;
		j->runtime = (int64_t)((6 + 4 * v) * HOUR_MS);
		j->ckpt = w < 0.5;
	}
}

static void
office_submitted(long cluster, void *arg)
{
	struct sim_batch	*b = &sim->batches[(intptr_t)arg];

	sim->submitting = 0;
	b->cluster = cluster;
	if (cluster < 0) {
		/* None of it is queued: not counted, submitted again later. */
		sim->errors++;
		log_warnx("office: batch %d was not submitted", b->index);
		sim->idle_jobs -= b->njobs;
		sim->os.submitted -= b->njobs;
		b->njobs = 0;
	}
}

/*
 * The jobs of batch B as queue items (ert, index) for those that
 * checkpoint (CKPT) or those that do not: one line each into P.
 */
static char *
office_items(char *p, char *end, const struct sim_batch *b, int ckpt,
    int *n)
{
	int	i;

	*n = 0;
	for (i = 0; i < b->njobs; i++) {
		const struct sim_job *j = &b->jobs[i];

		if (j->ckpt != ckpt)
			continue;
		p += snprintf(p, end - p, "%lld %d\n",
		    (long long)(j->expected / 1000), i);
		(*n)++;
	}
	return p;
}

/*
 * One submit a batch, one cluster: the jobs that checkpoint are queued
 * by a second queue statement after `checkpoint_exit_code`, as a user's
 * submit file says it (the scheduler knows from it which jobs keep their
 * work at a vacate).  Each job's index in the batch is its last argument.
 */
static void
office_submit(int n)
{
	struct sim_batch	*b;
	char			*text, *p, *end, *q;
	size_t			 len;
	int			 i, k, ckpt;

	sim->batches = xreallocarray(sim->batches, sim->nbatches + 1,
	    sizeof *sim->batches);
	b = &sim->batches[sim->nbatches];
	memset(b, 0, sizeof *b);
	b->index = sim->nbatches++;
	b->cluster = -1;
	b->njobs = n;
	b->jobs = xcalloc(n, sizeof *b->jobs);
	b->submitted = sim->vnow;
	b->submitted_real = clock_mono_ms();
	for (i = 0; i < n; i++) {
		office_job_make(&b->jobs[i], b->index, i);
		b->jobs[i].submitted = b->submitted;
		b->jobs[i].submitted_real = b->submitted_real;
	}
	len = 1024 + (size_t)n * 32;
	text = xmalloc(len);
	end = text + len;
	p = text + snprintf(text, len, "executable = /bin/true\n"
	    "transfer_executable = false\n"
	    "arguments = officesim %d $(i)\nbatch_name = officesim\n"
	    "+ExpectedRuntime = $(ert)\n", b->index);
	for (ckpt = 0; ckpt < 2; ckpt++) {
		q = p;
		if (ckpt)
			p += snprintf(p, end - p,
			    "checkpoint_exit_code = 85\n");
		p += snprintf(p, end - p, "queue ert,i from (\n");
		p = office_items(p, end, b, ckpt, &k);
		p += snprintf(p, end - p, ")\n");
		if (k == 0) {
			p = q;	/* no such job: no queue statement */
			*p = '\0';
		}
	}
	sim->idle_jobs += n;
	sim->os.submitted += n;
	sim->submitting = 1;
	sim_submit(text, office_submitted, (void *)(intptr_t)b->index);
	free(text);
}

/* The job of a start order: batch and index from its arguments. */
static struct sim_job *
office_job_of(const struct agentmsg_start *so)
{
	long	 b, i;

	if (so->desc.argc < 3 || strcmp(so->desc.argv[0], "officesim") != 0)
		return NULL;
	b = strtol(so->desc.argv[1], NULL, 10);
	i = strtol(so->desc.argv[2], NULL, 10);
	if (b < 0 || (size_t)b >= sim->nbatches || i < 0 ||
	    i >= sim->batches[b].njobs)
		return NULL;
	return &sim->batches[b].jobs[i];
}

static int
office_measured(int64_t vt)
{
	return vt >= sim->os.from && vt < sim->os.to;
}

/* Record slot I's state (SLOT_OFFLINE: disconnected) from now on. */
void
office_mark(struct sim_agent *a, int i, int state)
{
	struct sim_slot	*s = &a->slots[i];

	if (sim->o.mode != SIM_OFFICE || sim->vt0_real == 0)
		return;
	if (s->nmarks > 0 && s->marks[s->nmarks - 1].state == state)
		return;
	if (s->nmarks > 0 && s->marks[s->nmarks - 1].vt == sim->vnow) {
		s->marks[s->nmarks - 1].state = state;
		return;
	}
	if (s->nmarks == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->marks = xreallocarray(s->marks, s->cap, sizeof *s->marks);
	}
	s->marks[s->nmarks].vt = sim->vnow;
	s->marks[s->nmarks++].state = state;
}

/* Present as the real agent's absence.c counts it: active within the
 * idle time the policy waits for. */
static int
office_present(const struct sim_agent *a)
{
	return a->last_activity > 0 &&
	    sim->vnow - a->last_activity < office_policy.idle_after_ms;
}

int64_t
run_expected_absence(struct sim_agent *a)
{
	int64_t	s;

	if (sim->o.mode == SIM_FLOOD)
		return run_flood_absence(a);
	if (a->hist == NULL)
		return -1;
	s = presence_absence(a->hist, SIM_EPOCH_S + sim->vnow / 1000, 0.5);
	return (s + 30) / 60 * 60;
}

/* Slot I's job has worked until now: count it. */
static void
office_progress(struct sim_slot *s)
{
	if (s->sj != NULL && s->ps.state == SLOT_CLAIMED) {
		s->sj->progress += sim->vnow - s->since;
		s->since = sim->vnow;
	}
}

/*
 * Slot I's job is vacated.  One that checkpoints keeps all its work: the
 * real agent thaws it and sends it its checkpoint signal (startd/jobs.c,
 * POLICY_VACATE; a CRIU job is dumped instead), and a job with
 * checkpoint_exit_code writes its checkpoint and exits with that code
 * within max_vacate_time.  The others lose all they did.
 */
static void
office_evict(struct sim_agent *a, int i)
{
	struct sim_slot	*s = &a->slots[i];
	struct sim_job	*j = s->sj;
	int64_t		 work, kept;

	if (j != NULL) {
		office_progress(s);
		work = j->done + j->progress;
		kept = j->ckpt ? work : 0;
		if (kept < j->done)
			kept = j->done;
		if (office_measured(sim->vnow)) {
			sim->os.evictions++;
			sim->os.lost_ms += work - kept;
			if (j->ckpt) {
				sim->os.evictions_ckpt++;
				sim->os.ckpt_kept_ms += work - j->done;
			}
		}
		j->lost += work - kept;
		j->evictions++;
		j->done = kept;
		j->progress = 0;
		j->running = 0;
		sim->idle_jobs++;
	}
	run_release(a, i, 1);
}

/* The owner's stays up to now: activity, arrivals. */
static int
office_owner(struct sim_agent *a)
{
	int	arrived = 0;

	a->present = 0;
	while (a->next_stay < a->nstays &&
	    a->stays[a->next_stay].from <= sim->vnow) {
		struct sim_stay *st = &a->stays[a->next_stay];

		if (st->from > a->last_eval)
			arrived++;
		if (st->to <= sim->vnow) {
			if (st->to > a->last_activity)
				a->last_activity = st->to;
			a->next_stay++;
			continue;
		}
		a->present = 1;
		a->last_activity = sim->vnow;
		break;
	}
	return arrived;
}

static void
office_eval(struct sim_agent *a)
{
	struct policy_in	 in;
	struct sim_slot		*s;
	enum policy_act		 act;
	enum slot_state		 was;
	int64_t			 left, next;
	int			 i, arrived, busy = 0;

	for (i = 0; i < a->nslots; i++)
		busy |= a->slots[i].ps.state == SLOT_CLAIMED;
	arrived = office_owner(a);
	if (arrived > 0 && office_measured(sim->vnow)) {
		sim->os.arrivals += arrived;
		if (busy)
			sim->os.busy_arrivals++;
	}
	if (a->hist != NULL)
		presence_observe(a->hist, SIM_EPOCH_S + sim->vnow / 1000,
		    office_present(a));
	a->last_eval = sim->vnow;
	for (i = 0; i < a->nslots; i++) {
		s = &a->slots[i];
		/* A job whose work is done ends first. */
		if (s->sj != NULL && s->ps.state == SLOT_CLAIMED) {
			office_progress(s);
			if (s->sj->done + s->sj->progress >= s->sj->runtime) {
				struct sim_job *j = s->sj;

				j->finished = sim->vnow;
				j->running = 0;
				if (office_measured(sim->vnow)) {
					sim->os.completed++;
					sim->os.completed_ms += j->runtime;
				}
				run_release(a, i, 0);
			}
		}
		run_policy_in(a, &in);
		was = s->ps.state;
		act = policy_step(&office_policy, &s->ps, &in);
		switch (act) {
		case POLICY_SUSPEND:
			/* The job worked until the owner came back. */
			if (s->sj != NULL) {
				s->sj->progress += sim->vnow - s->since;
				s->since = sim->vnow;
			}
			if (office_measured(sim->vnow))
				sim->os.suspends++;
			break;
		case POLICY_RESUME:
			s->since = sim->vnow;
			if (office_measured(sim->vnow))
				sim->os.resumes++;
			break;
		default:
			break;
		}
		if (s->ps.state != was)
			link_send_slot(a, i);
		if (act == POLICY_VACATE || act == POLICY_KILL)
			office_evict(a, i);
	}
	/* When to look again: the owner's next move, a job's end, a tick. */
	next = sim->vnow + EVAL_MS;
	if (a->next_stay < a->nstays) {
		const struct sim_stay *st = &a->stays[a->next_stay];
		int64_t t = a->present ? st->to : st->from;

		if (t < next)
			next = t;
	}
	for (i = 0; i < a->nslots; i++) {
		s = &a->slots[i];
		if (s->sj == NULL || s->ps.state != SLOT_CLAIMED)
			continue;
		left = s->sj->runtime - s->sj->done - s->sj->progress;
		if (sim->vnow + left < next)
			next = sim->vnow + left;
	}
	a->next_eval = next > sim->vnow ? next : sim->vnow + 1;
}

void
office_start(struct sim_agent *a, struct agentmsg_start *so)
{
	struct sim_job	*j = office_job_of(so);
	struct sim_slot	*s;
	int64_t		 offered = 0;
	int		 i;

	if (j != NULL && j->running) {
		log_warnx("%s: job %s is already running elsewhere", a->name,
		    so->job);
		sim->errors++;
	}
	if (so->slot >= 1 && so->slot <= a->nslots)
		offered = a->slots[so->slot - 1].offered;
	if ((i = run_claim(a, so)) == -1)
		return;
	s = &a->slots[i];
	office_mark(a, i, s->ps.state);
	if (offered > 0 && office_measured(sim->vnow)) {
		if (sim->os.noffer == sim->os.offercap) {
			sim->os.offercap = sim->os.offercap ?
			    sim->os.offercap * 2 : 1024;
			sim->os.offer = xreallocarray(sim->os.offer,
			    sim->os.offercap, sizeof *sim->os.offer);
		}
		sim->os.offer[sim->os.noffer++] = clock_mono_ms() - offered;
	}
	if (j == NULL) {
		/* Not one of ours: it ends at once. */
		run_release(a, i, 0);
		return;
	}
	s->sj = j;
	s->since = sim->vnow;
	j->progress = 0;
	j->running = 1;
	sim->idle_jobs--;
	if (office_measured(sim->vnow))
		sim->os.starts++;
	if (j->first_start < 0) {
		j->first_start = sim->vnow;
		if (office_measured(j->submitted)) {
			if (sim->os.nlat == sim->os.latcap) {
				sim->os.latcap = sim->os.latcap ?
				    sim->os.latcap * 2 : 1024;
				sim->os.lat = xreallocarray(sim->os.lat,
				    sim->os.latcap, sizeof *sim->os.lat);
				sim->os.lat_real = xreallocarray(
				    sim->os.lat_real, sim->os.latcap,
				    sizeof *sim->os.lat_real);
			}
			sim->os.lat[sim->os.nlat] = sim->vnow - j->submitted;
			sim->os.lat_real[sim->os.nlat++] = clock_mono_ms() -
			    j->submitted_real;
		}
	}
	if (sim->vnow + j->runtime - j->done < a->next_eval)
		a->next_eval = sim->vnow + j->runtime - j->done;
}

void
office_kill(struct sim_agent *a, const char *job, uint32_t run, int vacate)
{
	int	i;

	for (i = 0; i < a->nslots; i++)
		if (strcmp(a->slots[i].job, job) == 0 &&
		    a->slots[i].run == run) {
			office_evict(a, i);
			return;
		}
}

void
office_exit_acked(struct sim_agent *a, const char *job, uint32_t run)
{
	sim->os.acked++;
}

void
office_agent_ready(struct sim_agent *a)
{
	int	i;

	for (i = 0; i < a->nslots; i++)
		office_mark(a, i, a->slots[i].ps.state);
}

/* The link is gone: the scheduler requeues its jobs (their work lost). */
void
office_link_lost(struct sim_agent *a)
{
	struct sim_slot	*s;
	int		 i;

	sim->os.lost_links++;
	for (i = 0; i < a->nslots; i++) {
		s = &a->slots[i];
		if (s->sj != NULL) {
			office_progress(s);
			s->sj->lost += s->sj->progress;
			if (office_measured(sim->vnow))
				sim->os.lost_ms += s->sj->progress;
			s->sj->progress = 0;
			s->sj->running = 0;
			s->sj = NULL;
			sim->idle_jobs++;
		}
		s->job[0] = '\0';
		if (s->ps.has_job) {
			struct policy_in in;

			run_policy_in(a, &in);
			policy_job_gone(&office_policy, &s->ps, &in);
		}
		office_mark(a, i, SLOT_OFFLINE);
	}
}

void
office_ad(struct sim_agent *a, struct agentmsg_ad *ad)
{
	int	i;

	/* The states the last evaluation left (ticks go on offline too). */
	for (i = 0; i < a->nslots && (size_t)i < ad->nslots; i++)
		ad->slots[i].state = a->slots[i].ps.state;
}

static void
office_finish(void)
{
	long	rss;
	int	i, j;

	sim_proc_sample(sim->o.schedd_pid, &sim->os.cpu1, &rss);
	sim->os.t_cpu1 = clock_mono_ms();
	/* Work still running at the end is neither done nor lost. */
	for (i = 0; i < sim->o.nagents; i++)
		for (j = 0; j < sim->agents[i].nslots; j++) {
			office_progress(&sim->agents[i].slots[j]);
			office_mark(&sim->agents[i], j, SLOT_OFFLINE);
		}
}

static void
office_tick(evutil_socket_t fd, short ev, void *arg)
{
	int64_t	now = clock_mono_ms();
	double	cpu;
	long	rss;
	int	i;

	if (sim->vt0_real == 0) {
		if (sim->nready < office_on && now - sim->t0 < 600 * 1000)
			return;
		if (sim->nready < office_on)
			log_warnx("office: %d of %d desktops registered after "
			    "600 s: starting with those", sim->nready,
			    office_on);
		sim->t_all_ready = now;
		sim->vt0_real = now;
		sim_proc_sample(sim->o.schedd_pid, &sim->os.cpu0, &rss);
		sim->os.t_cpu0 = now;
		for (i = 0; i < sim->o.nagents; i++)
			if (sim->agents[i].link == LINK_READY)
				office_agent_ready(&sim->agents[i]);
		log_info("office: %d desktops registered in %lld ms; the "
		    "clock starts (x%g)", sim->nready,
		    (long long)(now - sim->t0), sim->o.accel);
	}
	if (office_end_real != 0) {
		/* The last acknowledgements, then the report. */
		if ((sim->os.acked >= sim->exits_sent && !sim->submitting) ||
		    now - office_end_real > 30000) {
			sim->done = 1;
			event_base_loopexit(sim->base, NULL);
		}
		return;
	}
	sim->vnow = sim->os.from + (int64_t)((now - sim->vt0_real) *
	    sim->o.accel);
	if (sim->vnow >= sim->vend) {
		sim->vnow = sim->vend;
		office_finish();
		office_end_real = now;
		return;
	}
	if (++office_rss_n % 100 == 0) {
		sim_proc_sample(sim->o.schedd_pid, &cpu, &rss);
		if (rss > sim->os.rss_max)
			sim->os.rss_max = rss;
	}
	for (i = 0; i < sim->o.nagents; i++) {
		struct sim_agent *a = &sim->agents[i];

		if (a->persona != PERSONA_OFF && sim->vnow >= a->next_eval)
			office_eval(a);
	}
	if (sim->o.rate > 0) {
		/* A steady stream: the jobs due by now. */
		long due = (long)((sim->vnow - sim->os.from) * sim->o.rate /
		    HOUR_MS) - sim->os.submitted;

		if (!sim->submitting && due > 0)
			office_submit(due > BATCH_MAX ? BATCH_MAX : (int)due);
	} else if (!sim->submitting && sim->idle_jobs < sim->o.queue_depth)
		office_submit(sim->o.queue_depth - sim->idle_jobs > BATCH_MAX ?
		    BATCH_MAX : (int)(sim->o.queue_depth - sim->idle_jobs));
}

/* The owner's history over the training days, seen every 5 minutes. */
static void
office_train(struct sim_agent *a)
{
	int64_t	t, end = (int64_t)sim->o.train_days * SIM_DAY_MS;
	size_t	k = 0;
	int64_t	last = 0;
	int	present;

	a->hist = xcalloc(1, sizeof *a->hist);
	presence_init(a->hist);
	presence_set_zone(a->hist, 0);
	for (t = 0; t < end; t += 5 * MIN_MS) {
		while (k < a->nstays && a->stays[k].to <= t) {
			last = a->stays[k].to;
			k++;
		}
		if (k < a->nstays && a->stays[k].from <= t)
			last = t;
		present = last > 0 && t - last < office_policy.idle_after_ms;
		presence_observe(a->hist, SIM_EPOCH_S + t / 1000, present);
	}
}

void
office_end(void)
{
	if (office_tick_ev != NULL)
		event_free(office_tick_ev);
	office_tick_ev = NULL;
}

void
office_begin(void)
{
	struct timeval	tv = { 0, TICK_US };
	int		i, days = sim->o.train_days + sim->o.days;

	policy_defaults(&office_policy);
	sim->os.from = (int64_t)sim->o.train_days * SIM_DAY_MS;
	sim->os.to = sim->vend = (int64_t)days * SIM_DAY_MS;
	sim->vnow = sim->os.from;
	if (sim->o.queue_depth < 0)
		sim->o.queue_depth = sim->o.nagents * sim->o.nslots;
	for (i = 0; i < sim->o.nagents; i++) {
		struct sim_agent *a = &sim->agents[i];

		owner_make(a, sim->o.seed, days);
		if (a->persona == PERSONA_OFF)
			continue;
		office_on++;
		if (sim->o.owner_aware)
			office_train(a);
		/* Where the owner stands as the measured days begin. */
		a->last_eval = sim->vnow;
		office_owner(a);
		a->next_eval = 0;
	}
	office_tick_ev = event_new(sim->base, -1, EV_PERSIST, office_tick,
	    NULL);
	event_add(office_tick_ev, &tv);
}
