/*
 * test_userlog.c: unit tests of the user-log event formatting
 * (scheduler/userlog.c, userlog_format()): headers, bodies of the events
 * HTCondor's readers parse, internal events left out, hostile details and
 * truncation; which descriptions may name a log (userlog_ad_logged(): the
 * store is read only for those).  Runs with TZ=UTC so the times are fixed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "jobdesc.h"
#include "schedd.h"
#include "store.h"
#include "userlog.h"

struct schedd	*sd;	/* userlog.c's context; unused by formatting */

/* 2026-11-25 10:00:00 UTC */
#define T0	1795600800000LL

static void
utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

static struct store_logevent
ev(const char *event, const char *detail)
{
	struct store_logevent	e;

	memset(&e, 0, sizeof e);
	e.id = 1;
	e.cluster = 12;
	e.proc = 3;
	e.time = T0;
	e.event = event;
	e.detail = detail;
	e.log = "/tmp/x.log";
	e.exit_code = -1;
	return e;
}

TestSuite(userlog, .init = utc);

Test(userlog, terminate_normal)
{
	struct store_logevent	e = ev("terminate", "exit 3");
	char			b[4096];

	e.exit_code = 3;
	e.utime_ms = 61000;
	e.stime_ms = 2000;
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert(strncmp(b, "005 (012.003.000) 2026-11-25 10:00:00 "
	    "Job terminated.\n\t(1) Normal termination (return value 3)\n"
	    "\t\tUsr 0 00:01:01, Sys 0 00:00:02  -  Run Remote Usage\n",
	    strlen("005 (012.003.000) 2026-11-25 10:00:00 Job terminated.\n"
	    "\t(1) Normal termination (return value 3)\n\t\tUsr 0 00:01:01, "
	    "Sys 0 00:00:02  -  Run Remote Usage\n")) == 0, "%s", b);
	cr_assert(strstr(b, "\t0  -  Total Bytes Received By Job\n...\n") !=
	    NULL, "%s", b);
	cr_assert_eq(b[strlen(b) - 1], '\n');
}

Test(userlog, terminate_signal)
{
	struct store_logevent	e = ev("terminate", "signal 9");
	char			b[4096];

	e.exit_signal = 9;
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert(strstr(b, "\n\t(0) Abnormal termination (signal 9)\n"
	    "\t(0) No core file\n") != NULL, "%s", b);
}

Test(userlog, wide_ids)
{
	struct store_logevent	e = ev("released", "via cq release");
	char			b[4096];

	e.cluster = 123456;
	e.proc = 1000;
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert_str_eq(b, "013 (123456.1000.000) 2026-11-25 10:00:00 "
	    "Job was released.\n\tvia cq release\n...\n");
}

Test(userlog, execute_and_held)
{
	struct store_logevent	e = ev("execute", "slot2@lab-7");
	char			b[4096];

	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert_str_eq(b, "001 (012.003.000) 2026-11-25 10:00:00 "
	    "Job executing on host: <lab-7>\n\tSlotName: slot2@lab-7\n...\n");
	e = ev("held", "via cq hold (by user alice)");
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert_str_eq(b, "012 (012.003.000) 2026-11-25 10:00:00 "
	    "Job was held.\n\tvia cq hold (by user alice)\n"
	    "\tCode 1 Subcode 0\n...\n");
	e = ev("held", "could not start: no such file");
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert(strstr(b, "\tCode 0 Subcode 0\n") != NULL, "%s", b);
	/* The job's row keeps the code: a policy's hold. */
	e = ev("held", "bad exit");
	e.hold_code = 3;
	e.hold_subcode = 42;
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert_str_eq(b, "012 (012.003.000) 2026-11-25 10:00:00 "
	    "Job was held.\n\tbad exit\n\tCode 3 Subcode 42\n...\n");
}

