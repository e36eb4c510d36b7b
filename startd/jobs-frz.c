/*
 * jobs-frz.c: the owner's return, the network child's side.  jobs_eval()
 * hands every job the policy suspends, all at once, to jobs_freeze()
 * before it logs, tells the scheduler or evaluates anything else; the
 * freeze requests go to the root parent together, and it serves them
 * ahead of any queued spawn (priv-frz.c: the freeze ladder, checked until
 * the job is seen stopped, escalated, or killed when nothing stops it).
 * Only when the parent's answer comes (jobs_frz_result()) is the
 * suspension logged and the slot's move told to the scheduler
 * (jobs_frz_settled()), so a scheduler that shows a slot SUSPENDED never
 * has a job on it that still runs; a job the parent had to kill is
 * reported as evicted with the reason.  Nothing here waits.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "jobs-int.h"
#include "log.h"
#include "privc.h"

/*
 * Freeze the N jobs of JS now, the owner's activity having been seen at
 * T0_US (mono us), before anything else; see the top of this file.
 */
void
jobs_freeze(struct ajob **js, size_t n, int64_t t0_us)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		js[i]->frz_t0_us = t0_us;
		js[i]->freezing = privc_freeze(js[i]->pid) == 0;
		if (!js[i]->freezing)
			log_warn("job %s run %u: freeze request", js[i]->id,
			    js[i]->run);
	}
}

/* The parent's answer to the freeze of job PID; see privc.h. */
void
jobs_frz_result(pid_t pid, int errnum, const char *err, const char *how,
    double ms)
{
	struct ajob	**all, *j = NULL;
	size_t		  n, i;

	all = jobs_all(&n);
	for (i = 0; i < n && j == NULL; i++)
		if (all[i]->pid == pid && all[i]->freezing && !all[i]->exited)
			j = all[i];
	if (j == NULL)
		return;		/* thawed, vacated or gone meanwhile */
	j->freezing = 0;
	if (err == NULL)
		log_info("job %s run %u: suspended (%s), stopped %.2f ms "
		    "after the agent saw the owner's activity (%.2f ms in "
		    "the parent)", j->id, j->run, how,
		    (clock_mono_us() - j->frz_t0_us) / 1000.0, ms);
	else if (errnum == EAGAIN || errnum == ESRCH || errnum == ECANCELED)
		log_debug("job %s run %u: %s", j->id, j->run, err);
	else {
		j->unstoppable = 1;
		log_warnx("job %s run %u: the owner is back and %s", j->id,
		    j->run, err);
	}
	jobs_frz_settled(j);
}

/* J is thawed, vacated or gone: no freeze of it to wait for any more. */
void
jobs_frz_forget(struct ajob *j)
{
	j->freezing = 0;
	j->frz_report = 0;
}

void
jobs_frz_shutdown(void)
{
}
