/*
 * test_job.c: unit tests of the job state machine and job ids
 * (scheduler/job.c).  Plain C: no loop, no store.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "job.h"

static const enum job_state all_states[] = {
	JOB_IDLE, JOB_RUNNING, JOB_REMOVED, JOB_COMPLETED, JOB_HELD,
	JOB_TRANSFERRING_OUTPUT, JOB_SUSPENDED
};
#define NSTATES	(sizeof all_states / sizeof all_states[0])

Test(job, state_names_and_letters)
{
	static const struct {
		enum job_state	 s;
		const char	*name, *letter;
	} cases[] = {
		{ JOB_IDLE, "IDLE", "I" },
		{ JOB_RUNNING, "RUNNING", "R" },
		{ JOB_REMOVED, "REMOVED", "X" },
		{ JOB_COMPLETED, "COMPLETED", "C" },
		{ JOB_HELD, "HELD", "H" },
		{ JOB_TRANSFERRING_OUTPUT, "TRANSFERRING_OUTPUT", ">" },
		{ JOB_SUSPENDED, "SUSPENDED", "S" },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_str_eq(job_state_str(cases[i].s), cases[i].name);
		cr_assert_str_eq(job_state_letter(cases[i].s),
		    cases[i].letter);
	}
	/* Out of range values never index past the tables. */
	cr_assert_str_eq(job_state_str((enum job_state)0), "UNKNOWN");
	cr_assert_str_eq(job_state_str((enum job_state)8), "UNKNOWN");
	cr_assert_str_eq(job_state_str((enum job_state)-1), "UNKNOWN");
	cr_assert_str_eq(job_state_letter((enum job_state)0), "?");
	cr_assert_str_eq(job_state_letter((enum job_state)99), "?");
}

Test(job, legal_moves)
{
	cr_assert_eq(job_state_allowed(JOB_IDLE, JOB_RUNNING), 1);
	cr_assert_eq(job_state_allowed(JOB_IDLE, JOB_REMOVED), 1);
	cr_assert_eq(job_state_allowed(JOB_IDLE, JOB_HELD), 1);
	cr_assert_eq(job_state_allowed(JOB_RUNNING, JOB_IDLE), 1);
	cr_assert_eq(job_state_allowed(JOB_RUNNING, JOB_COMPLETED), 1);
	cr_assert_eq(job_state_allowed(JOB_RUNNING, JOB_REMOVED), 1);
	cr_assert_eq(job_state_allowed(JOB_HELD, JOB_IDLE), 1);
	cr_assert_eq(job_state_allowed(JOB_SUSPENDED, JOB_RUNNING), 1);
	cr_assert_eq(job_state_allowed(JOB_TRANSFERRING_OUTPUT,
	    JOB_COMPLETED), 1);
}

Test(job, illegal_moves)
{
	size_t	i;

	cr_assert_eq(job_state_allowed(JOB_IDLE, JOB_COMPLETED), 0);
	cr_assert_eq(job_state_allowed(JOB_IDLE, JOB_SUSPENDED), 0);
	cr_assert_eq(job_state_allowed(JOB_HELD, JOB_RUNNING), 0);
	cr_assert_eq(job_state_allowed(JOB_HELD, JOB_COMPLETED), 0);
	/* Terminal states go nowhere, not even to themselves. */
	for (i = 0; i < NSTATES; i++) {
		cr_assert_eq(job_state_allowed(JOB_COMPLETED, all_states[i]),
		    0, "COMPLETED -> %s", job_state_str(all_states[i]));
		cr_assert_eq(job_state_allowed(JOB_REMOVED, all_states[i]),
		    0, "REMOVED -> %s", job_state_str(all_states[i]));
		cr_assert_eq(job_state_allowed(all_states[i], all_states[i]),
		    0, "%s -> itself", job_state_str(all_states[i]));
	}
	/* Unknown states are refused both ways. */
	cr_assert_eq(job_state_allowed((enum job_state)0, JOB_IDLE), 0);
	cr_assert_eq(job_state_allowed(JOB_IDLE, (enum job_state)0), 0);
	cr_assert_eq(job_state_allowed((enum job_state)8, JOB_IDLE), 0);
	cr_assert_eq(job_state_allowed(JOB_RUNNING, (enum job_state)8), 0);
	cr_assert_eq(job_state_allowed((enum job_state)1000, JOB_IDLE), 0);
}

