/*
 * lease.c: the agent ends its jobs before the scheduler's lease on them
 * runs out.  The scheduler gives the jobs of an agent it has not heard
 * from for lease_ms (L) to other agents (scheduler/agents.c); a copy left
 * running here would run beside the new one.  The agent cannot read the
 * scheduler's clock, but it knows when it sent each message, and the
 * scheduler answers the heartbeats (link.c): T, the agent's send time of
 * the latest message the scheduler is known to have heard (a heartbeat it
 * answered; the ad of a link, once anything comes that the scheduler only
 * sends after the ad), is before the scheduler received it, so the
 * scheduler's lease lasts at least until T + L.
 * Hearing the scheduler proves nothing (a one-way cut): only answers
 * move T.  With H = L/4, the heartbeat interval (lease-plan.c):
 *
 *	M         = L/10, at most 1 s, at least 50 ms	(the margin)
 *	kill_at   = T + L - M
 *	V         = min(max_vacate_time, L/4)		(the vacate's grace)
 *	vacate_at = kill_at - M - V = T + 3H - 2M	(>= T + 2H)
 *
 * While the link is well an answer comes every H, so now - T stays below
 * H and a round trip; vacate_at is reached only when two heartbeats in a
 * row have gone unanswered.  A loop that was late itself (a loaded
 * desktop) has asked late: while the link is up, the vacate also waits
 * until a heartbeat has been unanswered for H/2.  Then every job takes
 * the vacate path (jobs_kill(): its checkpoint signal or a CRIU dump,
 * its kill after max_vacate_time); at kill_at whatever is left is killed,
 * M before the scheduler can requeue it at the earliest.  M covers the
 * agent's own lateness in acting: a loop turn, a kill that waits for a
 * freeze (50 ms).  The ends are reported, as evicted, when the link is
 * back (or dropped as stale if the scheduler has moved on).  A checkpoint
 * the vacate made cannot reach the scheduler while it does not hear us:
 * unless the link is back within the lease, the job resumes elsewhere
 * from its last checkpoint in the spool.  For L = 60 s: vacate 43 s after
 * T, kill at 59 s; for L = 4 s: at 2.2 s and 3.6 s.
 *
 * Each job's keeper in jobctl gets kill_at too (jobctl_deadline()), so it
 * dies in time even while the agent itself is stopped; it is told again
 * when the deadline moves by H/4 or more, and at once when it moves
 * earlier.  The agent's times are CLOCK_BOOTTIME, which runs on while the
 * desktop sleeps, as the scheduler's clock does: after a suspend the tick
 * finds the deadline passed at once.  jobctl_deadline() takes
 * CLOCK_MONOTONIC, converted when told.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <time.h>

#include <event2/event.h>

#include "clock.h"
#include "jobs.h"
#include "jobs-int.h"
#include "lease.h"
#include "link.h"
#include "log.h"
#include "owner.h"
#include "policy.h"
#include "privc.h"
#include "startd.h"

static int64_t		 lease_ms;	/* L, 0: no lease known yet */
static int64_t		 lease_t;	/* T: boottime ms, 0: none */
static int64_t		 lease_told;	/* mono ms given to jobctl, 0: none */
static int		 lease_vacated;	/* vacate_at passed for this T */
static int64_t		 lease_ask;	/* boottime ms: oldest heartbeat
					   unanswered, 0: none */
static struct event	*lease_ev;

int64_t
lease_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		return clock_mono_ms();
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* vacate_at and kill_at for the current T; 0 if there is no lease. */
static int
lease_points(int64_t *vacate_at, int64_t *kill_at)
{
	struct lease_plan	p;

	if (lease_ms <= 0 || lease_t == 0)
		return 0;
	lease_plan(lease_ms, lease_t, owner_policy()->max_vacate_ms, &p);
	*vacate_at = p.vacate_at;
	*kill_at = p.kill_at;
	return 1;
}

static void
lease_tell_job(struct ajob *j, void *arg)
{
	/* A bare (CRIU) job has no keeper: the agent kills it itself. */
	if (!j->exited && j->pid > 0 && !j->pidns &&
	    privc_deadline(j->pid, lease_told) == -1)
		log_warn("job %s: deadline", j->id);
}

/* Give the jobs' keepers the deadline, if it moved enough. */
static void
lease_tell(void)
{
	int64_t	vacate_at, kill_at, mono;

	if (!lease_points(&vacate_at, &kill_at))
		return;
	mono = clock_mono_ms() + (kill_at - lease_now());
	if (lease_told != 0 && mono >= lease_told &&
	    mono - lease_told < lease_ms / 16)
		return;		/* later by less than H/4 */
	lease_told = mono;
	jobs_foreach(lease_tell_job, NULL);
}

static void
lease_vacate_job(struct ajob *j, void *arg)
{
	int	*n = arg;

	if (j->exited || j->vacate_order || j->lease_killed ||
	    (j->pid <= 0 && !j->waiting && j->copid == 0))
		return;
	jobs_kill(j->id, j->run, 1, AGENTMSG_KILL_LEASE);
	(*n)++;
}

