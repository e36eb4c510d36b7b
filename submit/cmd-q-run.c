/*
 * cmd-q-run.c: `cq q -run`, condor_q -run's view: one row per running
 * job with ID, OWNER, SUBMITTED, RUN_TIME (the cumulative run time,
 * RemoteWallClockTime) and HOST(S) (RemoteHost, the slot it runs in),
 * then the totals line; and the job ads printed whole (-json, -long) or
 * by -af/-format (adprint.c).  The rows are job ads (query member "ads").
 * Called by cmd-q.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "adprint.h"
#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "table.h"

void
cmd_q_run_draw(FILE *f, size_t width, int color, struct json_object *rows)
{
	static const char *const hdr[] = { "ID", "OWNER", "SUBMITTED",
	    "RUN_TIME", "HOST(S)" };
	struct json_object	*r;
	struct table		*t;
	const char		*cells[5];
	char			 id[48], sub[32], rt[32];
	size_t			 i, n, running = 0;

	t = table_new(5, hdr);
	table_color(t, color);
	table_right(t, 3);
	table_keep_distinct(t, 4);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (!json_object_is_type(r, json_type_object) ||
		    jsonx_int(r, "JobStatus", 0) != 2)
			continue;
		snprintf(id, sizeof id, "%lld.%lld",
		    (long long)jsonx_int(r, "ClusterId", 0),
		    (long long)jsonx_int(r, "ProcId", 0));
		cq_fmt_time(sub, sizeof sub, jsonx_int(r, "QDate", 0) * 1000);
		cq_fmt_duration(rt, sizeof rt,
		    jsonx_int(r, "RemoteWallClockTime", 0));
		cells[0] = id;
		cells[1] = jsonx_str(r, "Owner", "");
		cells[2] = sub;
		cells[3] = rt;
		cells[4] = jsonx_str(r, "RemoteHost", "-");
		table_add(t, cells);
		running++;
	}
	table_print(t, f, width);
	table_free(t);
	cmd_q_jobs_totals(f, width, running, 0, 0, 0, running, 0, 0);
}

void
cmd_q_ads_print(FILE *f, int how, const struct adprint *ap,
    struct json_object *rows)
{
	size_t	i, n = json_object_array_length(rows);

	if (how == CMD_Q_ADS_JSON) {
		fputs(json_object_to_json_string_ext(rows,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
		    f);
		fputc('\n', f);
		return;
	}
	for (i = 0; i < n; i++) {
		if (how == CMD_Q_ADS_LONG)
			adprint_long(f, json_object_array_get_idx(rows, i));
		else
			adprint_row(ap, f, json_object_array_get_idx(rows, i));
	}
}
