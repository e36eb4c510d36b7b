/*
 * test_submit_kw.c: unit tests of the submit language's keywords
 * (common/submit-kw.c) beyond the basic ones of test_submit.c:
 * scheduling, file transfer, checkpoints, policy expressions, custom
 * attributes written My.Attr, getenv's list form, the size units, and
 * HTCondor's own examples of the arguments and environment syntaxes.
 * Buffers are parsed as "t.sub" from /home/u (parse_fixture.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jobdesc.h"
#include "jsonx.h"
#include "submit.h"

#include "parse_fixture.h"

TestSuite(submit_kw, .fini = teardown);

/* One job from "executable = /bin/true", LINES, "queue". */
static struct jobdesc *
with(const char *lines)
{
	static char	 text[4096];

	snprintf(text, sizeof(text), "executable = /bin/true\n%s\nqueue\n",
	    lines);
	return one(text);
}

/* The error of "executable = /bin/true", LINE (line 2), "queue". */
static void
bad(const char *line, const char *msg)
{
	static char	 text[4096];

	snprintf(text, sizeof(text), "executable = /bin/true\n%s\nqueue\n",
	    line);
	fails(text, msg);
}

/* The same when only the start of the message is known. */
static void
bad_start(const char *line, const char *msg)
{
	static char	 text[4096];

	snprintf(text, sizeof(text), "executable = /bin/true\n%s\nqueue\n",
	    line);
	cr_assert_eq(parse(text), -1, "parse of <%s> succeeded", text);
	cr_assert(strncmp(err, msg, strlen(msg)) == 0, "%s", err);
	cr_assert_null(jobs);
}

static void
strv_is(char **v, size_t n, size_t wantn, const char **want)
{
	size_t	 i;

	cr_assert_eq(n, wantn, "%zu entries, want %zu", n, wantn);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(v[i], want[i], "entry %zu", i);
	cr_assert_null(v[n]);
}

Test(submit_kw, defaults_of_the_new_members)
{
	struct jobdesc	*jd = with("");

	cr_assert_eq(jd->priority, 0);
	cr_assert_null(jd->rank);
	cr_assert_null(jd->batch_name);
	cr_assert_eq(jd->max_retries, -1);
	cr_assert_null(jd->notification);
	cr_assert_eq(jd->should_transfer, JD_XFER_IF_NEEDED);
	cr_assert_eq(jd->when_to_transfer, JD_WHEN_ON_EXIT);
	cr_assert_eq(jd->nxfer_in, 0);
	cr_assert_null(jd->xfer_in[0]);
	cr_assert_null(jd->xfer_out);
	cr_assert_eq(jd->checkpoint_exit_code, -1);
	cr_assert_eq(jd->nckpt_files, 0);
	cr_assert_null(jd->ckpt_files[0]);
	cr_assert_null(jd->checkpoint);
	cr_assert_null(jd->kill_sig);
	cr_assert_null(jd->on_exit_remove);
	cr_assert_null(jd->periodic_hold);
	cr_assert_null(jd->periodic_release);
	cr_assert_null(jd->periodic_remove);
}

Test(submit_kw, scheduling)
{
	struct jobdesc	*jd;

	jd = with("Priority = -5\nrank = Memory * 2\nbatch_name = nightly\n"
	    "max_retries = 3\nnotification = Complete");
	cr_assert_eq(jd->priority, -5);
	cr_assert_str_eq(jd->rank, "Memory * 2");
	cr_assert_str_eq(jd->batch_name, "nightly");
	cr_assert_eq(jd->max_retries, 3);
	cr_assert_str_eq(jd->notification, "complete");
	cr_assert_eq(with("priority = +7")->priority, 7);
	cr_assert_eq(with("priority = 2147483647")->priority, INT32_MAX);
	cr_assert_eq(with("priority = -2147483648")->priority, INT32_MIN);
	cr_assert_str_eq(with("batch_name = \"my runs\"")->batch_name,
	    "my runs");
	cr_assert_str_eq(with("notification = NEVER")->notification, "never");
	cr_assert_str_eq(with("notification = error")->notification, "error");
	cr_assert_str_eq(with("notification = Always")->notification,
	    "always");
	cr_assert_eq(with("max_retries = 0")->max_retries, 0);

	bad("priority = high", "t.sub:2: priority: 'high' is not an integer");
	bad("priority = 2147483648",
	    "t.sub:2: priority: '2147483648' is not an integer");
	bad("priority = 1.5", "t.sub:2: priority: '1.5' is not an integer");
	bad("max_retries = -1",
	    "t.sub:2: max_retries: '-1' is not a non-negative integer");
	bad("notification = sometimes", "t.sub:2: notification: expected "
	    "never, error, complete or always, not 'sometimes'");
}

