/*
 * submit-unsup.c: HTCondor submit commands cq does not act on.  In the
 * submit language any `name = value` is a macro, so without this table
 * such a command would be taken as a macro and ignored without a word;
 * cq's rule is that no keyword is accepted and then ignored.  A file that
 * sets one is refused at its queue statement with the line of the
 * definition and what is missing, unless the value is the command's
 * harmless default (`hold = false`, `request_gpus = 0`), which asks for
 * nothing cq lacks.  Called by submit-queue.c.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "submit-int.h"

struct submit_unsup {
	const char	*name;
	const char	*harmless;	/* a value that asks nothing, or NULL */
	const char	*what;		/* what cq does not do */
};

#define GRID	"grid, cloud and batch-system jobs"
#define VM	"the vm universe"
#define CONT	"containers"
#define JAVA	"the java universe"
#define PAR	"the parallel universe"
#define TOOL	"tool daemons"
#define SIO	"the standard universe's remote I/O"
#define CRON	"CronTab scheduling"
#define DEFER	"deferred starts"
#define ENC	"per-file encryption"
#define GPU	"GPUs"
#define MAIL	"e-mail notifications"
#define X509	"X.509 proxies"
#define TOKENS	"credentials sent with the job (tokens, OAuth)"
#define INTER	"interactive jobs"
#define DAG	"DAGMan"
#define NOOP	"no-op jobs"
#define MEMRETRY "retrying with more memory"
#define XFERLIM	"transfer size limits"

/*
 * Every HTCondor submit command cq does not act on, with the value that
 * asks nothing of it where there is one (its default, or what cq always
 * does).  The commands cq acts on are submit-kw.c's table; HTCondor's
 * other spellings of those are below, refused with cq's name for them.
 */
