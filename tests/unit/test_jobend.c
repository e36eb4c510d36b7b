/*
 * test_jobend.c: unit tests of the job policy expressions and the "run
 * ended" verb (scheduler/jobend.c): each expression with HTCondor's
 * semantics and precedence, the retries of max_retries,
 * success_exit_code and retry_until, hold codes, and the decision for
 * each way a run can end.  Plain C with a fake clock: no loop, no store,
 * no sockets.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>

#include "expr.h"
#include "job.h"
#include "jobend.h"
#include "xmalloc.h"

/* The fake clock: 2026-11-25 10:00:00 UTC, and the job's QDate. */
#define NOW_MS		1795600800000LL
#define QDATE_MS	(NOW_MS - 3600 * 1000LL)

static struct job	 tj;
static struct jobend_ctx ctx;

static void
setup(void)
{
	memset(&tj, 0, sizeof tj);
	tj.cluster = 7;
	tj.proc = 0;
	tj.state = JOB_RUNNING;
	tj.owner = "alice";
	tj.submitted = QDATE_MS;
	tj.entered = NOW_MS - 120 * 1000;
	tj.started = NOW_MS - 120 * 1000;
	tj.run = 1;
	tj.nstarts = 1;
	tj.exit_code = -1;
	memset(&ctx, 0, sizeof ctx);
	ctx.now_ms = NOW_MS;
}

TestSuite(jobend, .init = setup);

static struct jobend_src
nosrc(void)
{
	struct jobend_src	s;

	memset(&s, 0, sizeof s);
	s.max_retries = -1;
	return s;
}

static struct jobend_policy *
policy(const struct jobend_src *s)
{
	struct jobend_policy	*p;
	char			 err[256];

	cr_assert_eq(jobend_policy_new(s, &p, err, sizeof err), 0, "%s", err);
	return p;
}

static struct jobend_run
exited(int code, int sig)
{
	struct jobend_run	r;

	memset(&r, 0, sizeof r);
	r.code = code;
	r.signal = sig;
	r.files = 1;
	return r;
}

/* Decide the exit (CODE, SIG) of the running test job under P. */
static enum jobend_action
decide(const struct jobend_policy *p, int code, int sig,
    struct jobend_decision *d)
{
	struct jobend_run	r = exited(code, sig);

	jobend_decide(&ctx, &tj, p, &r, d);
	return d->action;
}

Test(jobend, no_policy_completes_whatever_the_exit)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p = NULL;
	struct jobend_decision	d;
	char			err[64];

	cr_assert_eq(jobend_policy_new(&s, &p, err, sizeof err), 0);
	cr_assert_null(p);
	cr_assert_eq(decide(NULL, 7, 0, &d), JOBEND_COMPLETE);
	cr_assert(d.exited);
	cr_assert_eq(decide(NULL, -1, 9, &d), JOBEND_COMPLETE);
	cr_assert(!jobend_policy_periodic(NULL));
}

Test(jobend, max_retries_runs_three_times_then_completes)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.max_retries = 2;
	p = policy(&s);
	/* NumJobCompletions counts the exit being decided. */
	tj.ncompletions = 0;
	cr_assert_eq(decide(p, 7, 0, &d), JOBEND_RETRY);
	cr_assert(strstr(d.why, "OnExitRemove") != NULL, "%s", d.why);
	cr_assert(strstr(d.why, "FALSE") != NULL, "%s", d.why);
	tj.ncompletions = 1;
	cr_assert_eq(decide(p, 7, 0, &d), JOBEND_RETRY);
	tj.ncompletions = 2;
	cr_assert_eq(decide(p, 7, 0, &d), JOBEND_COMPLETE);
	/* Success at once: no retry. */
	tj.ncompletions = 0;
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_COMPLETE);
	/* A signal has no ExitCode: retried (ExitCode is 0 is false). */
	cr_assert_eq(decide(p, -1, 11, &d), JOBEND_RETRY);
	jobend_policy_free(p);
}

