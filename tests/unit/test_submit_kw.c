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
#include "submit-int.h"

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
	    "max_retries = 3\nnotification = Never");
	cr_assert_eq(jd->priority, -5);
	cr_assert_str_eq(jd->rank, "Memory * 2");
	cr_assert_str_eq(jd->batch_name, "nightly");
	cr_assert_eq(jd->max_retries, 3);
	cr_assert_str_eq(jd->notification, "never");
	cr_assert_eq(with("priority = +7")->priority, 7);
	cr_assert_eq(with("priority = 2147483647")->priority, INT32_MAX);
	cr_assert_eq(with("priority = -2147483648")->priority, INT32_MIN);
	cr_assert_str_eq(with("batch_name = \"my runs\"")->batch_name,
	    "my runs");
	cr_assert_str_eq(with("notification = NEVER")->notification, "never");
	cr_assert_eq(with("max_retries = 0")->max_retries, 0);

	bad("priority = high", "t.sub:2: priority: 'high' is not an integer");
	bad("priority = 2147483648",
	    "t.sub:2: priority: '2147483648' is not an integer");
	bad("priority = 1.5", "t.sub:2: priority: '1.5' is not an integer");
	bad("max_retries = -1",
	    "t.sub:2: max_retries: '-1' is not a non-negative integer");
	bad("notification = sometimes", "t.sub:2: notification: expected "
	    "never, error, complete, start or always, not 'sometimes'");
	/* cq sends no mail: asking for it is refused, not kept. */
	bad("notification = Complete", "t.sub:2: notification: cq does not "
	    "support e-mail notifications (only never; HTCondor's "
	    "notification = complete)");
	bad("notification = error", "t.sub:2: notification: cq does not "
	    "support e-mail notifications (only never; HTCondor's "
	    "notification = error)");
	bad("notification = Always", "t.sub:2: notification: cq does not "
	    "support e-mail notifications (only never; HTCondor's "
	    "notification = always)");
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

