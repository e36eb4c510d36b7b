/*
 * test_policy.c: the desktop policy's state machine (startd/policy.c),
 * driven by a fake clock: time is whatever the test says it is.
 */
#include "config.h"

#include <criterion/criterion.h>

#include "policy.h"

#define SEC	1000LL
#define MIN	(60 * SEC)

static struct policy_cfg	cfg;
static struct policy_slot	slot;
static struct policy_in		in;

static void
setup(void)
{
	policy_defaults(&cfg);
	memset(&in, 0, sizeof in);
	in.now = 1000 * MIN;
	in.owner_hours = 1;
	policy_slot_init(&slot, 1, in.now);
}

TestSuite(policy, .init = setup);

/* Advance the fake clock by MS and evaluate. */
static enum policy_act
after(int64_t ms)
{
	in.now += ms;
	return policy_step(&cfg, &slot, &in);
}

/* The owner touches the keyboard now. */
static enum policy_act
owner_types(void)
{
	in.last_activity = in.now;
	return policy_step(&cfg, &slot, &in);
}

/* Bring the slot to CLAIMED with a job on it. */
static void
start_job(void)
{
	in.last_activity = in.now - 20 * MIN;
	policy_step(&cfg, &slot, &in);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
	cr_assert_eq(policy_job_started(&slot, in.now), 0);
	cr_assert_eq(slot.state, SLOT_CLAIMED);
}

Test(policy, defaults_are_htcondors_desktop_policy)
{
	cr_assert_eq(cfg.idle_after_ms, 15 * MIN);
	cr_assert_eq(cfg.resume_after_ms, 5 * MIN);
	cr_assert_eq(cfg.vacate_after_ms, 10 * MIN);
	cr_assert_float_eq(cfg.max_owner_load, 0.3, 1e-9);
	cr_assert_eq(slot.state, SLOT_OWNER);
}

Test(policy, offered_after_idle_after)
{
	in.last_activity = in.now;
	cr_assert_eq(after(14 * MIN), POLICY_NONE);
	cr_assert_eq(slot.state, SLOT_OWNER);
	after(1 * MIN);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
	owner_types();
	cr_assert_eq(slot.state, SLOT_OWNER, "activity takes an empty slot back");
}

Test(policy, never_seen_owner_means_idle)
{
	after(0);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
}

Test(policy, offhours_use_the_shorter_wait)
{
	cfg.idle_after_offhours_ms = 1 * MIN;
	in.owner_hours = 0;
	in.last_activity = in.now;
	after(59 * SEC);
	cr_assert_eq(slot.state, SLOT_OWNER);
	after(1 * SEC);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
	in.owner_hours = 1;
	after(0);
	cr_assert_eq(slot.state, SLOT_OWNER, "owner hours began");
}

Test(policy, load_keeps_jobs_off)
{
	in.owner_load = 0.5;
	after(0);
	cr_assert_eq(slot.state, SLOT_OWNER);
	in.owner_load = 0.2;
	after(0);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
}

Test(policy, agent_off_never_offers)
{
	cfg.agent_on = 0;
	cr_assert_eq(after(1000 * MIN), POLICY_NONE);
	cr_assert_eq(slot.state, SLOT_OWNER);
	cr_assert(policy_owner_present(&cfg, &in));
	cr_assert_eq(policy_job_started(&slot, in.now), -1);
}

Test(policy, suspend_at_once_then_resume_after_idle)
{
	start_job();
	cr_assert_eq(after(10 * SEC), POLICY_NONE);
	cr_assert_eq(owner_types(), POLICY_SUSPEND);
	cr_assert_eq(slot.state, SLOT_SUSPENDED);
	cr_assert_eq(after(4 * MIN), POLICY_NONE);
	cr_assert_eq(owner_types(), POLICY_NONE, "still suspended");
	cr_assert_eq(after(4 * MIN + 59 * SEC), POLICY_NONE);
	cr_assert_eq(after(1 * SEC), POLICY_RESUME);
	cr_assert_eq(slot.state, SLOT_CLAIMED);
	cr_assert_eq(after(1 * SEC), POLICY_NONE,
	    "old activity does not suspend again");
	in.last_activity = slot.entered;
	cr_assert_eq(after(1), POLICY_NONE,
	    "activity at the resume instant is not newer");
	cr_assert_eq(owner_types(), POLICY_SUSPEND);
}