Test(jobend, max_retries_zero_never_retries)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.max_retries = 0;
	p = policy(&s);
	cr_assert_eq(decide(p, 7, 0, &d), JOBEND_COMPLETE);
	jobend_policy_free(p);
}

Test(jobend, success_exit_code_alone_takes_the_default_retries)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.success_exit_code = "3";
	p = policy(&s);
	cr_assert_eq(decide(p, 3, 0, &d), JOBEND_COMPLETE);
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_RETRY);
	tj.ncompletions = JOBEND_DEFAULT_RETRIES;
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_COMPLETE);
	jobend_policy_free(p);
}

Test(jobend, retry_until_stops_retries)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.max_retries = 5;
	s.retry_until = "4";
	p = policy(&s);
	cr_assert_eq(decide(p, 4, 0, &d), JOBEND_COMPLETE);
	cr_assert_eq(decide(p, 5, 0, &d), JOBEND_RETRY);
	jobend_policy_free(p);

	s.retry_until = "!member(ExitCode, {17, 34})";
	p = policy(&s);
	cr_assert_eq(decide(p, 17, 0, &d), JOBEND_RETRY);
	cr_assert_eq(decide(p, 2, 0, &d), JOBEND_COMPLETE);
	jobend_policy_free(p);
}

Test(jobend, on_exit_remove_false_requeues)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.on_exit_remove = "ExitCode == 0";
	p = policy(&s);
	cr_assert_eq(decide(p, 9, 0, &d), JOBEND_RETRY);
	cr_assert_str_eq(d.why, "The job attribute OnExitRemove expression "
	    "'ExitCode == 0' evaluated to FALSE");
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_COMPLETE);
	/* Signalled: ExitCode is undefined, so is the expression. */
	cr_assert_eq(decide(p, -1, 9, &d), JOBEND_HOLD);
	cr_assert_eq(d.hold_code, JOBEND_HOLD_POLICY_UNDEF);
	cr_assert(strstr(d.why, "UNDEFINED") != NULL, "%s", d.why);
	jobend_policy_free(p);
}

Test(jobend, on_exit_remove_segfault_example)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.on_exit_remove = "(ExitBySignal == False) || (ExitSignal != 11)";
	p = policy(&s);
	cr_assert_eq(decide(p, -1, 11, &d), JOBEND_RETRY);
	cr_assert_eq(decide(p, -1, 6, &d), JOBEND_COMPLETE);
	cr_assert_eq(decide(p, 1, 0, &d), JOBEND_COMPLETE);
	jobend_policy_free(p);
}

Test(jobend, on_exit_remove_is_ored_with_the_retries)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.on_exit_remove = "ExitCode == 9";
	s.max_retries = 3;
	p = policy(&s);
	cr_assert_eq(decide(p, 9, 0, &d), JOBEND_COMPLETE);
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_COMPLETE);
	cr_assert_eq(decide(p, 1, 0, &d), JOBEND_RETRY);
	jobend_policy_free(p);
}

Test(jobend, on_exit_hold_with_reason_and_subcode)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.on_exit_hold = "ExitCode != 0";
	s.on_exit_hold_reason = "strcat(\"bad exit \", string(ExitCode))";
	s.on_exit_hold_subcode = "ExitCode + 40";
	p = policy(&s);
	cr_assert_eq(decide(p, 2, 0, &d), JOBEND_HOLD);
	cr_assert_eq(d.hold_code, JOBEND_HOLD_POLICY);
	cr_assert_eq(d.hold_subcode, 42);
	cr_assert_str_eq(d.why, "bad exit 2");
	cr_assert(d.exited);
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_COMPLETE);
	jobend_policy_free(p);
}

