/*
 * priv-run.c: the root parent's table of runs, what it knows of each job
 * it was asked to run and checks every request against.  A run (a job id
 * and a run number) comes in when the network child asks for its
 * sandbox (priv-sbx.c) or, for a job without one, for its spawn; the
 * parent decides then, once, whom it runs as (jobuser_pick() from the
 * owner, the scheduler's uid and the slot) and never takes a uid from
 * the child later.  The run holds its sandbox (number, directory
 * descriptor, path), its process group while one lives (the job's init,
 * or the criu restoring it: the parent's own child, so its pid cannot be
 * reused before the parent reaps it; jobctl keys the job's cgroups by
 * it) and a state with one setter.  It goes when nothing of it is left:
 * its process reaped and its sandbox closed.  Invariants: one run per
 * job id and run number; one live process group per run; one run with
 * a live process per slot; no two runs share a sandbox path; at most
 * PRIV_RUN_MAX runs (a child taken over cannot make the parent hold
 * descriptors without end).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobuser.h"
#include "log.h"
#include "priv.h"
#include "startd.h"
#include "xmalloc.h"

#define PRIV_RUN_RECENT	64	/* recent process ends remembered */
#define PRIV_RUN_MAX	4096	/* runs known at once (sandboxes open) */

static struct {
	struct priv_run	**runs;
	size_t		  nruns;
	pid_t		  ended[PRIV_RUN_RECENT];	/* ring */
	size_t		  nended;
} pr;

const char *
priv_run_state_str(enum priv_run_state s)
{
	switch (s) {
	case PRIV_RUN_READY:
		return "ready";
	case PRIV_RUN_STARTING:
		return "starting";
	case PRIV_RUN_RUNNING:
		return "running";
	case PRIV_RUN_RESTORING:
		return "restoring";
	case PRIV_RUN_ENDED:
		return "ended";
	}
	return "?";
}

/* 1 if run R has a process group alive, or about to be. */
int
priv_run_live(const struct priv_run *r)
{
	return r->state == PRIV_RUN_STARTING || r->state == PRIV_RUN_RUNNING ||
	    r->state == PRIV_RUN_RESTORING;
}

/*
 * The one writer of a run's state.  Allowed: ready to starting (a spawn
 * queued) or restoring; starting back to ready (the spawn failed) or to
 * running; restoring to running (restored), or back to ready (failed,
 * aborted: the child may spawn it afresh); running to ended; ended to
 * starting or restoring again (a job that checkpointed itself restarts
 * in the same run and sandbox).
 */
void
priv_run_set_state(struct priv_run *r, enum priv_run_state to)
{
	static const int	ok[5][5] = {
		/* to:	 ready starting running restoring ended */
		[PRIV_RUN_READY] =	{ 0, 1, 0, 1, 0 },
		[PRIV_RUN_STARTING] =	{ 1, 0, 1, 0, 0 },
		[PRIV_RUN_RUNNING] =	{ 0, 0, 0, 0, 1 },
		[PRIV_RUN_RESTORING] =	{ 1, 0, 1, 0, 1 },
		[PRIV_RUN_ENDED] =	{ 0, 1, 0, 1, 0 },
	};

	if (!ok[r->state][to])
		fatalx("priv: job %s run %u: %s -> %s", r->job, r->run,
		    priv_run_state_str(r->state), priv_run_state_str(to));
	log_debug("priv: job %s run %u: %s -> %s", r->job, r->run,
	    priv_run_state_str(r->state), priv_run_state_str(to));
	if (to == PRIV_RUN_ENDED || to == PRIV_RUN_READY) {
		if (r->pid > 0)
			pr.ended[pr.nended++ % PRIV_RUN_RECENT] = r->pid;
		r->pid = 0;
	}
	r->state = to;
}

