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

static const struct submit_unsup submit_unsup[] = {
	{ "hold", "false", "submitting jobs on hold" },
	{ "leave_in_queue", "false", "keeping finished jobs in the queue" },
	{ "periodic_vacate", "false", "periodic vacate expressions" },
	{ "next_job_start_delay", "0", "delays between job starts" },
	{ "job_max_vacate_time", NULL,
	    "a job's own vacate time (the desktop's max_vacate_time rules)" },
	{ "want_graceful_removal", "false", "graceful removal" },
	{ "allowed_job_duration", NULL, "job duration limits" },
	{ "allowed_execute_duration", NULL, "execution duration limits" },
	{ "deferral_time", NULL, "deferred starts" },
	{ "deferral_window", NULL, "deferred starts" },
	{ "deferral_prep_time", NULL, "deferred starts" },
	{ "cron_minute", NULL, "CronTab scheduling" },
	{ "cron_hour", NULL, "CronTab scheduling" },
	{ "cron_day_of_month", NULL, "CronTab scheduling" },
	{ "cron_month", NULL, "CronTab scheduling" },
	{ "cron_day_of_week", NULL, "CronTab scheduling" },
	{ "cron_window", NULL, "CronTab scheduling" },
	{ "cron_prep_time", NULL, "CronTab scheduling" },
	{ "stream_output", "false", "streaming output while the job runs" },
	{ "stream_error", "false", "streaming error output while the job "
	    "runs" },
	{ "transfer_output_remaps", NULL, "output remaps" },
	{ "output_destination", NULL, "output destinations (URLs)" },
	{ "request_gpus", "0", "GPUs" },
	{ "coresize", NULL, "a core file size limit" },
	{ "image_size", NULL, "image size hints (use request_memory)" },
	{ "job_lease_duration", NULL,
	    "a job's own lease (the scheduler's job_lease rules)" },
	{ "noop_job", "false", "no-op jobs" },
	{ "max_transfer_input_mb", NULL, "transfer size limits" },
	{ "max_transfer_output_mb", NULL, "transfer size limits" },
	{ "encrypt_input_files", NULL, "per-file encryption" },
	{ "encrypt_output_files", NULL, "per-file encryption" },
	{ "dont_encrypt_input_files", NULL, "per-file encryption" },
	{ "dont_encrypt_output_files", NULL, "per-file encryption" },
	{ "transfer_executable", "true",
	    "running an executable that is not transferred" },
	{ "preserve_relative_paths", "false", "relative paths kept in "
	    "transfers" },
	{ "docker_image", NULL, "containers" },
	{ "container_image", NULL, "containers" },
	{ "job_machine_attrs", NULL, "machine attribute history" },
	{ "keep_claim_idle", NULL, "claims kept idle" },
	{ "hold_kill_sig", NULL, "a hold's own kill signal" },
	{ "remove_kill_sig", NULL, "a removal's own kill signal" },
	{ "x509userproxy", NULL, "X.509 proxies" },
	{ "use_x509userproxy", "false", "X.509 proxies" },
	{ "run_as_owner", NULL, "the run-as-owner switch (jobs run as "
	    "their owner where the desktop knows them)" },
	{ "load_profile", "false", "loading the user's profile" },
	{ "want_remote_io", "false", "remote I/O" },
	{ "rendezvousdir", NULL, "a rendezvous directory" },
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

/* -1 (the error set) if a macro defined so far is such a command. */
int
submit_kw_unsupported(struct submit_parse *p)
{
	const struct submit_unsup	*u;
	size_t				 i;

	for (i = 0; i < p->nmacros; i++) {
		for (u = submit_unsup; u->name != NULL; u++)
			if (strcmp(p->macros[i].name, u->name) == 0)
				break;
		if (u->name == NULL || submit_unsup_harmless(
		    p->macros[i].value, u->harmless))
			continue;
		return submit_error(p, p->macros[i].line, "%s: cq does not "
		    "support %s (HTCondor's submit command %s)", u->name,
		    u->what, u->name);
	}
	return 0;
}