Test(jobend, on_exit_hold_default_reason)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.on_exit_hold = "ExitBySignal == true";
	s.on_exit_hold_reason = "42";		/* not a string: the default */
	p = policy(&s);
	cr_assert_eq(decide(p, -1, 9, &d), JOBEND_HOLD);
	cr_assert_eq(d.hold_code, 3);
	cr_assert_eq(d.hold_subcode, 0);
	cr_assert_str_eq(d.why, "The job attribute OnExitHold expression "
	    "'ExitBySignal == true' evaluated to TRUE");
	jobend_policy_free(p);
}

Test(jobend, on_exit_hold_wins_over_on_exit_remove)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.on_exit_hold = "true";
	s.on_exit_remove = "false";
	p = policy(&s);
	cr_assert_eq(decide(p, 0, 0, &d), JOBEND_HOLD);
	jobend_policy_free(p);
}

Test(jobend, periodic_wins_over_on_exit)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.periodic_remove = "ExitCode == 5";
	s.on_exit_hold = "true";
	p = policy(&s);
	cr_assert_eq(decide(p, 5, 0, &d), JOBEND_REMOVE);
	cr_assert(d.exited);
	cr_assert_eq(decide(p, 4, 0, &d), JOBEND_HOLD);
	jobend_policy_free(p);
}

Test(jobend, periodic_hold_running_job)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.periodic_hold = "JobStatus == 2";
	s.periodic_hold_reason = "\"ran too long\"";
	s.periodic_hold_subcode = "7";
	p = policy(&s);
	cr_assert(jobend_policy_periodic(p));
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_HOLD);
	cr_assert_eq(d.hold_code, 3);
	cr_assert_eq(d.hold_subcode, 7);
	cr_assert_str_eq(d.why, "ran too long");
	tj.state = JOB_IDLE;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	/* Not evaluated on a held job. */
	tj.state = JOB_HELD;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	jobend_policy_free(p);
}

Test(jobend, periodic_hold_wins_over_periodic_remove)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.periodic_hold = "true";
	s.periodic_remove = "true";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_HOLD);
	cr_assert_str_eq(d.why, "The job attribute PeriodicHold expression "
	    "'true' evaluated to TRUE");
	/* Held: periodic_remove still applies. */
	tj.state = JOB_HELD;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_REMOVE);
	jobend_policy_free(p);
}

Test(jobend, periodic_remove_by_clock)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	/* QDate is an hour before NOW. */
	s.periodic_remove = "(time() - QDate) > 5400";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	ctx.now_ms = NOW_MS + 1800 * 1000LL + 1000;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_REMOVE);
	cr_assert_str_eq(d.why, "The job attribute PeriodicRemove expression "
	    "'(time() - QDate) > 5400' evaluated to TRUE");
	jobend_policy_free(p);
}

Test(jobend, entered_current_status_and_current_time)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	/* Running for 120 s (EnteredCurrentStatus). */
	s.periodic_hold = "JobStatus == 2 && "
	    "(CurrentTime - EnteredCurrentStatus) > 300";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	ctx.now_ms += 200 * 1000;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_HOLD);
	jobend_policy_free(p);
}

Test(jobend, periodic_release_of_a_held_job)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.periodic_release = "HoldReasonSubCode == 42 && NumJobStarts < 3";
	p = policy(&s);
	tj.state = JOB_HELD;
	tj.hold_code = 3;
	tj.hold_subcode = 42;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_RELEASE);
	tj.nstarts = 3;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	tj.nstarts = 1;
	tj.hold_subcode = 0;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	/* A job its owner held stays held. */
	tj.hold_code = JOBEND_HOLD_USER;
	tj.hold_subcode = 42;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	tj.hold_code = 3;
	/* Not for a job that is not held. */
	tj.state = JOB_IDLE;
	tj.hold_subcode = 42;
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	jobend_policy_free(p);
}