Test(job, terminal)
{
	size_t	i;

	for (i = 0; i < NSTATES; i++)
		cr_assert_eq(job_state_terminal(all_states[i]),
		    all_states[i] == JOB_REMOVED ||
		    all_states[i] == JOB_COMPLETED, "%s",
		    job_state_str(all_states[i]));
}

Test(job, set_state)
{
	struct job	*j = job_new();

	cr_assert_eq(j->exit_code, -1);
	cr_assert_null(j->owner);
	j->cluster = 12;
	j->state = JOB_IDLE;

	cr_assert_eq(job_set_state(j, JOB_COMPLETED), -1);
	cr_assert_eq(j->state, JOB_IDLE);
	cr_assert_eq(job_set_state(j, JOB_RUNNING), 0);
	cr_assert_eq(j->state, JOB_RUNNING);
	cr_assert_eq(job_set_state(j, JOB_IDLE), 0);
	cr_assert_eq(j->state, JOB_IDLE);
	cr_assert_eq(job_set_state(j, JOB_RUNNING), 0);
	cr_assert_eq(job_set_state(j, JOB_COMPLETED), 0);
	cr_assert_eq(j->state, JOB_COMPLETED);
	cr_assert_eq(job_set_state(j, JOB_IDLE), -1);
	cr_assert_eq(j->state, JOB_COMPLETED);
	cr_assert_eq(job_set_state(j, JOB_REMOVED), -1);
	cr_assert_eq(j->state, JOB_COMPLETED);
	cr_assert_eq(job_set_state(j, (enum job_state)42), -1);
	cr_assert_eq(j->state, JOB_COMPLETED);
	job_free(j);
	job_free(NULL);
}

Test(job, set_state_from_zeroed_job)
{
	struct job	*j = job_new();

	/* A job that was never given a state cannot be moved. */
	cr_assert_eq(job_set_state(j, JOB_RUNNING), -1);
	cr_assert_eq((int)j->state, 0);
	job_free(j);
}

static void
id_ok(const char *s, uint32_t wantc, int64_t wantp)
{
	uint32_t	c = 0;
	int64_t		p = -2;

	cr_assert_eq(job_id_parse(s, &c, &p), 0, "<%s> refused", s);
	cr_assert_eq(c, wantc, "<%s>", s);
	cr_assert_eq(p, wantp, "<%s>", s);
}

static void
id_bad(const char *s)
{
	uint32_t	c = 0;
	int64_t		p = -2;

	cr_assert_eq(job_id_parse(s, &c, &p), -1, "<%s> accepted as %u.%lld",
	    s, c, (long long)p);
}

Test(job, id_parse)
{
	id_ok("12", 12, -1);
	id_ok("12.3", 12, 3);
	id_ok("12.0", 12, 0);
	id_ok("1", 1, -1);
	id_ok("4294967295", 4294967295u, -1);
	id_ok("7.4294967295", 7, 4294967295LL);

	id_bad("0");
	id_bad("0.1");
	id_bad("12.");
	id_bad("x");
	id_bad("12x");
	id_bad("12.3.4");
	id_bad("12.x");
	id_bad("4294967296");
	id_bad("12.4294967296");
	id_bad("");
	id_bad(".3");
	id_bad("-1");
	id_bad("12.-1");
	id_bad("99999999999999999999");
}

/* HTCondor's hold codes for the scheduler's own hold reasons. */
Test(job, hold_code)
{
	cr_assert_eq(job_hold_code("via cq hold (by user alice)"), 1);
	cr_assert_eq(job_hold_code("Job has gone over cgroup memory limit of "
	    "50 megabytes. Peak usage: 50 megabytes."), 34);
	cr_assert_eq(job_hold_code("could not start: exec: No such file"), 0);
	cr_assert_eq(job_hold_code("the job said: Job has gone over cgroup "
	    "memory limit of 1 megabytes"), 0);
	cr_assert_eq(job_hold_code(NULL), 0);
}
