/*
 * test_match.c: two-sided matching (scheduler/match.c) and autoclusters
 * (scheduler/autocluster.c) on a pool in memory: requirements and the
 * clauses added for the requests, the machine's start, both ranks, the
 * idle list's order, and jobs of one shape judged once.
 */
#include "config.h"

#include <stdio.h>

#include <criterion/criterion.h>

#include "pool_fixture.h"

TestSuite(match, .init = pool_setup, .fini = pool_teardown);

Test(match, requirements_that_no_slot_meets_leave_jobs_idle)
{
	struct match_ctx	 mc;
	struct job		*j[5];
	int			 i;

	pool_machine("a", 2, 2, 2048, NULL, NULL);
	j[0] = pool_job("alice", "false", NULL, 1, 0);
	j[1] = pool_job("alice", "Arch == \"SPARC\"", NULL, 1, 0);
	j[2] = pool_job("alice", "TARGET.Memory > 100000", NULL, 1, 0);
	j[3] = pool_job("alice", "broken", NULL, 1, 0);
	j[4] = pool_job("alice", NULL, NULL, 4, 0);	/* too many cpus */
	cr_assert_eq(pool_match(&mc), 0);
	for (i = 0; i < 5; i++)
		cr_assert_eq(j[i]->state, JOB_IDLE, "job %d started", i);
	/* Each shape judged once against the machine (its two slots share
	 * their ad but for Name and SlotID). */
	cr_assert_eq(mc.nclusters, 5);
	cr_assert_eq(mc.njudged, 5);
}

Test(match, requirements_and_requests_choose_the_slot)
{
	struct match_ctx	 mc;
	struct job		*big, *x86, *mem;
	char			 buf[64];

	pool_machine("small", 1, 1, 256, NULL, NULL);
	pool_machine("large", 1, 8, 8192, NULL, NULL);
	big = pool_job("alice", NULL, NULL, 4, 0);
	mem = pool_job("alice", "TARGET.Memory >= 4096", NULL, 1, 0);
	x86 = pool_job("alice", "Arch == \"X86_64\" && OpSys == \"LINUX\"",
	    NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 2);
	cr_assert_str_eq(pool_where(big, buf, sizeof buf), "slot1@large");
	/* mem wanted large too, which big took first: it waits. */
	cr_assert_eq(mem->state, JOB_IDLE);
	cr_assert_str_eq(pool_where(x86, buf, sizeof buf), "slot1@small");
}

Test(match, the_idle_lists_order_is_the_job_order)
{
	struct match_ctx	 mc;
	struct job		*j[4];
	int			 i;

	pool_machine("a", 2, 1, 1024, NULL, NULL);
	for (i = 0; i < 4; i++)
		j[i] = pool_job("alice", NULL, NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 2);
	cr_assert_eq(j[0]->state, JOB_RUNNING);
	cr_assert_eq(j[1]->state, JOB_RUNNING);
	cr_assert_eq(j[2]->state, JOB_IDLE);
	cr_assert_eq(j[3]->state, JOB_IDLE);
	/* Two jobs of one shape: one autocluster, judged once. */
	cr_assert_eq(mc.nclusters, 1);
}

Test(match, job_rank_picks_the_best_slot)
{
	struct match_ctx	 mc;
	struct job		*hi, *lo;
	char			 buf[64];

	pool_machine("m1", 1, 1, 1024, NULL, NULL);
	pool_machine("m2", 1, 1, 4096, NULL, NULL);
	pool_machine("m3", 1, 1, 2048, NULL, NULL);
	hi = pool_job("alice", NULL, "Memory", 1, 0);
	lo = pool_job("alice", NULL, "-Memory", 1, 0);
	cr_assert_eq(pool_match(&mc), 2);
	cr_assert_str_eq(pool_where(hi, buf, sizeof buf), "slot1@m2");
	cr_assert_str_eq(pool_where(lo, buf, sizeof buf), "slot1@m1");
}

Test(match, machine_rank_breaks_a_tie)
{
	struct match_ctx	 mc;
	struct job		*j;
	char			 buf[64];

	pool_machine("plain", 1, 1, 1024, NULL, NULL);
	pool_machine("fond", 1, 1, 1024, NULL,
	    "TARGET.Owner == \"alice\" ? 10 : 0");
	j = pool_job("alice", NULL, NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(j, buf, sizeof buf), "slot1@fond");
}