Test(jobend, undefined_holds_with_code_5_but_literal_undefined_is_false)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.periodic_hold = "undefined";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	jobend_policy_free(p);

	s.periodic_hold = "NoSuchAttr > 1";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_HOLD);
	cr_assert_eq(d.hold_code, JOBEND_HOLD_POLICY_UNDEF);
	cr_assert_eq(d.hold_subcode, 0);
	cr_assert_str_eq(d.why, "The job attribute PeriodicHold expression "
	    "'NoSuchAttr > 1' evaluated to UNDEFINED");
	jobend_policy_free(p);

	/* A string is not a truth value either. */
	s.periodic_hold = "\"yes\"";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_HOLD);
	cr_assert_eq(d.hold_code, 5);
	jobend_policy_free(p);
}

/* A caller's lookup: the job's +Attr values. */
static int
more(void *arg, int scope, const char *name, struct expr_value *out)
{
	if (strcasecmp(name, "Project") != 0)
		return -1;
	out->type = EXPR_STRING;
	out->s = xstrdup(arg);
	return 0;
}

Test(jobend, custom_attributes_come_from_the_callers_lookup)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	s.periodic_remove = "Project == \"thesis\"";
	p = policy(&s);
	ctx.more = more;
	ctx.more_arg = "thesis";
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_REMOVE);
	ctx.more_arg = "other";
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_NONE);
	jobend_policy_free(p);
}

Test(jobend, the_job_ad_names)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	struct jobend_decision	d;

	tj.goodput_ms = 30000;
	tj.started = NOW_MS - 10000;
	tj.ncompletions = 2;
	s.max_retries = 4;
	s.periodic_remove = "ClusterId == 7 && ProcId == 0 && "
	    "Owner == \"alice\" && JobRunCount == 1 && NumJobStarts == 1 && "
	    "NumJobCompletions == 2 && JobMaxRetries == 4 && "
	    "JobSuccessExitCode == 0 && RemoteWallClockTime == 40 && "
	    "QDate == 1795597200 && isUndefined(ExitCode)";
	p = policy(&s);
	cr_assert_eq(jobend_periodic(&ctx, &tj, p, &d), JOBEND_REMOVE,
	    "%s", d.why);
	jobend_policy_free(p);
}

Test(jobend, parse_errors_name_the_keyword)
{
	struct jobend_src	s = nosrc();
	struct jobend_policy	*p;
	char			 err[256];

	s.periodic_hold = "JobStatus = 2";
	cr_assert_eq(jobend_policy_new(&s, &p, err, sizeof err), -1);
	cr_assert_null(p);
	cr_assert(strncmp(err, "periodic_hold: column ", 22) == 0, "%s", err);

	s = nosrc();
	s.success_exit_code = "x";
	cr_assert_eq(jobend_policy_new(&s, &p, err, sizeof err), -1);
	cr_assert(strstr(err, "success_exit_code") != NULL, "%s", err);

	s = nosrc();
	s.on_exit_hold_reason = "strcat(";
	cr_assert_eq(jobend_policy_new(&s, &p, err, sizeof err), -1);
	cr_assert(strncmp(err, "on_exit_hold_reason: ", 21) == 0, "%s", err);
}

Test(jobend, policies_are_shared_when_written_alike)
{
	struct jobend_src	s = nosrc(), t;
	struct jobend_policy	*p, *q;

	s.periodic_remove = "false";
	s.max_retries = 2;
	p = policy(&s);
	cr_assert(jobend_policy_same(p, &s));
	t = s;
	t.max_retries = -1;
	cr_assert(!jobend_policy_same(p, &t));
	t = s;
	t.periodic_remove = "true";
	cr_assert(!jobend_policy_same(p, &t));
	cr_assert(jobend_policy_same(NULL, &(struct jobend_src){
	    .max_retries = -1 }));
	q = jobend_policy_ref(p);
	jobend_policy_free(p);
	jobend_policy_free(q);
}

