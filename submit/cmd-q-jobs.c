/*
 * cmd-q-jobs.c: the job view of `cq q` (-nobatch, --jobs): one row per
 * job with condor_q -nobatch's columns (ID, OWNER, SUBMITTED, RUN_TIME,
 * ST, PRI, SIZE, CMD) and the totals line.  With 100,000 rows the cost is
 * in the formatting, so a submit time is formatted once per minute it
 * names, not once per job.  Called by cmd-q.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "clock.h"
#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "table.h"

void
cmd_q_totals(FILE *f, size_t n, size_t completed, size_t removed,
    size_t idle, size_t running, size_t held, size_t suspended)
{
	fprintf(f, "\nTotal for query: %zu jobs; %zu completed, %zu removed, "
	    "%zu idle, %zu running, %zu held, %zu suspended\n", n, completed,
	    removed, idle, running, held, suspended);
}

/* The colour of a state letter in the ST column. */
static const char *
cmd_q_jobs_sgr(const char *st)
{
	switch (st[0]) {
	case 'R':
		return "32";
	case 'H':
		return "31";
	case 'S':
		return "35";
	case 'X':
	case 'C':
		return "2";
	default:
		return NULL;
	}
}

void
cmd_q_jobs_draw(FILE *f, size_t width, int color, struct json_object *rows)
{
	static const char *const hdr[] = { "ID", "OWNER", "SUBMITTED",
	    "RUN_TIME", "ST", "PRI", "SIZE", "CMD" };
	struct json_object	*r;
	struct table		*t;
	char			 sub[32], rt[32], pri[16], size[32];
	const char		*cells[8], *st;
	size_t			 i, n, counts[8] = { 0 };
	int64_t			 now = clock_now_ms(), started, ms;
	int64_t			 last_min = -1;

	t = table_new(8, hdr);
	table_color(t, color);
	table_right(t, 3);
	table_right(t, 5);
	table_right(t, 6);
	n = json_object_array_length(rows);
	sub[0] = '\0';
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		st = jsonx_str(r, "st", "?");
		ms = jsonx_int(r, "submitted", 0);
		if (ms / 60000 != last_min || ms <= 0) {
			cq_fmt_time(sub, sizeof sub, ms);
			last_min = ms / 60000;
		}
		started = jsonx_int(r, "started", 0);
		cq_fmt_duration(rt, sizeof rt, (st[0] == 'R' ||
		    st[0] == 'S' || st[0] == '>') && started > 0 ?
		    (now - started) / 1000 : 0);
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
		table_cell_color(t, 4, cmd_q_jobs_sgr(st));
		switch (st[0]) {
		case 'I': counts[1]++; break;
		case 'R': counts[2]++; break;
		case '>': counts[2]++; break;
		case 'X': counts[3]++; break;
		case 'C': counts[4]++; break;
		case 'H': counts[5]++; break;
		case 'S': counts[7]++; break;
		}
	}
	table_print(t, f, width);
	table_free(t);
	cmd_q_totals(f, n, counts[4], counts[3], counts[1], counts[2],
	    counts[5], counts[7]);
}