Test(submit_kw, fair_share_and_limits)
{
	struct jobdesc	*jd;

	jd = with("accounting_group = group_physics.higgs\n"
	    "accounting_group_user = alice\n"
	    "concurrency_limits = lic, db:3 ,Other.Name:2\nnice_user = True");
	cr_assert_str_eq(jd->accounting_group, "group_physics.higgs");
	cr_assert_str_eq(jd->accounting_group_user, "alice");
	cr_assert_str_eq(jd->concurrency_limits, "lic, db:3 ,Other.Name:2");
	cr_assert_eq(jd->nice_user, 1);
	cr_assert_str_eq(with("accounting_group = \"cms\"")->accounting_group,
	    "cms");
	cr_assert_eq(with("nice_user = no")->nice_user, 0);
	cr_assert_null(with("")->accounting_group);
	cr_assert_eq(with("")->nice_user, 0);

	bad("accounting_group = a b", "t.sub:2: accounting_group: not a "
	    "group name (letters, digits, '_', '-', '.')");
	bad("accounting_group = .x", "t.sub:2: accounting_group: not a "
	    "group name (letters, digits, '_', '-', '.')");
	bad("accounting_group_user = bob", "t.sub:2: accounting_group_user: "
	    "needs accounting_group (the submitter is group.user)");
	bad("concurrency_limits = lic:0",
	    "t.sub:2: a limit's count must be at least 1");
	bad("concurrency_limits = lic:1.5", "t.sub:2: expected NAME or "
	    "NAME:N, separated by commas");
	bad("concurrency_limits = lic, LIC:2",
	    "t.sub:2: concurrency_limits names a limit twice");
	bad("concurrency_limits = 9lic", "t.sub:2: a limit's name must start "
	    "with a letter or '_' and hold only letters, digits, '_' and '.'");
	bad("nice_user = sometimes",
	    "t.sub:2: nice_user: expected true or false, not 'sometimes'");
}

Test(submit_kw, file_transfer)
{
	struct jobdesc	*jd;
	const char	*in[] = { "/home/u/run/a.txt", "/data/b",
	    "/home/u/run/dir/", "/home/u/run/../c" };
	const char	*out[] = { "res.dat", "sub/x", "y" };

	jd = with("initialdir = run\n"
	    "should_transfer_files = YES\n"
	    "when_to_transfer_output = on_exit_or_evict\n"
	    "transfer_input_files = a.txt, /data/b,dir/  ../c\n"
	    "transfer_output_files = res.dat, ./sub//x y/");
	cr_assert_eq(jd->should_transfer, JD_XFER_YES);
	cr_assert_eq(jd->when_to_transfer, JD_WHEN_ON_EXIT_OR_EVICT);
	strv_is(jd->xfer_in, jd->nxfer_in, 4, in);
	strv_is(jd->xfer_out, jd->nxfer_out, 3, out);
	cr_assert_eq(with("should_transfer_files = no")->should_transfer,
	    JD_XFER_NO);
	cr_assert_eq(with("should_transfer_files = If_Needed")
	    ->should_transfer, JD_XFER_IF_NEEDED);
	cr_assert_eq(with("when_to_transfer_output = ON_EXIT")
	    ->when_to_transfer, JD_WHEN_ON_EXIT);

	bad("should_transfer_files = maybe", "t.sub:2: should_transfer_files: "
	    "expected YES, NO or IF_NEEDED, not 'maybe'");
	bad("when_to_transfer_output = never", "t.sub:2: "
	    "when_to_transfer_output: expected ON_EXIT or ON_EXIT_OR_EVICT, "
	    "not 'never'");
	bad("transfer_output_files = /etc/passwd", "t.sub:2: "
	    "transfer_output_files: '/etc/passwd': cq does not support "
	    "absolute paths here (HTCondor's output files from outside the "
	    "job's directory)");
	bad("transfer_output_files = a/../../b", "t.sub:2: "
	    "transfer_output_files: 'a/../../b' is not a relative path "
	    "inside the job's directory");
	bad("transfer_input_files = http://x/y", "t.sub:2: "
	    "transfer_input_files: 'http://x/y': URLs are not supported");
}