Test(submit_kw, expected_runtime_is_seconds)
{
	struct jobdesc	*jd;

	jd = with("+ExpectedRuntime = 2 * 3600");
	cr_assert_eq(jsonx_int(jd->custom, "ExpectedRuntime", 0), 7200);
	jd = with("MY.expectedruntime = 90.5");
	cr_assert_not_null(jsonx_get(jd->custom, "expectedruntime"));
	bad("+ExpectedRuntime = -5", "t.sub:2: +ExpectedRuntime: expected "
	    "the job's run time in seconds (a number, at least 0)");
	bad_start("+ExpectedRuntime = \"1h\"", "t.sub:2: +ExpectedRuntime: "
	    "expected the job's run time in seconds");
	bad_start("+ExpectedRuntime = true", "t.sub:2: +ExpectedRuntime: "
	    "expected the job's run time in seconds");
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

/*
 * HTCondor's submit commands (its manual and condor_submit's table of
 * them), each either acted on by cq (submit-kw.c) or refused at its line
 * with what cq lacks (submit-unsup.c): none is taken as a macro and
 * ignored.  The families (request_NAME, ec2_..., NAME_oauth_...) too.
 */
static const char *const htcondor_commands[] = {
	"accounting_group", "accounting_group_user", "allow_arguments_v1",
	"allow_environment_v1", "allowed_execute_duration",
	"allowed_job_duration", "append_files", "arc_application",
	"arc_data_staging", "arc_resources", "arc_rte", "arguments",
	"arguments2", "aws_access_key_id_file", "aws_region",
	"aws_secret_access_key_file", "azure_admin_key",
	"azure_admin_username", "azure_auth_file", "azure_image",
	"azure_location", "azure_size", "batch_extra_submit_args",
	"batch_id", "batch_name", "batch_project", "batch_queue",
	"batch_runtime", "buffer_block_size", "buffer_files", "buffer_size",
	"checkpoint_destination", "checkpoint_exit_code", "cloud_label_names",
	"cloud_label_x", "common_input_files", "compress_files",
	"concurrency_limits", "concurrency_limits_expr", "container_image",
	"container_is_common", "container_service_names",
	"container_target_dir", "copy_to_spool", "core_size", "coresize",
	"cron_day_of_month", "cron_day_of_week", "cron_hour", "cron_minute",
	"cron_month", "cron_prep_time", "cron_window", "cuda_version",
	"dagman_job_id", "dagman_log", "deferral_prep_time", "deferral_time",
	"deferral_window", "delegate_job_gsi_credentials_lifetime",
	"description", "disk_usage", "docker_image", "docker_network_type",
	"docker_override_entrypoint", "docker_pull_policy",
	"docker_send_credentials", "dont_encrypt_input_files",
	"dont_encrypt_output_files", "ec2_access_key_id", "ec2_ami_id",
	"ec2_availability_zone", "ec2_block_device_mapping", "ec2_ebs_volumes",
	"ec2_elastic_ip", "ec2_iam_profile_arn", "ec2_iam_profile_name",
	"ec2_instance_type", "ec2_keypair", "ec2_keypair_file",
	"ec2_parameter_names", "ec2_secret_access_key", "ec2_security_groups",
	"ec2_security_ids", "ec2_spot_price", "ec2_tag_names",
	"ec2_user_data", "ec2_user_data_file", "ec2_vpc_ip", "ec2_vpc_subnet",
	"email_attributes", "encrypt_execute_directory", "encrypt_input_files",
	"encrypt_output_files", "env", "environment", "environment2",
	"erase_output_and_error_on_restart", "error", "executable",
	"exit_requirements", "fetch_files", "file_remaps", "gce_account",
	"gce_auth_file", "gce_image", "gce_json_file", "gce_machine_type",
	"gce_metadata", "gce_metadata_file", "gce_preemptible", "get_env",
	"getenv", "gpus_maximum_capability", "gpus_minimum_capability",
	"gpus_minimum_memory", "gpus_minimum_runtime", "grid_resource",
	"gs_access_key_id_file", "gs_secret_access_key_file", "hold",
	"hold_kill_sig", "image_size", "initial_dir", "initialdir", "input",
	"interactive_args", "interactive_executable", "jar_files",
	"java_vm_args", "java_vm_arguments", "java_vm_arguments2",
	"job_ad_information_attrs", "job_iwd", "job_lease_duration",
	"job_machine_attrs", "job_machine_attrs_history_length",
	"job_max_vacate_time", "jobset", "keep_claim_idle", "kill_sig",
	"kill_sig_timeout", "leave_in_queue", "load_profile", "local_files",
	"log", "log_xml", "machine_count", "manifest", "manifest_dir",
	"match_list_length", "materialize_max_idle", "max_idle",
	"max_job_retirement_time", "max_materialize", "max_retries",
	"max_transfer_input_mb", "max_transfer_output_mb", "memory_usage",
	"mount_under_scratch", "next_job_start_delay", "nice_user",
	"node_count", "nodecount", "noop_job", "noop_job_exit_code",
	"noop_job_exit_signal", "notification", "notify_user",
	"on_evict_checks", "on_exit_hold", "on_exit_hold_reason",
	"on_exit_hold_subcode", "on_exit_remove", "output",
	"output_destination", "output_directory", "parallel_script_shadow",
	"parallel_script_starter", "periodic_hold", "periodic_hold_reason",
	"periodic_hold_subcode", "periodic_release", "periodic_remove",
	"periodic_vacate", "preferences", "preserve_relative_paths",
	"primary_unix_group", "prio", "priority", "public_input_files",
	"rank", "remote_initialdir", "remove_kill_sig", "rendezvousdir",
	"request_cpus", "request_disk", "request_gpus", "request_memory",
	"request_licenses", "require_gpus", "requirements", "retry_request_memory",
	"retry_request_memory_increase", "retry_request_memory_max",
	"retry_until", "run_as_owner", "s3_access_key_id_file",
	"s3_secret_access_key_file", "scitokens_file", "send_credential",
	"shell", "should_transfer_files", "skip_filechecks",
	"skip_if_dataflow", "stack_size", "starter_debug", "starter_log",
	"stderr", "stdin", "stdout", "stream_error", "stream_input",
	"stream_output", "submit_event_notes", "submit_event_user_notes",
	"success_exit_code", "suspend_job_at_exec", "tool_daemon_args",
	"tool_daemon_arguments", "tool_daemon_arguments2", "tool_daemon_cmd",
	"tool_daemon_error", "tool_daemon_input", "tool_daemon_output",
	"transfer_checkpoint_files", "transfer_container", "transfer_error",
	"transfer_executable", "transfer_input", "transfer_input_files",
	"transfer_output", "transfer_output_files", "transfer_output_remaps",
	"transfer_plugins", "transferinputfiles", "transferoutputfiles",
	"ulog_execute_attrs", "universe", "use_oauth_services",
	"use_scitoken", "use_scitokens", "use_x509userproxy",
	"useoauthservices", "vm_checkpoint", "vm_disk", "vm_macaddr",
	"vm_memory", "vm_networking", "vm_networking_type", "vm_no_output_vm",
	"vm_type", "vm_vcpus", "vm_vnc", "want_ads", "want_graceful_removal",
	"want_io_proxy", "want_job_networking", "want_remote_io",
	"wantnametag", "when_to_transfer_output", "x509userproxy",
	"xen_initrd", "xen_kernel", "xen_kernel_params", "xen_root",
	"box_oauth_permissions", "box_oauth_resource", "web_container_port",
	"transform_body_x",
};

/* The commands cq acts on (submit-kw.c), of the list above. */
static const char *const cq_commands[] = {
	"accounting_group", "accounting_group_user", "arguments", "batch_name",
	"checkpoint_exit_code", "concurrency_limits", "environment", "error",
	"executable", "getenv", "hold", "initialdir", "input", "kill_sig",
	"log",
	"materialize_max_idle", "max_idle", "max_materialize",
	"max_retries", "nice_user", "notification", "on_exit_hold",
	"on_exit_hold_reason", "on_exit_hold_subcode", "on_exit_remove",
	"output", "periodic_hold", "periodic_hold_reason",
	"periodic_hold_subcode", "periodic_release", "periodic_remove",
	"priority", "rank", "request_cpus", "request_disk", "request_memory",
	"requirements", "retry_until", "should_transfer_files",
	"success_exit_code", "transfer_checkpoint_files",
	"transfer_executable", "transfer_input_files",
	"transfer_output_files", "universe", "when_to_transfer_output",
	/* condor_submit's other names of them, and its own switches. */
	"arguments2", "env", "initial_dir", "job_iwd", "preferences",
	"skip_filechecks", "stderr", "stdin", "stdout", "transferinputfiles",
	"transferoutputfiles",
};

static int
is_cq_command(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(cq_commands) / sizeof(cq_commands[0]); i++)
		if (strcmp(cq_commands[i], name) == 0)
			return 1;
	return 0;
}

