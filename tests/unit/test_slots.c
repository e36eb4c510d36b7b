/*
 * test_slots.c: the slot mirror (scheduler/slots.c): its transition
 * table and free list, the slot ad's attributes, and the one "free for
 * this job" predicate with its verdicts.
 */
#include "config.h"

#include <stdio.h>

#include <criterion/criterion.h>

#include "pool_fixture.h"

TestSuite(slots, .init = pool_setup, .fini = pool_teardown);

Test(slots, the_table_refuses_what_no_agent_does)
{
	cr_assert(slots_move_ok(SLOT_UNCLAIMED, SLOT_CLAIMED));
	cr_assert(slots_move_ok(SLOT_CLAIMED, SLOT_SUSPENDED));
	cr_assert(slots_move_ok(SLOT_SUSPENDED, SLOT_CLAIMED));
	cr_assert(slots_move_ok(SLOT_CLAIMED, SLOT_OWNER));
	cr_assert(slots_move_ok(SLOT_OFFLINE, SLOT_UNCLAIMED));
	cr_assert(slots_move_ok(SLOT_OWNER, SLOT_OWNER));
	cr_assert_not(slots_move_ok(SLOT_OWNER, SLOT_CLAIMED));
	cr_assert_not(slots_move_ok(SLOT_OWNER, SLOT_SUSPENDED));
	cr_assert_not(slots_move_ok(SLOT_UNCLAIMED, SLOT_VACATING));
	cr_assert_not(slots_move_ok(SLOT_DRAINING, SLOT_CLAIMED));
	cr_assert_not(slots_move_ok(SLOT_OFFLINE, SLOT_CLAIMED));
	cr_assert_not(slots_move_ok(SLOT_VACATING, SLOT_SUSPENDED));
}

Test(slots, the_setter_keeps_the_free_list)
{
	struct machine	*m = pool_machine("a", 1, 1, 1024, NULL, NULL);
	struct slot	*s = m->slots[0];

	cr_assert(s->on_free);
	cr_assert_eq(pool_freed, 1);
	cr_assert_eq(slots_set_state(&pool_slots, s, SLOT_OWNER), 0);
	cr_assert_not(s->on_free);
	/* Refused: the state stays, nothing joins the list. */
	cr_assert_eq(slots_set_state(&pool_slots, s, SLOT_CLAIMED), -1);
	cr_assert_eq(s->state, SLOT_OWNER);
	cr_assert_eq(slots_set_state(&pool_slots, s, SLOT_UNCLAIMED), 0);
	cr_assert(s->on_free);
	cr_assert_eq(pool_freed, 2);
	/* A slot cleaning up a killed job is not free. */
	strlcpy(s->stale_job, "1.0", sizeof s->stale_job);
	slots_refresh(&pool_slots, s);
	cr_assert_not(s->on_free);
	s->stale_job[0] = '\0';
	slots_refresh(&pool_slots, s);
	cr_assert(s->on_free);
	/* Its agent away: not free either. */
	m->peer = NULL;
	slots_refresh(&pool_slots, s);
	cr_assert_not(s->on_free);
}