Test(submit_kw, checkpoints_and_signals)
{
	struct jobdesc	*jd;
	const char	*ck[] = { "state.bin", "dir/more" };

	jd = with("checkpoint_exit_code = 85\n"
	    "transfer_checkpoint_files = state.bin, dir/more\n"
	    "checkpoint = CRIU\nkill_sig = SIGUSR1");
	cr_assert_eq(jd->checkpoint_exit_code, 85);
	strv_is(jd->ckpt_files, jd->nckpt_files, 2, ck);
	cr_assert_str_eq(jd->checkpoint, "criu");
	cr_assert_str_eq(jd->kill_sig, "SIGUSR1");
	cr_assert_str_eq(with("kill_sig = term")->kill_sig, "SIGTERM");
	cr_assert_str_eq(with("kill_sig = 9")->kill_sig, "SIGKILL");

	bad("checkpoint_exit_code = 256", "t.sub:2: checkpoint_exit_code: "
	    "'256' is not an exit code (0 to 255)");
	bad("checkpoint = dmtcp",
	    "t.sub:2: checkpoint: 'dmtcp' is not supported (only criu)");
	bad("kill_sig = SIGNOPE", "t.sub:2: kill_sig: 'SIGNOPE' is not a "
	    "signal");
	bad("kill_sig = 99", "t.sub:2: kill_sig: '99' is not a signal");
	bad("transfer_checkpoint_files = ../x", "t.sub:2: "
	    "transfer_checkpoint_files: '../x' is not a relative path inside "
	    "the job's directory");
}

Test(submit_kw, policy_expressions_kept_as_text)
{
	struct jobdesc	*jd;

	jd = with("on_exit_remove = ExitCode == 0\n"
	    "periodic_hold = (time() - JobStartDate) > 3600\n"
	    "periodic_release = NumJobStarts < 3\n"
	    "periodic_remove = JobStatus == 5");
	cr_assert_str_eq(jd->on_exit_remove, "ExitCode == 0");
	cr_assert_str_eq(jd->periodic_hold, "(time() - JobStartDate) > 3600");
	cr_assert_str_eq(jd->periodic_release, "NumJobStarts < 3");
	cr_assert_str_eq(jd->periodic_remove, "JobStatus == 5");

	jd = with("on_exit_hold = ExitCode != 0\n"
	    "on_exit_hold_reason = \"bad exit\"\n"
	    "on_exit_hold_subcode = 42\nperiodic_hold_reason = \"slow\"\n"
	    "periodic_hold_subcode = ExitCode\nsuccess_exit_code = 3\n"
	    "retry_until = 4");
	cr_assert_str_eq(jd->on_exit_hold, "ExitCode != 0");
	cr_assert_str_eq(jd->on_exit_hold_reason, "\"bad exit\"");
	cr_assert_str_eq(jd->on_exit_hold_subcode, "42");
	cr_assert_str_eq(jd->periodic_hold_reason, "\"slow\"");
	cr_assert_str_eq(jd->periodic_hold_subcode, "ExitCode");
	cr_assert_str_eq(jd->success_exit_code, "3");
	cr_assert_str_eq(jd->retry_until, "4");
	cr_assert_str_eq(with("retry_until = ExitCode > 3")->retry_until,
	    "ExitCode > 3");
}