Test(policy, vacate_after_suspended_then_kill_after_grace)
{
	cfg.max_vacate_ms = 30 * SEC;
	start_job();
	after(1 * SEC);
	cr_assert_eq(owner_types(), POLICY_SUSPEND);
	/* The owner keeps working: no resume. */
	for (int i = 0; i < 9; i++) {
		after(1 * MIN);
		cr_assert_eq(owner_types(), POLICY_NONE);
	}
	cr_assert_eq(after(1 * MIN), POLICY_VACATE);
	cr_assert_eq(slot.state, SLOT_VACATING);
	cr_assert_eq(after(29 * SEC), POLICY_NONE);
	cr_assert_eq(after(1 * SEC), POLICY_KILL);
	cr_assert_eq(after(1 * SEC), POLICY_NONE, "kill only once");
	policy_job_gone(&cfg, &slot, &in);
	cr_assert_eq(slot.state, SLOT_OWNER, "the owner is still there");
}

Test(policy, vacated_job_gone_while_owner_left)
{
	start_job();
	cr_assert_eq(policy_vacate(&cfg, &slot, in.now), POLICY_VACATE);
	cr_assert_eq(policy_vacate(&cfg, &slot, in.now), POLICY_NONE);
	after(1 * SEC);
	policy_job_gone(&cfg, &slot, &in);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
}

Test(policy, reclaim_vacates_and_holds_the_desktop)
{
	start_job();
	in.reclaim_until = in.now + 30 * MIN;
	cr_assert_eq(after(1 * SEC), POLICY_VACATE);
	policy_job_gone(&cfg, &slot, &in);
	cr_assert_eq(slot.state, SLOT_OWNER);
	after(29 * MIN);
	cr_assert_eq(slot.state, SLOT_OWNER, "reclaim still on");
	after(1 * MIN);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED, "reclaim over");
}

Test(policy, draining_finishes_the_job_then_stays_draining)
{
	start_job();
	in.draining = 1;
	cr_assert_eq(after(1 * MIN), POLICY_NONE);
	cr_assert_eq(slot.state, SLOT_CLAIMED, "the job runs on");
	policy_job_gone(&cfg, &slot, &in);
	cr_assert_eq(slot.state, SLOT_DRAINING);
	after(1 * MIN);
	cr_assert_eq(slot.state, SLOT_DRAINING);
	in.draining = 0;
	after(0);
	cr_assert_eq(slot.state, SLOT_UNCLAIMED);
}

Test(policy, job_start_needs_an_offered_slot)
{
	in.last_activity = in.now;
	after(0);
	cr_assert_eq(slot.state, SLOT_OWNER);
	cr_assert_eq(policy_job_started(&slot, in.now), -1);
	cr_assert_eq(slot.has_job, 0);
}

Test(policy, illegal_moves_are_refused)
{
	cr_assert_eq(policy_set_state(&slot, SLOT_SUSPENDED, in.now), -1);
	cr_assert_eq(slot.state, SLOT_OWNER);
	cr_assert_eq(policy_set_state(&slot, SLOT_VACATING, in.now), -1);
	cr_assert_eq(policy_set_state(&slot, SLOT_UNCLAIMED, in.now), 0);
	cr_assert_eq(policy_set_state(&slot, SLOT_SUSPENDED, in.now), -1);
}

Test(policy, suspended_job_that_dies_frees_the_slot)
{
	start_job();
	after(1 * SEC);
	cr_assert_eq(owner_types(), POLICY_SUSPEND);
	policy_job_gone(&cfg, &slot, &in);
	cr_assert_eq(slot.state, SLOT_OWNER);
	cr_assert_eq(slot.has_job, 0);
}
