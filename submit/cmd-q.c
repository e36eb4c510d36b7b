/*
 * cmd-q.c: `cq q`, the queue as a table (condor_q -nobatch's columns) with
 * a totals line, or as JSON with --json.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "table.h"

int
cmd_q(int argc, char **argv)
{
	static const char *const hdr[] = { "ID", "OWNER", "SUBMITTED",
	    "RUN_TIME", "ST", "PRI", "SIZE", "CMD" };
	struct json_object	*rep, *rows, *r;
	struct table		*t;
	char			 sub[32], rt[32], pri[16], size[32];
	const char		*cells[8], *st;
	int			 rc;
	size_t			 i, n, counts[8] = { 0 };
	int64_t			 now = clock_now_ms(), started;

	if ((rc = cq_query("q", "jobs", argc, argv, 0, &rep)) !=
	    CQ_EXIT_OK || rep == NULL)
		return rc;
	rows = jsonx_get(rep, "rows");
	t = table_new(8, hdr);
	table_right(t, 3);
	table_right(t, 5);
	table_right(t, 6);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		st = jsonx_str(r, "st", "?");
		cq_fmt_time(sub, sizeof sub, jsonx_int(r, "submitted", 0));
		started = jsonx_int(r, "started", 0);
		cq_fmt_duration(rt, sizeof rt, strcmp(st, "R") == 0 &&
		    started > 0 ? (now - started) / 1000 : 0);
		snprintf(pri, sizeof pri, "%lld",
		    (long long)jsonx_int(r, "priority", 0));
		snprintf(size, sizeof size, "%.1f",
		    (double)jsonx_int(r, "request_memory_mb", 0));
		cells[0] = jsonx_str(r, "id", "");
		cells[1] = jsonx_str(r, "owner", "");
		cells[2] = sub;
		cells[3] = rt;
		cells[4] = st;
		cells[5] = pri;
		cells[6] = size;
		cells[7] = jsonx_str(r, "cmd", "");
		table_add(t, cells);
		switch (st[0]) {
		case 'I': counts[1]++; break;
		case 'R': counts[2]++; break;
		case 'X': counts[3]++; break;
		case 'C': counts[4]++; break;
		case 'H': counts[5]++; break;
		case 'S': counts[7]++; break;
		}
	}
	table_print(t, stdout, table_term_width(stdout));
	table_free(t);
	printf("\n%zu jobs; %zu completed, %zu removed, %zu idle, %zu running, "
	    "%zu held, %zu suspended\n", n, counts[4], counts[3], counts[1],
	    counts[2], counts[5], counts[7]);
	json_object_put(rep);
	return CQ_EXIT_OK;
}