Test(submit_kw, policy_expressions_that_do_not_parse)
{
	bad("periodic_remove = JobStatus = 5", "t.sub:2: periodic_remove: "
	    "column 11: '=' is not an operator (use == or =?=)");
	bad_start("on_exit_remove = ExitCode ==", "t.sub:2: on_exit_remove: "
	    "column ");
	bad_start("on_exit_hold_reason = strcat(\"x\"", "t.sub:2: "
	    "on_exit_hold_reason: column ");
	bad("success_exit_code = zero", "t.sub:2: success_exit_code: "
	    "'zero' is not an exit code (0 to 255)");
	bad("success_exit_code = 256", "t.sub:2: success_exit_code: "
	    "'256' is not an exit code (0 to 255)");
	bad_start("retry_until = ExitCode >", "t.sub:2: retry_until: column ");
}

Test(submit_kw, my_attr_and_plus_attr_are_one)
{
	struct jobdesc	*jd;

	jd = with("My.Project = \"x\"\n+Team = 3\nMY.team = 4");
	cr_assert_eq(json_object_object_length(jd->custom), 2);
	cr_assert_str_eq(jsonx_str(jd->custom, "Project", NULL), "x");
	cr_assert_eq(jsonx_int(jd->custom, "team", 0), 4);
	bad("My.1x = 2", "t.sub:2: bad name 'My.1x'");
}

Test(submit_kw, getenv_list_form)
{
	struct jobdesc	*jd;

	jd = with("getenv = HOME, LA*");
	cr_assert_eq(jd->nenv, 2);
	cr_assert_str_eq(env_get(jd, "HOME"), "/home/u");
	cr_assert_str_eq(env_get(jd, "LANG"), "C");
	jd = with("getenv = *, !PATH");
	cr_assert_eq(jd->nenv, 2);
	cr_assert_null(env_get(jd, "PATH"));
	jd = with("getenv = NOSUCH");
	cr_assert_eq(jd->nenv, 0);
	jd = with("getenv = YES");
	cr_assert_eq(jd->nenv, 3);
}

Test(submit_kw, units)
{
	cr_assert_eq(with("request_memory = 2 GB")->request_memory_mb, 2048);
	cr_assert_eq(with("request_memory = 512M")->request_memory_mb, 512);
	cr_assert_eq(with("request_memory = 1GiB")->request_memory_mb, 1024);
	cr_assert_eq(with("request_memory = 3 mib")->request_memory_mb, 3);
	cr_assert_eq(with("request_memory = 2048 KiB")->request_memory_mb, 2);
	cr_assert_eq(with("request_disk = 1 MiB")->request_disk_kb, 1024);
	cr_assert_eq(with("request_disk = 10")->request_disk_kb, 10);
	cr_assert_eq(with("request_disk = 2 Tib")->request_disk_kb,
	    2LL * 1024 * 1024 * 1024);
	bad("request_memory = 1 iB", "t.sub:2: request_memory: bad size "
	    "'1 iB' (a number, optionally followed by K, M, G or T)");
	bad("request_disk = 1 KiBB", "t.sub:2: request_disk: bad size "
	    "'1 KiBB' (a number, optionally followed by K, M, G or T)");
}

/* The examples of HTCondor's condor_submit manual, arguments. */
Test(submit_kw, arguments_manual_examples)
{
	const char	*a[] = { "3", "simple", "arguments" };
	const char	*b[] = { "one", "two with spaces", "3" };
	const char	*c[] = { "one", "\"two\"", "spacey 'quoted' argument" };
	const char	*d[] = { "one", "\"two\"", "'three'" };
	struct jobdesc	*jd;

	jd = with("arguments = \"3 simple arguments\"");
	strv_is(jd->argv, jd->argc, 3, a);
	jd = with("arguments = \"one 'two with spaces' 3\"");
	strv_is(jd->argv, jd->argc, 3, b);
	jd = with("arguments = \"one \"\"two\"\" 'spacey ''quoted'' "
	    "argument'\"");
	strv_is(jd->argv, jd->argc, 3, c);
	/* The old syntax: \" is a quote, single quotes are plain text. */
	jd = with("arguments = one \\\"two\\\" 'three'");
	strv_is(jd->argv, jd->argc, 3, d);
}