static const struct submit_unsup submit_unsup[] = {
	{ "allow_arguments_v1", "false", "the allow_arguments_v1 switch" },
	{ "allow_environment_v1", "false",
	    "the allow_environment_v1 switch" },
	{ "allowed_execute_duration", NULL, "execution duration limits" },
	{ "allowed_job_duration", NULL, "job duration limits" },
	{ "append_files", NULL, SIO },
	{ "arc_application", NULL, GRID },
	{ "arc_data_staging", NULL, GRID },
	{ "arc_resources", NULL, GRID },
	{ "arc_rte", NULL, GRID },
	{ "aws_access_key_id_file", NULL, GRID },
	{ "aws_region", NULL, GRID },
	{ "aws_secret_access_key_file", NULL, GRID },
	{ "batch_extra_submit_args", NULL, GRID },
	{ "batch_id", NULL, "batch ids (batch_name groups a cluster)" },
	{ "batch_project", NULL, GRID },
	{ "batch_queue", NULL, GRID },
	{ "batch_runtime", NULL, GRID },
	{ "buffer_block_size", NULL, SIO },
	{ "buffer_files", NULL, SIO },
	{ "buffer_size", NULL, SIO },
	{ "checkpoint_destination", NULL,
	    "checkpoint destinations (checkpoints go to the scheduler)" },
	{ "cloud_label_names", NULL, GRID },
	{ "common_input_files", NULL, "input files shared by a cluster" },
	{ "compress_files", NULL, SIO },
	{ "concurrency_limits_expr", NULL,
	    "concurrency limits as an expression (use concurrency_limits)" },
	{ "container_image", NULL, CONT },
	{ "container_is_common", "false", CONT },
	{ "container_service_names", NULL, CONT },
	{ "container_target_dir", NULL, CONT },
	{ "copy_to_spool", "true",
	    "running the executable from its path without a copy (cq "
	    "always copies it at submit)" },
	{ "core_size", NULL, "a core file size limit" },
	{ "coresize", NULL, "a core file size limit" },
	{ "cron_day_of_month", NULL, CRON },
	{ "cron_day_of_week", NULL, CRON },
	{ "cron_hour", NULL, CRON },
	{ "cron_minute", NULL, CRON },
	{ "cron_month", NULL, CRON },
	{ "cron_prep_time", NULL, CRON },
	{ "cron_window", NULL, CRON },
	{ "cuda_version", NULL, GPU },
	{ "dagman_job_id", NULL, DAG },
	{ "dagman_log", NULL, DAG },
	{ "deferral_prep_time", NULL, DEFER },
	{ "deferral_time", NULL, DEFER },
	{ "deferral_window", NULL, DEFER },
	{ "delegate_job_gsi_credentials_lifetime", NULL, X509 },
	{ "description", NULL, "job descriptions (use batch_name)" },
	{ "disk_usage", NULL, "disk usage hints (use request_disk)" },
	{ "docker_image", NULL, CONT },
	{ "docker_network_type", NULL, CONT },
	{ "docker_override_entrypoint", NULL, CONT },
	{ "docker_pull_policy", NULL, CONT },
	{ "docker_send_credentials", NULL, CONT },
	{ "dont_encrypt_input_files", NULL, ENC },
	{ "dont_encrypt_output_files", NULL, ENC },
	{ "email_attributes", NULL, MAIL },
	{ "encrypt_execute_directory", "false",
	    "encrypted execute directories" },
	{ "encrypt_input_files", NULL, ENC },
	{ "encrypt_output_files", NULL, ENC },
	{ "environment2", NULL, "the environment2 spelling (use environment)" },
	{ "erase_output_and_error_on_restart", NULL,
	    "choosing whether a restart erases output and error" },
	{ "exit_requirements", NULL, "exit requirements" },
	{ "fetch_files", NULL, SIO },
	{ "file_remaps", NULL, SIO },
	{ "get_env", NULL, "the get_env spelling (use getenv)" },
	{ "grid_resource", NULL, GRID },
	{ "gs_access_key_id_file", NULL, GRID },
	{ "gs_secret_access_key_file", NULL, GRID },
	{ "hold_kill_sig", NULL, "a hold's own kill signal" },
	{ "image_size", NULL, "image size hints (use request_memory)" },
	{ "interactive_args", NULL, INTER },
	{ "interactive_executable", NULL, INTER },
	{ "jar_files", NULL, JAVA },
	{ "java_vm_args", NULL, JAVA },
	{ "java_vm_arguments", NULL, JAVA },
	{ "java_vm_arguments2", NULL, JAVA },
	{ "job_ad_information_attrs", NULL,
	    "job ad attributes copied into the user log" },
	{ "job_lease_duration", NULL,
	    "a job's own lease (the scheduler's job_lease rules)" },
	{ "job_machine_attrs", NULL, "machine attribute history" },
	{ "job_machine_attrs_history_length", NULL,
	    "machine attribute history" },
	{ "job_max_vacate_time", NULL,
	    "a job's own vacate time (the desktop's max_vacate_time rules)" },
	{ "jobset", NULL, "job sets" },
	{ "keep_claim_idle", NULL, "claims kept idle" },
	{ "kill_sig_timeout", NULL,
	    "a job's own kill timeout (the desktop's max_vacate_time rules)" },
	{ "leave_in_queue", "false", "keeping finished jobs in the queue" },
	{ "load_profile", "false", "loading the user's profile" },
	{ "local_files", NULL, SIO },
	{ "log_xml", "false", "XML user logs" },
	{ "machine_count", "1", PAR },
	{ "manifest", "false", "job manifests" },
	{ "manifest_dir", NULL, "job manifests" },
	{ "match_list_length", NULL, "match lists" },
	{ "max_job_retirement_time", NULL,
	    "retirement time (the desktop's owner comes first)" },
	{ "max_transfer_input_mb", NULL, XFERLIM },
	{ "max_transfer_output_mb", NULL, XFERLIM },
	{ "memory_usage", NULL, "memory usage hints (use request_memory)" },
	{ "mount_under_scratch", NULL, CONT },
	{ "next_job_start_delay", "0", "delays between job starts" },
	{ "node_count", NULL, PAR },
	{ "nodecount", NULL, PAR },
	{ "noop_job", "false", NOOP },
	{ "noop_job_exit_code", NULL, NOOP },
	{ "noop_job_exit_signal", NULL, NOOP },
	{ "notify_user", NULL, MAIL },
	{ "on_evict_checks", NULL, "checks at eviction" },
	{ "output_destination", NULL, "output destinations (URLs)" },
	{ "output_directory", NULL, "output directories" },
	{ "parallel_script_shadow", NULL, PAR },
	{ "parallel_script_starter", NULL, PAR },
	{ "periodic_vacate", "false", "periodic vacate expressions" },
	{ "preserve_relative_paths", "false", "relative paths kept in "
	    "transfers" },
	{ "primary_unix_group", NULL, "a job's own primary group" },
	{ "prio", NULL, "the prio spelling (use priority)" },
	{ "public_input_files", NULL, "public input files over HTTP" },
	{ "remote_initialdir", NULL, "a working directory on the execute "
	    "machine (a job runs in its sandbox or its initialdir)" },
	{ "remove_kill_sig", NULL, "a removal's own kill signal" },
	{ "rendezvousdir", NULL, "a rendezvous directory" },
	{ "request_gpus", "0", GPU },
	{ "require_gpus", NULL, GPU },
	{ "retry_request_memory", NULL, MEMRETRY },
	{ "retry_request_memory_increase", NULL, MEMRETRY },
	{ "retry_request_memory_max", NULL, MEMRETRY },
	{ "run_as_owner", NULL, "the run-as-owner switch (jobs run as "
	    "their owner where the desktop knows them)" },
	{ "s3_access_key_id_file", NULL, GRID },
	{ "s3_secret_access_key_file", NULL, GRID },
	{ "scitokens_file", NULL, TOKENS },
	{ "send_credential", "false", TOKENS },
	{ "shell", NULL, "interactive shells" },
	{ "skip_if_dataflow", "false", "dataflow jobs" },
	{ "stack_size", NULL, "a stack size limit" },
	{ "starter_debug", NULL, "starter debugging" },
	{ "starter_log", NULL, "starter debugging" },
	{ "stream_error", "false", "streaming error output while the job "
	    "runs" },
	{ "stream_input", "false", "streaming input while the job runs" },
	{ "stream_output", "false", "streaming output while the job runs" },
	{ "submit_event_notes", NULL, "notes in the submit event" },
	{ "submit_event_user_notes", NULL, "notes in the submit event" },
	{ "suspend_job_at_exec", "false", "jobs suspended at exec" },
	{ "tool_daemon_args", NULL, TOOL },
	{ "tool_daemon_arguments", NULL, TOOL },
	{ "tool_daemon_arguments2", NULL, TOOL },
	{ "tool_daemon_cmd", NULL, TOOL },
	{ "tool_daemon_error", NULL, TOOL },
	{ "tool_daemon_input", NULL, TOOL },
	{ "tool_daemon_output", NULL, TOOL },
	{ "transfer_container", "true", CONT },
	{ "transfer_error", "true", "leaving error output on the machine" },
	{ "transfer_input", "true", "leaving input on the submit machine" },
	{ "transfer_output", "true", "leaving output on the machine" },
	{ "transfer_output_remaps", NULL, "output remaps" },
	{ "transfer_plugins", NULL, "file transfer plugins" },
	{ "ulog_execute_attrs", NULL,
	    "job ad attributes in the execute event" },
	{ "use_oauth_services", NULL, TOKENS },
	{ "use_scitoken", "false", TOKENS },
	{ "use_scitokens", "false", TOKENS },
	{ "use_x509userproxy", "false", X509 },
	{ "useoauthservices", NULL, TOKENS },
	{ "vm_checkpoint", NULL, VM },
	{ "vm_disk", NULL, VM },
	{ "vm_macaddr", NULL, VM },
	{ "vm_memory", NULL, VM },
	{ "vm_networking", NULL, VM },
	{ "vm_networking_type", NULL, VM },
	{ "vm_no_output_vm", NULL, VM },
	{ "vm_type", NULL, VM },
	{ "vm_vcpus", NULL, VM },
	{ "vm_vnc", NULL, VM },
	{ "want_ads", NULL, "ads sent to the job" },
	{ "want_graceful_removal", "false", "graceful removal" },
	{ "want_io_proxy", "false", "the I/O proxy" },
	{ "want_job_networking", "true", "jobs without a network" },
	{ "want_remote_io", "false", "remote I/O" },
	{ "wantnametag", NULL, GRID },
	{ "x509userproxy", NULL, X509 },
	{ "xen_initrd", NULL, VM },
	{ "xen_kernel", NULL, VM },
	{ "xen_kernel_params", NULL, VM },
	{ "xen_root", NULL, VM },
	{ NULL, NULL, NULL }
};