Test(match, machine_start_refuses_a_users_jobs)
{
	struct match_ctx	 mc;
	struct job		*a, *b;
	char			 buf[64];

	pool_machine("desk", 1, 1, 1024, "TARGET.Owner != \"alice\"", NULL);
	a = pool_job("alice", NULL, NULL, 1, 0);
	b = pool_job("bob", NULL, NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_eq(a->state, JOB_IDLE);
	cr_assert_str_eq(pool_where(b, buf, sizeof buf), "slot1@desk");
	/* Owner is significant: alice and bob are two autoclusters. */
	cr_assert_neq(a->ac, b->ac);
}

Test(match, start_sees_the_owners_idle_time)
{
	struct match_ctx	 mc;
	struct machine		*m;
	struct job		*j;

	m = pool_machine("desk", 1, 1, 1024, "KeyboardIdle > 900", NULL);
	j = pool_job("alice", NULL, NULL, 1, 0);
	/* No heartbeat yet: KeyboardIdle undefined, start not true. */
	cr_assert_eq(pool_match(&mc), 0);
	m->hb_mono = 500;
	m->owner_idle_ms = 100 * 1000;
	cr_assert_eq(pool_match(&mc), 0);
	m->owner_idle_ms = 950 * 1000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_eq(j->state, JOB_RUNNING);
}

Test(match, autoclusters_group_jobs_of_one_shape)
{
	struct job	*j;
	int		 i;

	pool_machine("a", 1, 1, 1024, NULL, NULL);
	for (i = 0; i < 300; i++)
		pool_job(i % 2 ? "alice" : "bob",
		    i % 3 == 0 ? "Memory > 100" : NULL, NULL, 1 + i % 2, 0);
	for (i = 0; i < 300; i++)
		autocluster_of(pool_jobs[i], jobad_value);
	/* Shapes: (req or not) x (cpus 1 or 2); Owner is not significant
	 * (no expression names it), and cpus follows the owner here. */
	cr_assert_eq(autocluster_count(), 4, "%zu autoclusters",
	    autocluster_count());
	cr_assert_eq(pool_jobs[0]->ac, pool_jobs[6]->ac);
	cr_assert_neq(pool_jobs[0]->ac, pool_jobs[1]->ac);
	/* A machine naming a job attribute makes it significant. */
	pool_machine("b", 1, 1, 1024, "TARGET.ProcId == 0 || "
	    "TARGET.QDate > 0", NULL);
	for (i = 0; i < 300; i++)
		autocluster_of(pool_jobs[i], jobad_value);
	cr_assert_eq(autocluster_count(), 4);
	/* A custom attribute in the job's own requirements (MY.). */
	j = pool_job("alice", "MY.Project == \"x\"", NULL, 1, 0);
	j->ad = xstrdup("{\"custom\":{\"Project\":\"x\"}}");
	autocluster_of(j, jobad_value);
	cr_assert_eq(autocluster_count(), 5);
}

Test(match, many_jobs_of_few_shapes_cost_shapes_times_slots)
{
	struct match_ctx	mc;
	int			i;

	pool_machine("a", 10, 1, 1024, NULL, NULL);
	for (i = 0; i < 2000; i++)
		pool_job("alice", i % 2 ? "Memory > 4096" : NULL, NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 10);
	/* Each shape judged once: the machine's ten slots share an ad. */
	cr_assert_eq(mc.nclusters, 2);
	cr_assert_eq(mc.njudged, 2);
	cr_assert(TAILQ_EMPTY(&pool_slots.free));
}

Test(match, an_expression_naming_the_slot_judges_each_slot)
{
	struct match_ctx	 mc;
	struct job		*j;
	char			 buf[64];

	pool_machine("a", 4, 1, 1024, NULL, NULL);
	j = pool_job("alice", "SlotID == 3", NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(j, buf, sizeof buf), "slot3@a");
	cr_assert_eq(mc.njudged, 4);
	j = pool_job("alice", "Name == \"slot4@a\"", NULL, 1, 0);
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(j, buf, sizeof buf), "slot4@a");
}