/* The examples of HTCondor's condor_submit manual, environment. */
Test(submit_kw, environment_manual_examples)
{
	struct jobdesc	*jd;

	jd = with("environment = \"one=1 two=\"\"2\"\" three='spacey "
	    "''quoted'' value'\"");
	cr_assert_eq(jd->nenv, 3);
	cr_assert_str_eq(env_get(jd, "one"), "1");
	cr_assert_str_eq(env_get(jd, "two"), "\"2\"");
	cr_assert_str_eq(env_get(jd, "three"), "spacey 'quoted' value");
	jd = with("environment = one=1;two=2;three=\"quotes have no "
	    "'special' meaning\"");
	cr_assert_eq(jd->nenv, 3);
	cr_assert_str_eq(env_get(jd, "two"), "2");
	cr_assert_str_eq(env_get(jd, "three"),
	    "\"quotes have no 'special' meaning\"");
}

/* What the parser makes passes the scheduler's strict decoder. */
Test(submit_kw, round_trips_through_the_wire_form)
{
	struct jobdesc		*jd, back;
	struct json_object	*o, *o2;
	const char		*errstr = NULL;

	jd = with("initialdir = r\npriority = 3\nrank = Mips\n"
	    "batch_name = b\nmax_retries = 2\nnotification = never\n"
	    "should_transfer_files = YES\n"
	    "when_to_transfer_output = ON_EXIT_OR_EVICT\n"
	    "transfer_input_files = a, d/\ntransfer_output_files = o\n"
	    "checkpoint_exit_code = 85\ntransfer_checkpoint_files = c\n"
	    "checkpoint = criu\nkill_sig = INT\non_exit_remove = true\n"
	    "periodic_hold = false\nperiodic_release = true\n"
	    "periodic_remove = false\nMy.X = 1\naccounting_group = g\n"
	    "accounting_group_user = u\nconcurrency_limits = lic:2\n"
	    "nice_user = true");
	o = jobdesc_to_json(jd);
	cr_assert_eq(jobdesc_from_json(o, &back, &errstr), 0, "%s", errstr);
	o2 = jobdesc_to_json(&back);
	cr_assert_str_eq(json_object_to_json_string(o),
	    json_object_to_json_string(o2));
	cr_assert_str_eq(jsonx_str(o, "kill_sig", NULL), "SIGINT");
	json_object_put(o);
	json_object_put(o2);
	jobdesc_free(&back);
}

/* The wire form leaves defaults out; decoding puts them back. */
Test(submit_kw, wire_form_leaves_defaults_out)
{
	struct jobdesc		*jd, back;
	struct json_object	*w, *full, *full2;
	const char		*errstr = NULL;

	jd = with("priority = 2\nmax_retries = 0");
	w = jobdesc_to_wire(jd);
	cr_assert_eq(jsonx_int(w, "priority", -1), 2);
	cr_assert_eq(jsonx_int(w, "max_retries", -1), 0);
	cr_assert(!json_object_object_get_ex(w, "rank", NULL));
	cr_assert(!json_object_object_get_ex(w, "should_transfer_files", NULL));
	cr_assert(!json_object_object_get_ex(w, "transfer_input_files", NULL));
	cr_assert(!json_object_object_get_ex(w, "checkpoint_exit_code", NULL));
	cr_assert(json_object_object_get_ex(w, "output", NULL));	/* core */
	cr_assert_eq(jobdesc_from_json(w, &back, &errstr), 0, "%s", errstr);
	full = jobdesc_to_json(jd);
	full2 = jobdesc_to_json(&back);
	cr_assert_str_eq(json_object_to_json_string(full),
	    json_object_to_json_string(full2));
	json_object_put(w);
	json_object_put(full);
	json_object_put(full2);
	jobdesc_free(&back);
}