/*
 * Families of commands: a name that begins (or ends) so.  request_ and
 * require_ name machine resources cq does not count, past request_cpus,
 * request_memory and request_disk (submit-kw.c's).
 */
static const struct submit_unsup submit_unsup_prefix[] = {
	{ "azure_", NULL, GRID },
	{ "ec2_", NULL, GRID },
	{ "gce_", NULL, GRID },
	{ "cloud_label_", NULL, GRID },
	{ "gpus_", NULL, GPU },
	{ "remote_", NULL, GRID },
	{ "request_", "0", "custom machine resources" },
	{ "require_", NULL, "custom machine resources" },
	{ "transform_body_", NULL, "job transforms" },
	{ NULL, NULL, NULL }
};
static const struct submit_unsup submit_unsup_suffix[] = {
	{ "_container_port", NULL, CONT },
	{ "_oauth_permissions", NULL, TOKENS },
	{ "_oauth_resource", NULL, TOKENS },
	{ NULL, NULL, NULL }
};

/* 1 if the raw VALUE is HARMLESS, ignoring case and outer blanks. */
static int
submit_unsup_harmless(const char *value, const char *harmless)
{
	size_t	n;

	if (harmless == NULL)
		return 0;
	while (isspace((unsigned char)*value))
		value++;
	n = strlen(value);
	while (n > 0 && isspace((unsigned char)value[n - 1]))
		n--;
	if (n == strlen(harmless) && strncasecmp(value, harmless, n) == 0)
		return 1;
	/* The other spellings of false for a boolean's default. */
	if (strcmp(harmless, "false") == 0)
		return (n == 1 && value[0] == '0') ||
		    (n == 2 && strncasecmp(value, "no", 2) == 0);
	if (strcmp(harmless, "true") == 0)
		return (n == 1 && value[0] == '1') ||
		    (n == 3 && strncasecmp(value, "yes", 3) == 0);
	return 0;
}

