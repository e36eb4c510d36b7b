/*
 * cmd-q-hold.c: `cq q -hold`, condor_q -hold's view: one row per held
 * job with ID, OWNER, HELD_SINCE (when it entered the held state), CODE/SUB
 * (HTCondor's HoldReasonCode and HoldReasonSubCode, as condor_q prints
 * them since 25.0) and HOLD_REASON, then the totals line.  The rows are
 * the job objects of a query (what=jobs, state HELD).  Called by cmd-q.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "table.h"

void
cmd_q_hold_draw(FILE *f, size_t width, int color, struct json_object *rows)
{
	static const char *const hdr[] = { "ID", "OWNER", "HELD_SINCE",
	    "CODE/SUB", "HOLD_REASON" };
	struct json_object	*r;
	struct table		*t;
	const char		*cells[5];
	char			 since[32], code[32];
	size_t			 i, n, held = 0;

	t = table_new(5, hdr);
	table_color(t, color);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (!json_object_is_type(r, json_type_object) ||
		    strcmp(jsonx_str(r, "st", ""), "H") != 0)
			continue;
		cq_fmt_time(since, sizeof since, jsonx_int(r, "entered", 0));
		snprintf(code, sizeof code, "%lld/%lld",
		    (long long)jsonx_int(r, "hold_code", 0),
		    (long long)jsonx_int(r, "hold_subcode", 0));
		cells[0] = jsonx_str(r, "id", "");
		cells[1] = jsonx_str(r, "owner", "");
		cells[2] = since;
		cells[3] = code;
		cells[4] = jsonx_str(r, "hold_reason", "");
		table_add(t, cells);
		held++;
	}
	table_print(t, f, width);
	table_free(t);
	cmd_q_jobs_totals(f, width, held, 0, 0, 0, 0, held, 0);
}
