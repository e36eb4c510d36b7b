/*
 * cmd-history.c: `cq history [-u USER] [-limit N] [--json] [ID...]`,
 * finished jobs (completed or removed), newest first, with exit codes or
 * signals, run times, where they ran and when they finished; GOODPUT is
 * the run time that counted (ended in the exit or a checkpoint), BADPUT
 * the run time evictions threw away, summed on a last line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "table.h"

int
cmd_history(int argc, char **argv)
{
	static const char *const hdr[] = { "ID", "OWNER", "SUBMITTED",
	    "RUN_TIME", "GOODPUT", "BADPUT", "ST", "EXIT", "FINISHED",
	    "MACHINE", "CMD" };
	struct json_object	*rep, *rows, *r, *ec;
	struct table		*t;
	char			 sub[32], fin[32], rt[32], ex[32], gp[32], bp[32];
	const char		*cells[11];
	int64_t			 good = 0, bad = 0, g, b;
	const char		*errstr;
	int			 rc, a;
	long long		 limit = 0;
	size_t			 i, n;
	int64_t			 started, finished;

	/* -limit N (or -n N) is ours; the rest is q's option syntax. */
	for (a = 1; a + 1 < argc; a++) {
		if (strcmp(argv[a], "-n") == 0 ||
		    strcmp(argv[a], "-limit") == 0 ||
		    strcmp(argv[a], "--limit") == 0) {
			limit = strtonum(argv[a + 1], 1, 100000000, &errstr);
			if (errstr != NULL)
				return cq_usage("history");
			memmove(argv + a, argv + a + 2,
			    (size_t)(argc - a - 2) * sizeof *argv);
			argc -= 2;
			break;
		}
	}
	rc = cq_query("history", "history", argc, argv, limit, &rep);
	if (rc != CQ_EXIT_OK || rep == NULL)
		return rc;
	rows = jsonx_get(rep, "rows");
	t = table_new(11, hdr);
	table_right(t, 3);
	table_right(t, 4);
	table_right(t, 5);
	table_right(t, 7);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		cq_fmt_time(sub, sizeof sub, jsonx_int(r, "submitted", 0));
		finished = jsonx_int(r, "finished", 0);
		started = jsonx_int(r, "started", 0);
		cq_fmt_time(fin, sizeof fin, finished);
		cq_fmt_duration(rt, sizeof rt, started > 0 && finished > started ?
		    (finished - started) / 1000 : 0);
		g = jsonx_int(r, "goodput_ms", 0);
		b = jsonx_int(r, "badput_ms", 0);
		good += g;
		bad += b;
		cq_fmt_duration(gp, sizeof gp, g / 1000);
		cq_fmt_duration(bp, sizeof bp, b / 1000);
		ec = jsonx_get(r, "exit_code");
		if (jsonx_int(r, "exit_signal", 0) != 0)
			snprintf(ex, sizeof ex, "sig %lld",
			    (long long)jsonx_int(r, "exit_signal", 0));
		else if (ec != NULL)
			snprintf(ex, sizeof ex, "%d", json_object_get_int(ec));
		else
			snprintf(ex, sizeof ex, "-");
		cells[0] = jsonx_str(r, "id", "");
		cells[1] = jsonx_str(r, "owner", "");
		cells[2] = sub;
		cells[3] = rt;
		cells[4] = gp;
		cells[5] = bp;
		cells[6] = jsonx_str(r, "st", "?");
		cells[7] = ex;
		cells[8] = fin;
		cells[9] = jsonx_str(r, "machine", "-");
		cells[10] = jsonx_str(r, "cmd", "");
		table_add(t, cells);
	}
	table_print(t, stdout, table_term_width(stdout));
	table_free(t);
	cq_fmt_duration(gp, sizeof gp, good / 1000);
	cq_fmt_duration(bp, sizeof bp, bad / 1000);
	printf("\n%zu jobs; goodput %s, badput %s", n, gp, bp);
	if (good + bad > 0)
		printf(" (%.1f%% of the run time was useful)",
		    100.0 * (double)good / (double)(good + bad));
	printf("\n");
	json_object_put(rep);
	return CQ_EXIT_OK;
}
