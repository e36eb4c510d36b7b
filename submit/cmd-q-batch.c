/*
 * cmd-q-batch.c: the batch view of `cq q`, its default as in condor_q:
 * one row per owner and batch (a cluster's batch name, else "ID: N")
 * with OWNER, BATCH_NAME, SUBMITTED, DONE, RUN, IDLE, HOLD, TOTAL and
 * JOB_IDS, then the totals line.  The scheduler sums the rows
 * (what=batches), so this only formats them.  A count of zero shows as
 * "_" as in condor_q.  A late materialization's jobs not in the queue yet
 * count in TOTAL and in a line of their own under the totals.  -batch
 * -json prints the rows with CamelCase names as an ad's (cmd_q_batch_json).
 * Called by cmd-q.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "table.h"

/* N, or "_" for none. */
static const char *
cmd_q_batch_num(char *buf, size_t len, int64_t n)
{
	if (n == 0)
		return "_";
	snprintf(buf, len, "%lld", (long long)n);
	return buf;
}

void
cmd_q_batch_draw(FILE *f, size_t width, int color, struct json_object *rows)
{
	static const char *const hdr[] = { "OWNER", "BATCH_NAME", "SUBMITTED",
	    "DONE", "RUN", "IDLE", "HOLD", "TOTAL", "JOB_IDS" };
	struct json_object	*r;
	struct table		*t;
	char			 sub[32], num[6][24];
	const char		*cells[9];
	size_t			 i, n, c;
	int64_t			 run, idle, hold, susp;
	size_t			 tot[4] = { 0 }, jobs = 0, late = 0;

	t = table_new(9, hdr);
	table_color(t, color);
	for (c = 3; c <= 7; c++)
		table_right(t, c);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		cq_fmt_time(sub, sizeof sub, jsonx_int(r, "submitted", 0));
		run = jsonx_int(r, "run", 0);
		idle = jsonx_int(r, "idle", 0);
		hold = jsonx_int(r, "hold", 0);
		susp = jsonx_int(r, "suspended", 0);
		cells[0] = jsonx_str(r, "owner", "");
		cells[1] = jsonx_str(r, "name", "");
		cells[2] = sub;
		cells[3] = cmd_q_batch_num(num[0], sizeof num[0],
		    jsonx_int(r, "done", 0));
		/* Suspended jobs hold a slot: they count as running here. */
		cells[4] = cmd_q_batch_num(num[1], sizeof num[1], run + susp);
		cells[5] = cmd_q_batch_num(num[2], sizeof num[2], idle);
		cells[6] = cmd_q_batch_num(num[3], sizeof num[3], hold);
		cells[7] = cmd_q_batch_num(num[4], sizeof num[4],
		    jsonx_int(r, "total", 0));
		cells[8] = jsonx_str(r, "job_ids", "");
		table_add(t, cells);
		if (run + susp > 0)
			table_cell_color(t, 4, "32");
		if (hold > 0)
			table_cell_color(t, 6, "31");
		tot[0] += (size_t)idle;
		tot[1] += (size_t)run;
		tot[2] += (size_t)hold;
		tot[3] += (size_t)susp;
		jobs += (size_t)jsonx_int(r, "jobs", 0);
		late += (size_t)jsonx_int(r, "unmaterialized", 0);
	}
	table_print(t, f, width);
	table_free(t);
	cmd_q_jobs_totals(f, width, jobs, 0, 0, tot[0], tot[1], tot[2], tot[3]);
	if (late > 0)
		fprintf(f, "Not yet materialized: %zu jobs (late "
		    "materialization; part of TOTAL)\n", late);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (jsonx_str(r, "paused", NULL) != NULL)
			fprintf(f, "Cluster %lld: materialization paused: %s\n",
			    (long long)jsonx_int(r, "paused_cluster", 0),
			    jsonx_str(r, "paused", ""));
	}
}

/* The scheduler's batch row names and those -batch -json prints. */
static const struct {
	const char	*row, *json;
} cmd_q_batch_names[] = {
	{ "owner", "Owner" },
	{ "batch_name", "JobBatchName" },
	{ "name", "BatchName" },
	{ "cluster", "ClusterId" },
	{ "clusters", "Clusters" },
	{ "submitted", "QDate" },
	{ "done", "Done" },
	{ "run", "Run" },
	{ "idle", "Idle" },
	{ "hold", "Held" },
	{ "suspended", "Suspended" },
	{ "total", "Total" },
	{ "unmaterialized", "Unmaterialized" },
	{ "paused", "Paused" },
	{ "paused_cluster", "PausedCluster" },
	{ "jobs", "Jobs" },
	{ "job_ids", "JobIds" },
};

void
cmd_q_batch_json(FILE *f, struct json_object *rows)
{
	struct json_object	*out, *o, *r, *v;
	size_t			 i, k, n = json_object_array_length(rows);

	out = json_object_new_array();
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		o = json_object_new_object();
		for (k = 0; k < sizeof cmd_q_batch_names /
		    sizeof cmd_q_batch_names[0]; k++) {
			v = jsonx_get(r, cmd_q_batch_names[k].row);
			if (v == NULL)
				continue;	/* no batch name: none */
			if (strcmp(cmd_q_batch_names[k].row, "submitted") == 0)
				v = json_object_new_int64(
				    json_object_get_int64(v) / 1000);
			else
				v = json_object_get(v);
			json_object_object_add(o, cmd_q_batch_names[k].json, v);
		}
		json_object_array_add(out, o);
	}
	fputs(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE), f);
	fputc('\n', f);
	json_object_put(out);
}
