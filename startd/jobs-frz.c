/*
 * jobs-frz.c: the owner's return, the agent's fast path.  jobs_eval()
 * hands every job the policy suspends, all at once, to jobs_freeze()
 * before it logs, tells the scheduler or evaluates anything else: one
 * call, so that a privileged parent can take it as one request.  Each job
 * gets its freeze (jobctl_freeze(): cgroup2, else v1 freezer, else
 * SIGSTOP), and is then watched from the loop until jobctl_frozen() says
 * every process of it is stopped: at once, then every JOBS_FRZ_CHECK_MS.
 * A rung of the freeze ladder that has not stopped the job within
 * JOBS_FRZ_GRACE_MS is escalated to the next (jobctl_freeze_escalate());
 * a job that no rung can stop is killed rather than left to keep the
 * owner's desktop busy, and its run is reported as evicted with the
 * reason.  Only once a job is seen stopped (or killed) are its slot's move
 * told to the scheduler and the suspension logged (jobs_frz_settled()),
 * so a scheduler that shows a slot SUSPENDED never has a job of it that
 * still runs.  Nothing here waits: the checks are a timer of the loop.
 * While a freeze is being checked (the freeze section: about a
 * millisecond, at most the ladder's grace times), a root agent runs
 * SCHED_FIFO (with SCHED_RESET_ON_FORK: nothing it starts inherits it):
 * the job's autogroup is boosted during a freeze (jobctl-frz.c), and a
 * freeze that did not take would otherwise leave the boosted job running
 * and the agent without a CPU to notice it (seen: 940 ms in place of the
 * 250 ms grace).
 */
#include "config.h"

#include <sys/time.h>

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "jobctl.h"
#include "jobs-int.h"
#include "log.h"
#include "startd.h"

#define JOBS_FRZ_CHECK_MS	1	/* between checks of a freeze */
#define JOBS_FRZ_GRACE_MS	250	/* a rung that did not stop it: next */

static struct event	*jobs_frz_ev;
static int		 jobs_frz_rt;	/* SCHED_FIFO now */
static int		 jobs_frz_rt_failed;

/* Enter (ON) or leave the freeze section's real-time priority. */
static void
jobs_frz_prio(int on)
{
	struct sched_param	sp;

	if (on == jobs_frz_rt || (on && (jobs_frz_rt_failed || geteuid() != 0)))
		return;
	memset(&sp, 0, sizeof sp);
	sp.sched_priority = on ? 1 : 0;
	if (sched_setscheduler(0, (on ? SCHED_FIFO : SCHED_OTHER) |
	    SCHED_RESET_ON_FORK, &sp) == -1) {
		if (on) {
			log_warn("jobs: SCHED_FIFO for freezes");
			jobs_frz_rt_failed = 1;
		}
		return;
	}
	jobs_frz_rt = on;
}

/* CLOCK_MONOTONIC in microseconds. */
int64_t
jobs_frz_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* J could not be stopped by any rung: it goes, with the reason. */
static void
jobs_frz_kill(struct ajob *j, int err)
{
	j->freezing = 0;
	j->unstoppable = 1;
	if (jobctl_kill(j->pid) == -1 && errno != ESRCH)
		log_warn("job %s run %u: kill", j->id, j->run);
	log_warnx("job %s run %u: the owner is back and nothing could stop "
	    "the job (%s): killed", j->id, j->run, strerror(err));
	jobs_frz_settled(j);
}

/* Check J's freeze: settle it, escalate it, or leave it for later. */
static int
jobs_frz_check(struct ajob *j, int64_t now_ms)
{
	if (jobctl_frozen(j->pid)) {
		j->freezing = 0;
		log_info("job %s run %u: suspended (%s), stopped %.2f ms "
		    "after the agent saw the owner's activity", j->id, j->run,
		    jobctl_freeze_how(j->pid),
		    (jobs_frz_now_us() - j->frz_t0_us) / 1000.0);
		jobs_frz_settled(j);
		return 0;
	}
	if (now_ms - j->frz_rung_ms < JOBS_FRZ_GRACE_MS)
		return 1;
	if (jobctl_freeze_escalate(j->pid) == -1) {
		jobs_frz_kill(j, errno);
		return 0;
	}
	j->frz_rung_ms = now_ms;
	log_warnx("job %s run %u: not stopped after %d ms, escalated to %s",
	    j->id, j->run, JOBS_FRZ_GRACE_MS, jobctl_freeze_how(j->pid));
	return 1;
}

/* Check every freeze in progress; again soon while one is. */
static void
jobs_frz_tick(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	 tv = { 0, JOBS_FRZ_CHECK_MS * 1000 };
	struct ajob	**all;
	size_t		 n, i;
	int64_t		 now = clock_mono_ms();
	int		 more = 0;

	all = jobs_all(&n);
	for (i = 0; i < n; i++)
		if (all[i]->freezing && !all[i]->exited)
			more |= jobs_frz_check(all[i], now);
	if (more)
		evtimer_add(jobs_frz_ev, &tv);
	else
		jobs_frz_prio(0);
}

/*
 * Freeze the N jobs of JS now, the owner's activity having been seen at
 * T0_US (mono us), before anything else; see the top of this file.
 */
void
jobs_freeze(struct ajob **js, size_t n, int64_t t0_us)
{
	size_t	i;
	int64_t	now = clock_mono_ms();

	jobs_frz_prio(1);
	for (i = 0; i < n; i++) {
		js[i]->frz_t0_us = t0_us;
		js[i]->frz_rung_ms = now;
		js[i]->freezing = 1;
		if (jobctl_freeze(js[i]->pid) == 0)
			continue;
		if (errno == EAGAIN)	/* before its exec: at its start */
			js[i]->freezing = 0;
		else
			js[i]->freezing = -errno - 1;	/* no rung took it */
	}
	/* Then the rest: kills of the unstoppable, the first check. */
	for (i = 0; i < n; i++)
		if (js[i]->freezing < 0)
			jobs_frz_kill(js[i], -js[i]->freezing - 1);
	if (jobs_frz_ev == NULL &&
	    (jobs_frz_ev = evtimer_new(st->base, jobs_frz_tick, NULL)) == NULL)
		fatalx("jobs: evtimer_new");
	jobs_frz_tick(-1, 0, NULL);
}

/* J is thawed, vacated or gone: no freeze of it to watch any more. */
void
jobs_frz_forget(struct ajob *j)
{
	j->freezing = 0;
	j->frz_report = 0;
}

void
jobs_frz_shutdown(void)
{
	if (jobs_frz_ev != NULL)
		event_free(jobs_frz_ev);
	jobs_frz_ev = NULL;
	jobs_frz_prio(0);
}