static void
lease_kill_job(struct ajob *j, void *arg)
{
	int	*n = arg;
	pid_t	 pid = j->pid;

	if (j->exited || j->lease_killed)
		return;
	if (j->waiting) {
		/* Ends it unstarted. */
		jobs_kill(j->id, j->run, 1, AGENTMSG_KILL_LEASE);
		(*n)++;
		return;
	}
	if (pid <= 0 && j->copid != 0 && !j->dumping) {
		pid = privc_criu_pid(j->copid);	/* a restore */
		j->vacate_order = 1;
	}
	if (pid <= 0)
		return;
	/*
	 * Its end is an eviction (the job goes back to the queue) if this
	 * kill is what ended it (jobs_ended): an exit the parent reaped while
	 * the agent was stopped may reach us only after this, and a job that
	 * ended on its own ends as it did.
	 */
	j->lease_killed = 1;
	if (j->why == AGENTMSG_KILL_NONE)
		j->why = AGENTMSG_KILL_LEASE;
	if (privc_kill(pid) == -1)
		log_warn("job %s: kill", j->id);
	(*n)++;
}

static void	lease_check(void);

/*
 * At NOW past VACATE_AT: 1 if the jobs leave now, 0 if the agent waits
 * for the answer to a heartbeat it asked late (its own loop was late)
 * while the link is up.
 */
static int
lease_vacate_due(int64_t now, int64_t vacate_at)
{
	if (now < vacate_at)
		return 0;
	return !link_up() || (lease_ask != 0 && now - lease_ask >=
	    lease_ms / 8);
}

int
lease_past(int64_t *silent, int64_t *lease)
{
	int64_t	now = lease_now(), vacate_at, kill_at;

	if (!lease_points(&vacate_at, &kill_at))
		return 0;
	*silent = now - lease_t;
	*lease = lease_ms;
	return now >= kill_at || lease_vacated ||
	    lease_vacate_due(now, vacate_at);
}

static void
lease_timer(evutil_socket_t fd, short ev, void *arg)
{
	lease_check();
}

static void
lease_check(void)
{
	struct timeval	tv;
	int64_t		now = lease_now(), vacate_at, kill_at, next, left;
	int		n = 0;

	if (lease_ev != NULL)
		evtimer_del(lease_ev);
	if (!lease_points(&vacate_at, &kill_at))
		return;
	if (now >= kill_at) {
		/* Those that ended meanwhile end as they did. */
		privc_drain();
		jobs_foreach(lease_kill_job, &n);
		left = lease_t + lease_ms - now;
		if (n > 0 && left > 0)
			log_warnx("lease: nothing answered for %lld ms (lease "
			    "%lld ms): killed %d job(s), %lld ms before the "
			    "scheduler can give them to another agent",
			    (long long)(now - lease_t), (long long)lease_ms,
			    n, (long long)left);
		else if (n > 0)
			log_warnx("lease: nothing answered for %lld ms (lease "
			    "%lld ms): killed %d job(s), %lld ms late (was "
			    "the agent stopped?)", (long long)(now - lease_t),
			    (long long)lease_ms, n, (long long)-left);
	} else if (now >= vacate_at && !lease_vacate_due(now, vacate_at)) {
		/* We asked late, or not yet: wait for the answer. */
		if (lease_ask != 0 && lease_ask + lease_ms / 8 < kill_at)
			vacate_at = lease_ask + lease_ms / 8;
	} else if (now >= vacate_at) {
		lease_vacated = 1;
		jobs_foreach(lease_vacate_job, &n);
		if (n > 0)
			log_warnx("lease: nothing answered for %lld ms (lease "
			    "%lld ms): vacating %d job(s); what is left is "
			    "killed in %lld ms", (long long)(now - lease_t),
			    (long long)lease_ms, n,
			    (long long)(kill_at - now));
	}
	next = now < vacate_at ? vacate_at : now < kill_at ? kill_at : 0;
	if (next == 0 || lease_ev == NULL)
		return;
	next -= now;
	tv.tv_sec = next / 1000;
	tv.tv_usec = (next % 1000) * 1000;
	evtimer_add(lease_ev, &tv);
}

/* Look again from the loop (never from inside a caller's handler). */
static void
lease_soon(void)
{
	struct timeval	tv = { 0, 0 };

	if (lease_ev != NULL && lease_t != 0) {
		evtimer_del(lease_ev);
		evtimer_add(lease_ev, &tv);
	}
}

void
lease_set(int64_t ms)
{
	if (ms == lease_ms)
		return;
	lease_ms = ms;
	lease_told = 0;
	lease_tell();
	lease_soon();
}

void
lease_heard(int64_t sent)
{
	if (sent <= lease_t)
		return;
	if (lease_vacated)
		log_info("lease: the scheduler hears us again");
	lease_vacated = 0;
	lease_t = sent;
	if (lease_ask <= sent)
		lease_ask = 0;
	lease_tell();
	lease_soon();
}

void
lease_asked(int64_t sent)
{
	if (lease_ask == 0 || lease_ask <= lease_t)
		lease_ask = sent;
	lease_soon();
}

void
lease_job_started(pid_t pgid)
{
	if (pgid > 0 && lease_told != 0 &&
	    privc_deadline(pgid, lease_told) == -1)
		log_warn("job pid %ld: deadline", (long)pgid);
	/* Past vacate_at, it leaves at once. */
	lease_soon();
}

void
lease_tick(void)
{
	int64_t	vacate_at, kill_at;

	if (lease_points(&vacate_at, &kill_at) && lease_now() >= vacate_at)
		lease_check();
}

void
lease_init(void)
{
	lease_ev = evtimer_new(st->base, lease_timer, NULL);
}

void
lease_shutdown(void)
{
	if (lease_ev != NULL)
		event_free(lease_ev);
	lease_ev = NULL;
}