/* The entry for the command NAME, or NULL if cq acts on it or it is
 * not HTCondor's. */
static const struct submit_unsup *
submit_unsup_find(const char *name)
{
	const struct submit_unsup	*u;
	size_t				 n = strlen(name), k;

	for (u = submit_unsup; u->name != NULL; u++)
		if (strcmp(name, u->name) == 0)
			return u;
	if (submit_kw_known(name))
		return NULL;
	for (u = submit_unsup_prefix; u->name != NULL; u++)
		if (strncmp(name, u->name, strlen(u->name)) == 0)
			return u;
	for (u = submit_unsup_suffix; u->name != NULL; u++) {
		k = strlen(u->name);
		if (n > k && strcmp(name + n - k, u->name) == 0)
			return u;
	}
	return NULL;
}

const char *
submit_kw_unsupported_what(const char *name)
{
	const struct submit_unsup	*u = submit_unsup_find(name);

	return u != NULL ? u->what : NULL;
}

/* -1 (the error set) if a macro defined so far is such a command. */
int
submit_kw_unsupported(struct submit_parse *p)
{
	const struct submit_unsup	*u;
	size_t				 i;

	for (i = 0; i < p->nmacros; i++) {
		if (p->macros[i].attr != NULL ||
		    (u = submit_unsup_find(p->macros[i].name)) == NULL ||
		    submit_unsup_harmless(p->macros[i].value, u->harmless))
			continue;
		return submit_error(p, p->macros[i].line, "%s: cq does not "
		    "support %s (HTCondor's submit command %s)",
		    p->macros[i].name, u->what, p->macros[i].name);
	}
	return 0;
}
