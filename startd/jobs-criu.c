/*
 * jobs-criu.c: transparent checkpoints (CRIU) of the agent's jobs, the
 * job-level layer over criu.c.  A job whose submit file says `checkpoint
 * = criu`, with files that travel (a sandbox), on an agent where CRIU
 * works (st->criu), is started as the init of its own pid namespace.
 *
 * Vacate (owner back, cq vacate, agent shutdown): jobs.c asks
 * jobs_criu_vacate() first; it starts a dump of the job's tree into
 * SANDBOX/.cq-criu without waiting.  The leader's exit (SIGKILL, from
 * criu) is held by jobs_criu_leader(); criu's own exit comes to
 * jobs_criu_done().  Once both are in and the image is complete, the run
 * ends evicted with a checkpoint whose files are the whole sandbox (the
 * image and the open files at their dumped sizes): kind "checkpoint",
 * versioned in the spool like a cooperative one, with `criu: true` in
 * the exit report so the scheduler marks the checkpoint as a CRIU image.
 * A dump that fails leaves the job as it was: the event log says so
 * (checkpoint-failed) and the job takes its cooperative path (its
 * checkpoint signal) if it has one, else it is killed and restarts from
 * its last checkpoint or its start.  A criu job on an agent without CRIU
 * gets that same treatment, told once.
 *
 * Start: jobs_run() asks jobs_criu_restore() before spawning; if the
 * sandbox laid out from the latest checkpoint holds an image, criu
 * restores it (sandbox paths are the same on every agent: sandbox.c) and
 * jobs_criu_done() adopts the restored tree as the job.  A restore that
 * fails is logged and told (restore-failed), and the job starts afresh.
 * An owner back or a cq vacate during the restore is acted on once the
 * tree is adopted (jobs_restored): it may be dumped again at once.
 *
 * Events for the scheduler travel as `notes` ([event, detail] pairs) in
 * the next started or exited report.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentmsg.h"
#include "clock.h"
#include "jobdesc.h"
#include "jobs-int.h"
#include "log.h"
#include "owner.h"
#include "privc.h"
#include "sandbox.h"
#include "startd.h"
#include "xfer.h"
#include "xmalloc.h"

#define JOBS_CRIU_DIR	".cq-criu"

static int
jobs_criu_asked(const struct ajob *j)
{
	return j->sb != NULL && j->desc != NULL && j->desc->checkpoint != NULL &&
	    strcmp(j->desc->checkpoint, "criu") == 0;
}

int
jobs_criu_want(const struct ajob *j)
{
	return st->criu && jobs_criu_asked(j);
}

void
jobs_criu_note(struct ajob *j, const char *event, const char *detail)
{
	log_info("job %s run %u: %s: %s", j->id, j->run, event, detail);
	if (j->notes == NULL)
		j->notes = xcalloc(AGENTMSG_MAX_NOTES, sizeof *j->notes);
	if (agentmsg_note_add(j->notes, &j->nnotes, event, detail) == -1)
		log_warnx("job %s run %u: more than %d events for one report: "
		    "%s not told to the scheduler", j->id, j->run,
		    AGENTMSG_MAX_NOTES, event);
}

/* J's events into NOTES (*N of them), for its next report. */
void
jobs_criu_notes_out(struct ajob *j, struct agentmsg_note *notes, size_t *n)
{
	*n = 0;
	if (j->notes == NULL)
		return;
	memcpy(notes, j->notes, j->nnotes * sizeof *notes);
	*n = j->nnotes;
	free(j->notes);
	j->notes = NULL;
	j->nnotes = 0;
}

static char *
jobs_criu_imgdir(const struct ajob *j)
{
	char	*p;

	xasprintf(&p, "%s/%s", sandbox_path(j->sb), JOBS_CRIU_DIR);
	return p;
}

/* What a job does when it cannot be dumped: its own path, or a kill. */
static const char *
jobs_criu_fallback(const struct ajob *j)
{
	return j->desc->checkpoint_exit_code >= 0 ?
	    "the job's own checkpoint signal instead" :
	    "the job is killed and restarts from its last checkpoint or "
	    "its start";
}

int
jobs_criu_vacate(struct ajob *j)
{
	char	 detail[700], *img;

	if (j->dumping)
		return 1;
	if (!jobs_criu_asked(j) || j->exited || j->pid <= 0)
		return 0;
	if (!j->pidns) {
		if (!j->criu_said) {
			snprintf(detail, sizeof detail, "no CRIU on agent %s: "
			    "%s", st->name, jobs_criu_fallback(j));
			jobs_criu_note(j, "checkpoint-failed", detail);
			j->criu_said = 1;
		}
		return 0;
	}
	/* The image it was restored from. */
	(void)sandbox_remove(j->sb, JOBS_CRIU_DIR);
	img = jobs_criu_imgdir(j);
	j->copid = privc_criu_dump(j->pid, img, j->id, j->run);
	free(img);
	if (j->copid == 0) {
		snprintf(detail, sizeof detail, "CRIU dump: the agent's parent "
		    "is gone: %s", jobs_criu_fallback(j));
		jobs_criu_note(j, "checkpoint-failed", detail);
		return 0;
	}
	j->dumping = 1;
	j->leader_gone = 0;
	log_info("job %s run %u: dumping with CRIU", j->id, j->run);
	return 1;
}

