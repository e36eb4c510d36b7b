/*
 * test_match.c: two-sided matching (scheduler/match.c) and autoclusters
 * (scheduler/autocluster.c) on a pool in memory: requirements and the
 * clauses added for the requests, the machine's start, both ranks, the
 * idle list's order, jobs of one shape judged once, and the owner-aware
 * placement (scheduler/place.c: expected run times, learned ones too,
 * against the desktops' expected owner absences).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "clusters.h"
#include "place.h"
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

/* Owner-aware placement (place.c): three desktops whose owners are
 * likely away for 20 minutes, 70 hours, or who say nothing. */
static struct machine *
place_pool(void)
{
	struct machine	*m;

	place_set_mode(PLACE_OWNER_AWARE);
	autocluster_set_runtime(place_runtime);
	pool_machine("mute", 1, 1, 1024, NULL, NULL);
	m = pool_machine("brief", 1, 1, 1024, NULL, NULL);
	m->has_absence = 1;
	m->owner_absence_s = 1200;
	m = pool_machine("away", 1, 1, 1024, NULL, NULL);
	m->has_absence = 1;
	m->owner_absence_s = 250000;
	return m;
}

Test(match, placement_scores)
{
	struct machine	 m;
	double		 x;

	memset(&m, 0, sizeof m);
	cr_assert_eq(place_score(100, &m), 0, "no absence told");
	m.has_absence = 1;
	m.owner_absence_s = 1000;
	cr_assert_eq(place_score(-1, &m), 0, "no run time");
	/* A fit beats no fit; the smaller fit, the better. */
	cr_assert_gt(place_score(1000, &m), place_score(1001, &m));
	cr_assert_gt(place_score(10, &m), 0);
	m.owner_absence_s = 2000;
	x = place_score(500, &m);
	m.owner_absence_s = 1000;
	cr_assert_lt(x, place_score(500, &m));
	/* No fit: the longer absence, the better. */
	m.owner_absence_s = 100;
	x = place_score(5000, &m);
	m.owner_absence_s = 200;
	cr_assert_lt(x, place_score(5000, &m));
	cr_assert_gt(x, 0);
	cr_assert_str_eq(place_mode_str(PLACE_BLIND), "blind");
}

Test(match, placement_long_jobs_to_long_absences)
{
	struct match_ctx	 mc;
	struct job		*brief, *longer, *huge;
	char			 buf[64];

	place_pool();
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 2);
	/* The short one takes the short absence, not the first slot nor the
	 * long absence, which is left for the long job. */
	cr_assert_str_eq(pool_where(brief, buf, sizeof buf), "slot1@brief");
	cr_assert_str_eq(pool_where(longer, buf, sizeof buf), "slot1@away");
	/* Longer than any absence: the longest left, then the silent. */
	huge = pool_job("alice", NULL, NULL, 1, 0);
	huge->runtime_s = 1000000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(huge, buf, sizeof buf), "slot1@mute");
}

Test(match, placement_no_fit_takes_the_longest)
{
	struct match_ctx	 mc;
	struct job		*j;
	char			 buf[64];

	place_pool();
	j = pool_job("alice", NULL, NULL, 1, 0);
	j->runtime_s = 1000000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(j, buf, sizeof buf), "slot1@away");
}

Test(match, placement_blind_is_the_free_lists_order)
{
	struct match_ctx	 mc;
	struct job		*j;
	char			 buf[64];

	place_pool();
	place_set_mode(PLACE_BLIND);
	j = pool_job("alice", NULL, NULL, 1, 0);
	j->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(j, buf, sizeof buf), "slot1@mute");
	cr_assert_eq(j->ac->runtime_s, -1);
}

Test(match, placement_yields_to_both_ranks)
{
	struct match_ctx	 mc;
	struct job		*a, *b;
	struct machine		*m;
	char			 buf[64];

	place_pool();
	/* The user's rank wins. */
	a = pool_job("alice", NULL, "Machine == \"brief\"", 1, 0);
	a->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(a, buf, sizeof buf), "slot1@brief");
	/* So does the machine's. */
	m = pool_machine("fond", 1, 1, 1024, NULL,
	    "TARGET.Owner == \"bob\" ? 10 : 0");
	m->has_absence = 1;
	m->owner_absence_s = 60;
	b = pool_job("bob", NULL, NULL, 1, 0);
	b->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(b, buf, sizeof buf), "slot1@fond");
}

