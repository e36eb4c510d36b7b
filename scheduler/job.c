/*
 * job.c: the job state machine.  The transition table below is the one
 * place that says which moves are legal; queue.c calls job_set_state(),
 * the only writer of job->state, which refuses anything else.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "autocluster.h"
#include "clock.h"
#include "job.h"
#include "jobend.h"
#include "log.h"
#include "xmalloc.h"

static const char *job_state_names[] = {
	[JOB_IDLE] = "IDLE",
	[JOB_RUNNING] = "RUNNING",
	[JOB_REMOVED] = "REMOVED",
	[JOB_COMPLETED] = "COMPLETED",
	[JOB_HELD] = "HELD",
	[JOB_TRANSFERRING_OUTPUT] = "TRANSFERRING_OUTPUT",
	[JOB_SUSPENDED] = "SUSPENDED",
};

static const char *job_state_letters[] = {
	[JOB_IDLE] = "I",
	[JOB_RUNNING] = "R",
	[JOB_REMOVED] = "X",
	[JOB_COMPLETED] = "C",
	[JOB_HELD] = "H",
	[JOB_TRANSFERRING_OUTPUT] = ">",
	[JOB_SUSPENDED] = "S",
};

/* allowed[from][to] */
static const unsigned char job_allowed[8][8] = {
	[JOB_IDLE] = {
		[JOB_RUNNING] = 1, [JOB_REMOVED] = 1, [JOB_HELD] = 1 },
	[JOB_RUNNING] = {
		[JOB_IDLE] = 1, [JOB_REMOVED] = 1, [JOB_COMPLETED] = 1,
		[JOB_HELD] = 1, [JOB_TRANSFERRING_OUTPUT] = 1,
		[JOB_SUSPENDED] = 1 },
	[JOB_SUSPENDED] = {
		[JOB_RUNNING] = 1, [JOB_IDLE] = 1, [JOB_REMOVED] = 1,
		[JOB_HELD] = 1, [JOB_COMPLETED] = 1 },
	[JOB_TRANSFERRING_OUTPUT] = {
		[JOB_COMPLETED] = 1, [JOB_IDLE] = 1, [JOB_REMOVED] = 1,
		[JOB_HELD] = 1 },
	[JOB_HELD] = { [JOB_IDLE] = 1, [JOB_REMOVED] = 1 },
	[JOB_REMOVED] = { 0 },
	[JOB_COMPLETED] = { 0 },
};

static int
job_state_valid(enum job_state s)
{
	return s >= JOB_IDLE && s <= JOB_SUSPENDED;
}

const char *
job_state_str(enum job_state s)
{
	return job_state_valid(s) ? job_state_names[s] : "UNKNOWN";
}

const char *
job_state_letter(enum job_state s)
{
	return job_state_valid(s) ? job_state_letters[s] : "?";
}

int
job_state_allowed(enum job_state from, enum job_state to)
{
	if (!job_state_valid(from) || !job_state_valid(to))
		return 0;
	return job_allowed[from][to];
}

int64_t
job_run_time_ms(const struct job *j, int64_t now)
{
	int64_t	ms = j->goodput_ms + j->badput_ms, from;

	/* The current run since its start or last checkpoint (both counted). */
	if (j->state == JOB_RUNNING || j->state == JOB_SUSPENDED ||
	    j->state == JOB_TRANSFERRING_OUTPUT) {
		from = j->started > j->ckpt_time ? j->started : j->ckpt_time;
		if (from > 0 && now > from)
			ms += now - from;
	}
	return ms;
}

int
job_state_terminal(enum job_state s)
{
	return s == JOB_REMOVED || s == JOB_COMPLETED;
}

int
job_set_state(struct job *j, enum job_state to)
{
	if (!job_state_allowed(j->state, to)) {
		log_warnx("job %u.%u: refused transition %s -> %s",
		    j->cluster, j->proc, job_state_str(j->state),
		    job_state_str(to));
		return -1;
	}
	log_debug("job %u.%u: %s -> %s", j->cluster, j->proc,
	    job_state_str(j->state), job_state_str(to));
	j->state = to;
	j->entered = clock_now_ms();
	return 0;
}

void
job_state_restore(struct job *j, enum job_state was)
{
	if (j->state == was)
		return;
	log_info("job %u.%u: %s -> %s (its change was rolled back)",
	    j->cluster, j->proc, job_state_str(j->state),
	    job_state_str(was));
	j->state = was;
}

int
job_id_parse(const char *s, uint32_t *cluster, int64_t *proc)
{
	const char	*dot, *errstr;
	char		 buf[16];
	size_t		 n;

	dot = strchr(s, '.');
	n = dot ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*cluster = (uint32_t)strtonum(buf, 1, UINT32_MAX, &errstr);
	if (errstr != NULL)
		return -1;
	if (dot == NULL) {
		*proc = -1;
		return 0;
	}
	*proc = strtonum(dot + 1, 0, UINT32_MAX, &errstr);
	if (errstr != NULL)
		return -1;
	return 0;
}

struct job *
job_new(void)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	j->exit_code = -1;
	j->runtime_s = -1;
	return j;
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->owner);
	free(j->cmd);
	free(j->ad);
	free(j->machine);
	free(j->hold_reason);
	free(j->requirements);
	free(j->rank);
	autocluster_forget(j);
	jobend_policy_free(j->policy);
	free(j->submitter);
	free(j->limits);
	free(j);
}

int
job_hold_code(const char *reason)
{
	if (reason == NULL)
		return 0;
	if (strncmp(reason, "via cq hold", 11) == 0 ||
	    strstr(reason, "(by user ") != NULL)
		return JOBEND_HOLD_USER;
	if (strncmp(reason, JOB_HOLD_MEMORY, strlen(JOB_HOLD_MEMORY)) == 0)
		return JOBEND_HOLD_RESOURCES;
	return 0;
}