Test(slots, the_predicate_gives_each_verdict)
{
	struct machine	*m = pool_machine("a", 4, 2, 1024,
	    "TARGET.Owner != \"eve\" && LoadAvg < 1", NULL);
	struct job	*ok, *req, *eve, *crj;
	struct autocluster *ac;
	int		 clause;

	m->has_load = 1;
	m->load = 0.1;
	ok = pool_job("alice", NULL, NULL, 1, 0);
	req = pool_job("alice", "Cpus >= 2 && Memory > 2048", NULL, 1, 0);
	eve = pool_job("eve", NULL, NULL, 1, 0);
	crj = pool_job("alice", NULL, NULL, 1, 0);
	crj->ckpt_criu = 1;
	ac = autocluster_of(ok, jobad_value);
	cr_assert_eq(slots_judge(m->slots[0], ac, 0, NULL), SLOTS_MATCH);
	cr_assert(slots_free_for(m->slots[0], ac, 0));
	cr_assert_eq(slots_judge(m->slots[0], autocluster_of(req,
	    jobad_value), 0, &clause), SLOTS_REQUIREMENTS);
	cr_assert_eq(clause, 1, "the second clause (Memory) rejects");
	cr_assert_eq(slots_judge(m->slots[0], autocluster_of(eve,
	    jobad_value), 0, &clause), SLOTS_START);
	cr_assert_eq(clause, 0);
	cr_assert_eq(slots_judge(m->slots[0], autocluster_of(crj,
	    jobad_value), 0, NULL), SLOTS_CRIU);
	m->criu = 1;
	cr_assert_eq(slots_judge(m->slots[0], autocluster_of(crj,
	    jobad_value), 0, NULL), SLOTS_MATCH);
	/* The machine's load: start's second clause. */
	m->load = 2;
	cr_assert_eq(slots_judge(m->slots[0], ac, 0, &clause), SLOTS_START);
	cr_assert_eq(clause, 1);
	m->load = 0.1;
	/* The slot's state, once the job's side and start agree. */
	slots_set_state(&pool_slots, m->slots[1], SLOT_OWNER);
	cr_assert_eq(slots_judge(m->slots[1], ac, 0, NULL), SLOTS_OWNER);
	slots_set_state(&pool_slots, m->slots[2], SLOT_DRAINING);
	cr_assert_eq(slots_judge(m->slots[2], ac, 0, NULL), SLOTS_DRAINING);
	m->slots[3]->job = ok;
	cr_assert_eq(slots_judge(m->slots[3], ac, 0, NULL), SLOTS_BUSY);
	m->slots[3]->job = NULL;
	m->online = 0;
	cr_assert_eq(slots_judge(m->slots[3], ac, 0, NULL), SLOTS_OFFLINE);
}

Test(slots, the_slot_ad_has_htcondors_names)
{
	struct machine		*m = pool_machine("desk", 2, 2, 1024, NULL,
	    NULL);
	struct slot		*s = m->slots[1];
	struct expr_value	 v;
	char			 err[64];

	cr_assert_eq(machinead_attrs_parse(&m->ad, "HasMatlab = true",
	    err, sizeof err), 0);
	cr_assert_eq(slots_lookup(s, 0, "name", &v), 0);
	cr_assert_str_eq(v.s, "slot2@desk");
	expr_value_clear(&v);
	cr_assert_eq(slots_lookup(s, 0, "Machine", &v), 0);
	cr_assert_str_eq(v.s, "desk");
	expr_value_clear(&v);
	cr_assert_eq(slots_lookup(s, 0, "Cpus", &v), 0);
	cr_assert_eq(v.i, 2);
	cr_assert_eq(slots_lookup(s, 0, "TotalMemory", &v), 0);
	cr_assert_eq(v.i, 2048);
	cr_assert_eq(slots_lookup(s, 0, "State", &v), 0);
	cr_assert_str_eq(v.s, "Unclaimed");
	expr_value_clear(&v);
	cr_assert_eq(slots_lookup(s, 0, "Activity", &v), 0);
	cr_assert_str_eq(v.s, "Idle");
	expr_value_clear(&v);
	cr_assert_eq(slots_lookup(s, 0, "HasMatlab", &v), 0);
	cr_assert(v.type == EXPR_BOOL && v.b);
	cr_assert_eq(slots_lookup(s, 0, "KeyboardIdle", &v), -1);
	m->hb_mono = 1000;
	m->owner_idle_ms = 5000;
	cr_assert_eq(slots_lookup(s, 3000, "KeyboardIdle", &v), 0);
	cr_assert_eq(v.i, 7);
	cr_assert_eq(slots_lookup(s, 3000, "ConsoleIdle", &v), 0);
	cr_assert_eq(v.i, 7);
	cr_assert_eq(slots_lookup(s, 0, "NoSuchThing", &v), -1);
}