Test(jobend, how_a_run_ended)
{
	struct jobend_run	r;
	struct jobend_decision	d;

	/* Evicted: back to idle, its checkpoint kept if it came intact. */
	r = exited(-1, 15);
	r.evicted = 1;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_REQUEUE);
	cr_assert(!d.keep_ckpt);
	cr_assert_str_eq(d.why, "vacated: the desktop's owner came back");
	r.checkpoint = 1;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert(d.keep_ckpt);
	cr_assert_str_eq(d.why, "vacated with a checkpoint");

	/* The agent says why it evicted the run: that is the reason. */
	r = exited(-1, 9);
	r.evicted = 1;
	r.kill_reason = "lease";
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_REQUEUE);
	cr_assert_str_eq(d.why, "evicted: the agent did not hear the "
	    "scheduler within the job lease");
	r.kill_reason = "owner";
	r.checkpoint = 1;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_str_eq(d.why, "vacated: the desktop's owner came back, "
	    "with a checkpoint");
	r.checkpoint = 0;
	r.kill_reason = "shutdown";
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_str_eq(d.why, "vacated: the agent shut down");
	r.kill_reason = "vacate";
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_str_eq(d.why, "vacated by cq vacate");
	/* A start it refused says what refused it. */
	r.kill_reason = "lease";
	r.error = "the agent is past its lease";
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_REQUEUE);
	cr_assert_str_eq(d.why, "the agent is past its lease");

	/* A periodic checkpoint: it runs on. */
	r = exited(85, 0);
	r.checkpoint = 1;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_RESTART);
	cr_assert(d.keep_ckpt);
	r.files = 0;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_RESTART);
	cr_assert(!d.keep_ckpt);

	/* Its output did not arrive: it runs again. */
	r = exited(0, 0);
	r.files = 0;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_REQUEUE);

	/* Output it cannot keep, files not asked for: TransferOutputError. */
	r.files = -1;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_HOLD);
	cr_assert_eq(d.hold_code, 12);
	r.files = -2;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.hold_code, 12);
	cr_assert(strstr(d.why, "did not ask for") != NULL);

	/* Over its memory: 34, HTCondor's text. */
	r = exited(-1, 9);
	r.memory_exceeded = 1;
	r.memory_limit_mb = 100;
	r.memory_peak_mb = 101;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_HOLD);
	cr_assert_eq(d.hold_code, JOBEND_HOLD_RESOURCES);
	cr_assert(strncmp(d.why, JOB_HOLD_MEMORY "100 megabytes. Peak usage: "
	    "101 megabytes.", strlen(JOB_HOLD_MEMORY) + 40) == 0, "%s",
	    d.why);

	/* A missing output: 12/2 (ENOENT). */
	r = exited(0, 0);
	r.missing = "out.dat";
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.hold_code, 12);
	cr_assert_eq(d.hold_subcode, 2);
	cr_assert_str_eq(d.why, "transfer_output_files: the job made no "
	    "out.dat");

	/* It could not start: 6. */
	r = exited(-1, 0);
	r.error = "exec: No such file or directory";
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_HOLD);
	cr_assert_eq(d.hold_code, JOBEND_HOLD_START);
	cr_assert_str_eq(d.why, "could not start: exec: No such file or "
	    "directory");

	/* cq vacate's kill is an eviction. */
	tj.vacating = 1;
	r = exited(-1, 15);
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_REQUEUE);
	cr_assert_str_eq(d.why, "vacated by cq vacate");
	/* ... but a run that ended by itself first is an end. */
	r = exited(0, 0);
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_COMPLETE);
	tj.vacating = 0;

	/* A hold or a removal killed it: only noted. */
	tj.state = JOB_HELD;
	r = exited(-1, 9);
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_NONE);
	tj.state = JOB_REMOVED;
	jobend_decide(&ctx, &tj, NULL, &r, &d);
	cr_assert_eq(d.action, JOBEND_NONE);
}

Test(jobend, action_names)
{
	cr_assert_str_eq(jobend_action_str(JOBEND_RETRY), "retry");
	cr_assert_str_eq(jobend_action_str(JOBEND_HOLD), "hold");
	cr_assert_str_eq(jobend_action_str((enum jobend_action)99),
	    "unknown");
}
