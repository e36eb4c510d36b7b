/*
 * priv-frz.c: the root parent's side of the owner's return.  The network
 * child asks for every freeze the policy wants at once (one request per
 * job, sent together: the parent serves them before any queued spawn);
 * each job gets jobctl_freeze() (cgroup2, else v1 freezer, else SIGSTOP)
 * and is then checked at once and every PRIV_FRZ_CHECK_MS until
 * jobctl_frozen() says every process of it is stopped.  A rung of the
 * freeze ladder that has not stopped the job within PRIV_FRZ_GRACE_MS
 * gets the next one added (jobctl_freeze_escalate()); a job that no rung
 * can stop is killed rather than left to keep the owner's desktop busy.
 * The reply goes only then: stopped (by which rung, in how long) or
 * killed (with the reason), so the child tells the scheduler only what
 * is true.  While a freeze is checked (about a millisecond; at most the
 * grace times), the parent runs SCHED_FIFO with SCHED_RESET_ON_FORK
 * (nothing it starts inherits it): the job's autogroup is boosted during
 * a freeze, and a freeze that did not take would otherwise leave the
 * boosted job running and the parent without a CPU to notice (seen: a
 * 250 ms grace that ran 940 ms).  Nothing here waits.
 */
#include "config.h"

#include <sys/time.h>
#include <sys/types.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "jobctl.h"
#include "log.h"
#include "priv.h"
#include "xmalloc.h"

#define PRIV_FRZ_CHECK_MS	1	/* between checks of a freeze */
#define PRIV_FRZ_GRACE_MS	250	/* a rung that did not stop it: next */

struct priv_frz {
	uint32_t		 reqid;
	pid_t			 pid;
	int64_t			 t0_us;		/* the request came */
	int64_t			 rung_us;	/* the rung in force since */
	priv_frz_reply_fn	 reply;
};

static struct {
	struct event		*ev;
	struct priv_frz		*w;
	size_t			 n;
	int			 rt;		/* SCHED_FIFO now */
	int			 rt_failed;
} pf;

/* Enter (ON) or leave the freeze section's real-time priority. */
static void
priv_frz_prio(int on)
{
	struct sched_param	sp;

	if (on == pf.rt || (on && (pf.rt_failed || geteuid() != 0)))
		return;
	memset(&sp, 0, sizeof sp);
	sp.sched_priority = on ? 1 : 0;
	if (sched_setscheduler(0, (on ? SCHED_FIFO : SCHED_OTHER) |
	    SCHED_RESET_ON_FORK, &sp) == -1) {
		if (on) {
			log_warn("priv: SCHED_FIFO for freezes");
			pf.rt_failed = 1;
		}
		return;
	}
	pf.rt = on;
}

/* Nothing stopped W's job: kill it and say so. */
static void
priv_frz_kill(struct priv_frz *w, int err)
{
	char	msg[256];

	if (jobctl_kill(w->pid) == -1 && errno != ESRCH)
		log_warn("priv: kill %ld", (long)w->pid);
	snprintf(msg, sizeof msg, "nothing could stop the job (%s): killed",
	    strerror(err));
	w->reply(w->reqid, err, msg, NULL, 0);
}

/* Check W: 0 once it is done (replied), 1 while it is not. */
static int
priv_frz_check(struct priv_frz *w, int64_t now)
{
	if (jobctl_frozen(w->pid)) {
		w->reply(w->reqid, 0, NULL, jobctl_freeze_how(w->pid),
		    (clock_mono_us() - w->t0_us) / 1000.0);
		return 0;
	}
	if (now - w->rung_us < PRIV_FRZ_GRACE_MS * 1000)
		return 1;
	if (jobctl_freeze_escalate(w->pid) == -1) {
		priv_frz_kill(w, errno);
		return 0;
	}
	w->rung_us = now;
	log_warnx("priv: job %ld not stopped after %d ms, escalated to %s",
	    (long)w->pid, PRIV_FRZ_GRACE_MS, jobctl_freeze_how(w->pid));
	return 1;
}

static void
priv_frz_tick(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	tv = { 0, PRIV_FRZ_CHECK_MS * 1000 };
	int64_t		now = clock_mono_us();
	size_t		i = 0;

	while (i < pf.n) {
		if (priv_frz_check(&pf.w[i], now))
			i++;
		else
			pf.w[i] = pf.w[--pf.n];
	}
	if (pf.n > 0)
		evtimer_add(pf.ev, &tv);
	else
		priv_frz_prio(0);
}

/* Freeze job PID for REQID; see priv.h. */
void
priv_frz_start(struct event_base *base, uint32_t reqid, pid_t pid,
    priv_frz_reply_fn reply)
{
	struct priv_frz	w;
	char		msg[256];

	priv_frz_prio(1);
	memset(&w, 0, sizeof w);
	w.reqid = reqid;
	w.pid = pid;
	w.t0_us = w.rung_us = clock_mono_us();
	w.reply = reply;
	if (jobctl_freeze(pid) == -1) {
		if (errno == EAGAIN || errno == ESRCH) {
			/* Before its exec (frozen at its start), or gone. */
			snprintf(msg, sizeof msg, "freeze %ld: %s", (long)pid,
			    strerror(errno));
			reply(reqid, errno, msg, NULL, 0);
		} else
			priv_frz_kill(&w, errno);
		if (pf.n == 0)
			priv_frz_prio(0);
		return;
	}
	if (pf.ev == NULL && (pf.ev = evtimer_new(base, priv_frz_tick,
	    NULL)) == NULL)
		fatalx("priv: evtimer_new");
	pf.w = xreallocarray(pf.w, pf.n + 1, sizeof *pf.w);
	pf.w[pf.n++] = w;
	/* The first check once the other requests that came are served. */
	event_active(pf.ev, EV_TIMEOUT, 0);
}

/* PID is thawed or gone: its freeze is no longer checked (no reply). */
void
priv_frz_forget(pid_t pid)
{
	size_t	i = 0;

	while (i < pf.n) {
		if (pf.w[i].pid == pid) {
			pf.w[i].reply(pf.w[i].reqid, ECANCELED,
			    "freeze: thawed or gone first", NULL, 0);
			pf.w[i] = pf.w[--pf.n];
		} else
			i++;
	}
}