Test(match, placement_learns_a_clusters_run_time)
{
	struct match_ctx	 mc;
	struct job		*first, *second;
	char			 buf[64];

	place_pool();
	clusters_add(77, "alice", NULL, 2, 0);
	first = pool_job("alice", NULL, NULL, 1, 0);
	second = pool_job("alice", NULL, NULL, 1, 0);
	first->cluster = second->cluster = 77;
	clusters_hold(77);
	clusters_hold(77);
	/* Nothing learned yet: the free list's order. */
	TAILQ_REMOVE(&pool_idle, second, idle_entry);
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(first, buf, sizeof buf), "slot1@mute");
	cr_assert_eq(first->ac->runtime_s, -1);
	/* Procs of the cluster completed after about 10 hours (the median
	 * of 9.5, 10.01 and 40 h, to two digits): the next goes far. */
	clusters_ran(77, 34200 * 1000LL);
	clusters_ran(77, 36040 * 1000LL);
	clusters_ran(77, 144000 * 1000LL);
	cr_assert_eq(clusters_find(77)->runtime_s, 36000);
	TAILQ_INSERT_TAIL(&pool_idle, second, idle_entry);
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(second, buf, sizeof buf), "slot1@away");
	cr_assert_eq(second->ac->runtime_s, 36000);
	/* A run time of its own comes first. */
	cr_assert_eq(place_runtime(second), 36000);
	second->runtime_s = 5;
	cr_assert_eq(place_runtime(second), 5);
	/* Within one step (1,000 s) of what it learned: kept. */
	clusters_ran(77, 1000);
	cr_assert_eq(clusters_find(77)->runtime_s, 36000);
	/* Further: moves; an even count takes the mean of the middle two
	 * (1 and 34,200 s). */
	clusters_ran(77, 1000);
	cr_assert_eq(clusters_find(77)->runtime_s, 34000);
	clusters_ran(77, 1000);
	cr_assert_eq(clusters_find(77)->runtime_s, 17000);
	clusters_shutdown();
}

/* The job on S ends: S is free again (what an agent's job end does). */
static void
place_end(struct job *j)
{
	struct slot	*s = j->slot;

	if (slots_set_state(&pool_slots, s, SLOT_UNCLAIMED) == -1)
		abort();
	s->job = NULL;
	slots_refresh(&pool_slots, s);
	j->slot = NULL;
	j->state = JOB_COMPLETED;
}

/* One desktop whose owner is back in 20 minutes. */
static struct machine *
place_brief_pool(void)
{
	struct machine	*m;

	place_set_mode(PLACE_OWNER_AWARE);
	autocluster_set_runtime(place_runtime);
	m = pool_machine("brief", 1, 1, 1024, NULL, NULL);
	m->has_absence = 1;
	m->owner_absence_s = 1200;
	return m;
}