int
jobs_criu_leader(struct ajob *j, const struct jobctl_result *res)
{
	/* After a complete image the leader's exit is the run's end. */
	if (!j->dumping)
		return 0;
	j->res = *res;
	j->leader_gone = 1;
	return 1;
}

/* The dump of J failed with ERR; the job is as it was (or dead). */
static void
jobs_criu_dump_failed(struct ajob *j, const char *err)
{
	char	detail[700];

	snprintf(detail, sizeof detail, "CRIU dump: %s: %s", err,
	    jobs_criu_fallback(j));
	jobs_criu_note(j, "checkpoint-failed", detail);
	if (j->leader_gone) {
		/* It ended on its own meanwhile. */
		jobs_ended(j, &j->res);
		return;
	}
	if (j->desc->checkpoint_exit_code >= 0) {
		privc_thaw(j->pid);
		if (privc_signal(j->pid, j->kill_sig) == -1)
			log_warn("job %s: checkpoint signal", j->id);
		j->kill_at = clock_mono_ms() + owner_policy()->max_vacate_ms;
	} else if (privc_kill(j->pid) == -1)
		log_warn("job %s: kill", j->id);
}

/* A restore that could not run (ERR): the job starts afresh. */
static void
jobs_criu_restore_failed(struct ajob *j, const char *err)
{
	char	detail[700];

	snprintf(detail, sizeof detail, "CRIU restore on agent %s: %s: the "
	    "job starts afresh", st->name, err);
	jobs_criu_note(j, "restore-failed", detail);
	(void)sandbox_remove(j->sb, JOBS_CRIU_DIR);
	jobs_spawn_now(j);
}

void
jobs_criu_failed(struct ajob *j, const char *err)
{
	j->copid = 0;
	if (j->dumping) {
		j->dumping = 0;
		jobs_criu_dump_failed(j, err);
	} else
		jobs_criu_restore_failed(j, err);
}

void
jobs_criu_done(struct ajob *j, int ok, pid_t pid, const char *err)
{
	struct jobctl_result leader;
	char		 detail[700];

	j->copid = 0;
	if (j->dumping) {
		j->dumping = 0;
		if (!ok) {
			jobs_criu_dump_failed(j, err);
			return;
		}
		log_info("job %s run %u: CRIU image complete", j->id, j->run);
		j->criu_ckpt = 1;
		snprintf(detail, sizeof detail, "CRIU image of the job's "
		    "processes on agent %s", st->name);
		jobs_criu_note(j, "criu-dump", detail);
		if (j->leader_gone) {
			leader = j->res;
			jobs_ended(j, &leader);
		}
		/* else jobs_reap() reaps the leader killed by criu next. */
		return;
	}
	/* A restore. */
	if (!ok) {
		snprintf(detail, sizeof detail, "CRIU restore on agent %s: "
		    "%s: the job starts afresh", st->name, err);
		jobs_criu_note(j, "restore-failed", detail);
		jobs_spawn_now(j);
		return;
	}
	j->pid = pid;
	j->pidns = 1;
	j->started = clock_mono_ms();
	snprintf(detail, sizeof detail, "from its CRIU image on agent %s",
	    st->name);
	jobs_criu_note(j, "criu-restore", detail);
	log_info("job %s run %u: restored by CRIU, pid %ld on slot %d", j->id,
	    j->run, (long)pid, j->slot);
	jobs_restored(j);
}

int
jobs_criu_restore(struct ajob *j)
{
	char		 detail[700], *img;

	if (j->sb == NULL)
		return 0;
	/* The sandbox is the job's user's: the parent looks. */
	if (!sandbox_has_file(j->sb, JOBS_CRIU_DIR "/inventory.img"))
		return 0;
	img = jobs_criu_imgdir(j);
	if (!st->criu) {
		snprintf(detail, sizeof detail, "its checkpoint is a CRIU image "
		    "and agent %s has no CRIU: the job starts afresh",
		    st->name);
		jobs_criu_note(j, "restore-failed", detail);
		(void)sandbox_remove(j->sb, JOBS_CRIU_DIR);
		free(img);
		return 0;
	}
	j->copid = privc_criu_restore(img, j->id, j->run);
	if (j->copid == 0) {
		snprintf(detail, sizeof detail, "CRIU restore on agent %s: "
		    "the agent's parent is gone: the job starts afresh",
		    st->name);
		jobs_criu_note(j, "restore-failed", detail);
		(void)sandbox_remove(j->sb, JOBS_CRIU_DIR);
		free(img);
		return 0;
	}
	free(img);
	j->started = clock_mono_ms();
	log_info("job %s run %u: restoring with CRIU", j->id, j->run);
	return 1;
}

void
jobs_criu_free(struct ajob *j)
{
	if (j->copid != 0) {
		privc_criu_abort(j->copid);
		j->copid = 0;
	}
	j->dumping = 0;
	free(j->notes);
	j->notes = NULL;
	j->nnotes = 0;
}