Test(submit_kw, every_htcondor_command_acted_on_or_refused)
{
	char	 line[160], want[160];
	size_t	 i, refused = 0;

	for (i = 0; i < sizeof(htcondor_commands) /
	    sizeof(htcondor_commands[0]); i++) {
		const char *name = htcondor_commands[i];

		if (is_cq_command(name)) {
			cr_assert(submit_kw_known(name), "%s is not acted on",
			    name);
			cr_assert_null(submit_kw_unsupported_what(name),
			    "%s is both acted on and refused", name);
			continue;
		}
		cr_assert_not_null(submit_kw_unsupported_what(name),
		    "%s would be taken as a macro in silence", name);
		/* A value no command takes as its default. */
		snprintf(line, sizeof(line), "%s = 17x", name);
		snprintf(want, sizeof(want), "t.sub:2: %s: cq does not "
		    "support ", name);
		bad_start(line, want);
		cr_assert(strstr(err, "(HTCondor's submit command ") != NULL,
		    "%s", err);
		teardown();
		refused++;
	}
	cr_assert_gt(refused, 200);
	/* Any case, as HTCondor reads them. */
	bad_start("Notify_User = me@example.org",
	    "t.sub:2: notify_user: cq does not support e-mail notifications");
	bad_start("Get_Env = true", "t.sub:2: get_env: cq does not support "
	    "the get_env spelling (use getenv)");
}

Test(submit_kw, harmless_defaults_accepted)
{
	/* What asks nothing of cq, or what cq always does. */
	with("hold = false\nleave_in_queue = False\nmachine_count = 1\n"
	    "copy_to_spool = true\ntransfer_executable = TRUE\n"
	    "want_job_networking = true\nlog_xml = no\n"
	    "request_licenses = 0\nstream_input = 0\n"
	    "transfer_output = yes\nnotification = never");
	teardown();
	/* A user's macro that is no command of HTCondor's stays a macro. */
	cr_assert_str_eq(with("my_dir = /data\ninput = $(my_dir)/in")->input,
	    "/data/in");
	teardown();
	bad_start("request_licenses = 2",
	    "t.sub:2: request_licenses: cq does not support custom machine "
	    "resources");
	bad_start("copy_to_spool = false", "t.sub:2: copy_to_spool: cq does "
	    "not support running the executable from its path");
}