Test(match, placement_chooses_the_job_for_a_short_absence)
{
	struct match_ctx	 mc;
	struct job		*longer, *other, *brief;
	char			 buf[64];

	place_brief_pool();
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	other = pool_job("alice", NULL, NULL, 1, 0);
	other->runtime_s = 7200;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	cr_assert_eq(pool_match(&mc), 1);
	/* The first job would be evicted: the one that fits goes. */
	cr_assert_str_eq(pool_where(brief, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(longer->state, JOB_IDLE);
	cr_assert_eq(other->state, JOB_IDLE);
	cr_assert_eq(longer->passed, 1);
	cr_assert_eq(mc.npassed, 1);
}

Test(match, placement_keeps_a_long_absence_for_the_long_job)
{
	struct match_ctx	 mc;
	struct job		*brief, *longer;
	struct machine		*m;
	char			 buf[64];

	m = place_brief_pool();
	m->owner_absence_s = 50000;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(longer, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(brief->state, JOB_IDLE);
	/* A slot that the window's job may not take goes to the first. */
	place_end(longer);
	longer = pool_job("alice", "Machine == \"elsewhere\"", NULL, 1, 0);
	longer->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(brief, buf, sizeof buf), "slot1@brief");
}

Test(match, placement_never_passes_over_a_higher_priority)
{
	struct match_ctx	 mc;
	struct job		*longer, *brief;
	char			 buf[64];

	/* The user asked for the long job first (priority): it keeps the
	 * slot its owner will want back, though the next job would fit. */
	place_brief_pool();
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	longer->priority = 5;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(longer, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(brief->state, JOB_IDLE);
	cr_assert_eq(mc.npassed, 0);
}

Test(match, placement_passes_a_job_over_for_a_bounded_time)
{
	struct match_ctx	 mc;
	struct job		*longer, *brief;
	char			 buf[64];

	place_brief_pool();
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_eq(brief->state, JOB_RUNNING);
	cr_assert_eq(longer->passed_at, 1000);
	place_end(brief);
	/* Passed over again and again within the bound... */
	pool_now = 1000 + MATCH_PASS_MAX_MS - 1;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_eq(brief->state, JOB_RUNNING);
	cr_assert_eq(longer->state, JOB_IDLE);
	cr_assert_eq(longer->passed, 2);
	place_end(brief);
	/* ...and at the bound it goes, short job or not. */
	pool_now = 1000 + MATCH_PASS_MAX_MS;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(longer, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(brief->state, JOB_IDLE);
	cr_assert_eq(longer->passed, 2);
	cr_assert_eq(mc.npassed, 0);
}

Test(match, placement_a_short_absence_takes_a_job_that_keeps_its_work)
{
	struct match_ctx	 mc;
	struct job		*longer, *medium, *ckpt;
	char			 buf[64];

	/* Nothing that would lose its work fits 20 minutes: the job that
	 * checkpoints at a vacate goes, not the shortest. */
	place_brief_pool();
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	medium = pool_job("alice", NULL, NULL, 1, 0);
	medium->runtime_s = 3600;
	ckpt = pool_job("alice", NULL, NULL, 1, 0);
	ckpt->runtime_s = 36000;
	ckpt->keeps = PLACE_KEEPS_SIGNAL;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(ckpt, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(longer->state, JOB_IDLE);
	cr_assert_eq(medium->state, JOB_IDLE);
	cr_assert_eq(longer->passed, 1);
}

Test(match, placement_a_long_absence_takes_the_job_that_would_lose_its_work)
{
	struct match_ctx	 mc;
	struct job		*ckpt, *longer;
	struct machine		*m;
	char			 buf[64];

	/* A night covers the long job that cannot checkpoint: it goes
	 * before the one that could be vacated at no cost. */
	m = place_brief_pool();
	m->owner_absence_s = 50000;
	ckpt = pool_job("alice", NULL, NULL, 1, 0);
	ckpt->runtime_s = 36000;
	ckpt->keeps = PLACE_KEEPS_SIGNAL;
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(longer, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(ckpt->state, JOB_IDLE);
	cr_assert_eq(ckpt->passed, 1);
}

Test(match, placement_a_criu_job_keeps_its_work_only_where_criu_is)
{
	struct match_ctx	 mc;
	struct job		*longer, *criu, *medium;
	struct machine		*m;
	char			 buf[64];

	m = place_brief_pool();
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	criu = pool_job("alice", NULL, NULL, 1, 0);
	criu->runtime_s = 36000;
	criu->keeps = PLACE_KEEPS_CRIU;
	medium = pool_job("alice", NULL, NULL, 1, 0);
	medium->runtime_s = 3600;
	/* No CRIU here: a vacate would cost it all, the shortest goes. */
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(medium, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(criu->state, JOB_IDLE);
	place_end(medium);
	m->criu = 1;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(criu, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(longer->state, JOB_IDLE);
}

Test(match, placement_knows_from_the_description_what_a_vacate_keeps)
{
	static const struct {
		const char	*desc;
		int		 keeps;
	} t[] = {
		{ "{}", PLACE_KEEPS_NONE },
		{ "{\"checkpoint_exit_code\": 85}", PLACE_KEEPS_SIGNAL },
		/* No sandbox: the agent keeps no checkpoint. */
		{ "{\"checkpoint_exit_code\": 85, "
		    "\"should_transfer_files\": \"NO\"}", PLACE_KEEPS_NONE },
		{ "{\"checkpoint\": \"criu\"}", PLACE_KEEPS_NONE },
		{ "{\"checkpoint\": \"criu\", "
		    "\"should_transfer_files\": \"YES\"}", PLACE_KEEPS_CRIU },
		{ "{\"checkpoint\": \"criu\", "
		    "\"transfer_input_files\": [\"in\"]}", PLACE_KEEPS_CRIU },
		/* A failed dump falls back to the checkpoint signal. */
		{ "{\"checkpoint\": \"criu\", \"checkpoint_exit_code\": 85}",
		    PLACE_KEEPS_SIGNAL },
	};
	struct json_object	*o;
	size_t			 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		o = json_tokener_parse(t[i].desc);
		cr_assert_not_null(o, "%s", t[i].desc);
		cr_assert_eq(jobad_keeps(o), t[i].keeps, "%s", t[i].desc);
		json_object_put(o);
	}
	cr_assert_eq(place_keeps(1, -1, NULL), PLACE_KEEPS_NONE);
	cr_assert_eq(place_keeps(0, 85, "criu"), PLACE_KEEPS_NONE);
}

Test(match, placement_blind_takes_the_first_job)
{
	struct match_ctx	 mc;
	struct job		*longer, *brief;
	char			 buf[64];

	place_brief_pool();
	place_set_mode(PLACE_BLIND);
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	brief = pool_job("alice", NULL, NULL, 1, 0);
	brief->runtime_s = 600;
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_str_eq(pool_where(longer, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(brief->state, JOB_IDLE);
	cr_assert_eq(mc.npassed, 0);
}

Test(match, placement_no_fit_takes_the_shortest_of_the_window)
{
	struct match_ctx	 mc;
	struct job		*longer, *medium, *other;
	char			 buf[64];

	place_brief_pool();
	longer = pool_job("alice", NULL, NULL, 1, 0);
	longer->runtime_s = 36000;
	medium = pool_job("alice", NULL, NULL, 1, 0);
	medium->runtime_s = 3600;
	other = pool_job("alice", NULL, NULL, 1, 0);
	other->runtime_s = 7200;
	cr_assert_eq(pool_match(&mc), 1);
	/* Nothing fits 20 minutes: the job likeliest to finish goes. */
	cr_assert_str_eq(pool_where(medium, buf, sizeof buf), "slot1@brief");
	cr_assert_eq(longer->state, JOB_IDLE);
	cr_assert_eq(other->state, JOB_IDLE);
	cr_assert_eq(longer->passed, 1);
}

/* A median that wavers at a rounding edge (994 and 996 s round to 990
 * and 1000) does not move the learned run time, which would regroup
 * every idle job of the cluster each time. */
Test(match, placement_learned_run_time_holds_at_an_edge)
{
	int	i;

	place_pool();
	clusters_add(78, "alice", NULL, 2, 0);
	clusters_hold(78);
	clusters_ran(78, 994 * 1000LL);
	cr_assert_eq(clusters_find(78)->runtime_s, 990);
	for (i = 0; i < 10; i++) {
		clusters_ran(78, 996 * 1000LL);
		clusters_ran(78, 996 * 1000LL);
		clusters_ran(78, 994 * 1000LL);
		clusters_ran(78, 994 * 1000LL);
		cr_assert_eq(clusters_find(78)->runtime_s, 990);
	}
	clusters_ran(78, 2000 * 1000LL);
	clusters_ran(78, 2000 * 1000LL);
	cr_assert_eq(clusters_find(78)->runtime_s, 990);
	clusters_shutdown();
}

/* Run times a little apart share a group: 100,000 jobs each with its own
 * +ExpectedRuntime are not 100,000 judgements of the free slots. */
Test(match, placement_rounds_run_times_into_few_groups)
{
	struct match_ctx	 mc;
	struct job		*a, *b, *c, *huge;
	char			 buf[64];

	place_pool();
	a = pool_job("alice", NULL, NULL, 1, 0);
	a->runtime_s = 36000;
	b = pool_job("alice", NULL, NULL, 1, 0);
	b->runtime_s = 36123;
	c = pool_job("alice", NULL, NULL, 1, 0);
	c->runtime_s = 99;
	cr_assert_eq(place_runtime(b), 36000);
	cr_assert_eq(pool_match(&mc), 3);
	cr_assert_eq(a->ac, b->ac);
	cr_assert_neq(a->ac, c->ac);
	/* At most one judgement of the free slots a group: c's may be none,
	 * as the window gave it brief, which b could not fill. */
	cr_assert_leq(mc.nclusters, 2);
	cr_assert_str_eq(pool_where(c, buf, sizeof buf), "slot1@brief");
	/* The largest is bounded, not overflowed. */
	huge = pool_job("alice", NULL, NULL, 1, 0);
	huge->runtime_s = INT64_MAX;
	cr_assert_eq(place_runtime(huge), CLUSTERS_RUNTIME_MAX);
}