struct priv_run *
priv_run_new(const char *job, uint32_t run, int slot, const char *owner,
    long long sched_uid, char *err, size_t errlen)
{
	struct priv_run	*r;
	struct jobuser	 ju;

	if (*job == '\0' || strlen(job) >= PRIV_JOB_MAX ||
	    strchr(job, '/') != NULL || strcmp(job, ".") == 0 ||
	    strcmp(job, "..") == 0) {
		snprintf(err, errlen, "bad job id");
		errno = EINVAL;
		return NULL;
	}
	if (slot < 1 || slot > st->nslots) {
		snprintf(err, errlen, "no slot %d here", slot);
		errno = EINVAL;
		return NULL;
	}
	if (pr.nruns >= PRIV_RUN_MAX) {
		snprintf(err, errlen, "%d runs known already: no more",
		    PRIV_RUN_MAX);
		errno = EMFILE;
		return NULL;
	}
	if (priv_run_find(job, run) != NULL) {
		snprintf(err, errlen, "job %s run %u is known already", job,
		    run);
		errno = EEXIST;
		return NULL;
	}
	if (jobuser_pick(owner, sched_uid, slot, &ju, err, errlen) == -1) {
		errno = EPERM;
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	strlcpy(r->job, job, sizeof r->job);
	r->run = run;
	r->slot = slot;
	r->owner = xstrdup(owner);
	r->sched_uid = sched_uid;
	r->uid = ju.switch_user ? ju.uid : (uid_t)-1;
	r->gid = ju.switch_user ? ju.gid : (gid_t)-1;
	r->sbx = -1;
	r->dirfd = -1;
	r->state = PRIV_RUN_READY;
	r->ju = ju;		/* its groups: the run's now */
	pr.runs = xreallocarray(pr.runs, pr.nruns + 1, sizeof *pr.runs);
	pr.runs[pr.nruns++] = r;
	log_debug("priv: job %s run %u on slot %d: known (uid %ld)", r->job,
	    r->run, r->slot, r->uid == (uid_t)-1 ? -1L : (long)r->uid);
	return r;
}

void
priv_run_drop(struct priv_run *r)
{
	size_t	i;

	if (r == NULL || r->sbx != -1 || priv_run_live(r))
		return;
	for (i = 0; i < pr.nruns; i++)
		if (pr.runs[i] == r) {
			pr.runs[i] = pr.runs[--pr.nruns];
			break;
		}
	log_debug("priv: job %s run %u: forgotten", r->job, r->run);
	jobuser_clear(&r->ju);
	free(r->owner);
	free(r->path);
	free(r);
}

struct priv_run *
priv_run_find(const char *job, uint32_t run)
{
	size_t	i;

	for (i = 0; i < pr.nruns; i++)
		if (pr.runs[i]->run == run && strcmp(pr.runs[i]->job, job) == 0)
			return pr.runs[i];
	return NULL;
}

struct priv_run *
priv_run_pid(pid_t pid)
{
	size_t	i;

	for (i = 0; i < pr.nruns && pid > 0; i++)
		if (pr.runs[i]->pid == pid && priv_run_live(pr.runs[i]))
			return pr.runs[i];
	return NULL;
}

/* The run whose sandbox PATH is, or is in, by its letters; or NULL. */
struct priv_run *
priv_run_path(const char *path)
{
	struct priv_run	*r;
	size_t		 i, n;

	for (i = 0; i < pr.nruns; i++) {
		r = pr.runs[i];
		if (r->path == NULL)
			continue;
		n = strlen(r->path);
		if (strncmp(path, r->path, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return r;
	}
	return NULL;
}

/* The run other than R with a process on SLOT, or NULL. */
struct priv_run *
priv_run_slot(int slot, const struct priv_run *r)
{
	size_t	i;

	for (i = 0; i < pr.nruns; i++)
		if (pr.runs[i] != r && pr.runs[i]->slot == slot &&
		    priv_run_live(pr.runs[i]))
			return pr.runs[i];
	return NULL;
}

int
priv_run_ended(pid_t pid)
{
	size_t	i;

	for (i = 0; i < PRIV_RUN_RECENT; i++)
		if (pr.ended[i] == pid && pid > 0)
			return 1;
	return 0;
}

size_t
priv_run_count(void)
{
	return pr.nruns;
}

struct priv_run *
priv_run_get(size_t i)
{
	return i < pr.nruns ? pr.runs[i] : NULL;
}