Test(userlog, terminated_and_requeued)
{
	struct store_logevent	e = ev("requeue", "The job attribute "
	    "OnExitRemove expression 'ExitCode == 0' evaluated to FALSE");
	char			b[4096];

	e.exit_code = 9;
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert(strncmp(b, "004 (012.003.000) 2026-11-25 10:00:00 "
	    "Job was evicted.\n\t(0) Job terminated and was requeued\n"
	    "\t(1) Normal termination (return value 9)\n", 110) == 0,
	    "%s", b);
	cr_assert(strstr(b, "\tThe job attribute OnExitRemove expression "
	    "'ExitCode == 0' evaluated to FALSE\n...\n") != NULL, "%s", b);
	e.exit_code = -1;
	e.exit_signal = 11;
	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert(strstr(b, "\t(0) Abnormal termination (signal 11)\n") !=
	    NULL, "%s", b);
}

Test(userlog, internal_events_are_not_logged)
{
	static const char *const names[] = { "vacate", "held-exit",
	    "aborted-exit", "aborted-lost", "no-such-event" };
	struct store_logevent	e;
	char			b[4096];
	size_t			i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		e = ev(names[i], NULL);
		cr_assert_eq(userlog_format(b, sizeof b, &e), 0, "%s",
		    names[i]);
	}
}

Test(userlog, hostile_detail_stays_on_one_line)
{
	struct store_logevent	e = ev("aborted", "evil\n...\n000 (1.0.0)");
	char			b[4096];

	cr_assert_gt(userlog_format(b, sizeof b, &e), 0);
	cr_assert_str_eq(b, "009 (012.003.000) 2026-11-25 10:00:00 "
	    "Job was aborted.\n\tevil ... 000 (1.0.0)\n...\n");
}

Test(userlog, truncated_event_still_ends)
{
	struct store_logevent	e;
	char			b[96], det[600];
	size_t			n;

	memset(det, 'x', sizeof det - 1);
	det[sizeof det - 1] = '\0';
	e = ev("aborted", det);
	n = userlog_format(b, sizeof b, &e);
	cr_assert_eq(n, strlen(b));
	cr_assert_lt(n, sizeof b);
	cr_assert(n > 4 && strcmp(b + n - 4, "...\n") == 0, "%s", b);
}

/* The wire text the scheduler stores of a description with LOG. */
static char *
wire(const char *log)
{
	struct jobdesc	 jd;
	char		*text;
	size_t		 len;

	memset(&jd, 0, sizeof jd);
	jobdesc_defaults(&jd);
	jd.executable = strdup("/bin/true");
	jd.initialdir = strdup("/tmp");
	jd.log = log != NULL ? strdup(log) : NULL;
	text = jobdesc_wire_text(&jd, &len);
	jobdesc_free(&jd);
	return text;
}

Test(userlog, ad_logged_as_stored)
{
	char	*with = wire("/home/u/job.log"), *without = wire(NULL);

	cr_assert(userlog_ad_logged(with), "%s", with);
	cr_assert_not(userlog_ad_logged(without), "%s", without);
	free(with);
	free(without);
}

Test(userlog, ad_logged_spelled)
{
	cr_assert_not(userlog_ad_logged(NULL));
	cr_assert_not(userlog_ad_logged("{}"));
	cr_assert_not(userlog_ad_logged("{\"log\":null}"));
	cr_assert_not(userlog_ad_logged("{\"log\" : null,\"x\":1}"));
	cr_assert_not(userlog_ad_logged("{\"dialog\":\"x\"}"));
	cr_assert(userlog_ad_logged("{\"log\":\"/a\"}"));
	cr_assert(userlog_ad_logged("{\"log\" :\n \"/a\"}"));
	/* A "log" elsewhere (a value, a custom key) may only cost a read. */
	cr_assert_not(userlog_ad_logged("{\"a\":\"log\",\"log\":null}"));
	cr_assert(userlog_ad_logged("{\"log\":null,\"custom\":"
	    "{\"log\":1}}"));
}
