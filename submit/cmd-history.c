/*
 * cmd-history.c: `cq history [-u USER] [-constraint EXPR] [-limit N]
 * [ID...]`, finished jobs (completed or removed), newest first, with
 * condor_history's columns (ID, OWNER, SUBMITTED, RUN_TIME: cumulative
 * over the job's runs, ST, EXIT, FINISHED, CMD) and cq's GOODPUT (the run
 * time that counted: ended in the exit or a checkpoint), BADPUT (the run
 * time evictions and holds threw away) and MACHINE, which are left out
 * first when the terminal is narrow (80 columns keep the rest; -wide
 * never cuts), summed on a last line.  As condor_history: -l/-long, -json
 * (or --json), -af and -format print the job ads (HTCondor's names, those
 * -constraint uses; adprint.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adprint.h"
#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "table.h"

static void
cmd_history_table(struct json_object *rows, size_t width)
{
	static const char *const hdr[] = { "ID", "OWNER", "SUBMITTED",
	    "RUN_TIME", "GOODPUT", "BADPUT", "ST", "EXIT", "FINISHED",
	    "MACHINE", "CMD" };
	struct json_object	*r, *ec;
	struct table		*t;
	char			 sub[32], fin[32], rt[32], ex[32], gp[32], bp[32];
	const char		*cells[11];
	int64_t			 good = 0, bad = 0, g, b, started, finished;
	size_t			 i, n;

	t = table_new(11, hdr);
	table_right(t, 3);
	table_right(t, 4);
	table_right(t, 5);
	table_right(t, 7);
	table_optional(t, 5);
	table_optional(t, 4);
	table_optional(t, 9);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		cq_fmt_time(sub, sizeof sub, jsonx_int(r, "submitted", 0));
		finished = jsonx_int(r, "finished", 0);
		started = jsonx_int(r, "started", 0);
		cq_fmt_time(fin, sizeof fin, finished);
		g = jsonx_int(r, "goodput_ms", 0);
		b = jsonx_int(r, "badput_ms", 0);
		good += g;
		bad += b;
		cq_fmt_duration(rt, sizeof rt, g + b > 0 ? (g + b) / 1000 :
		    started > 0 && finished > started ?
		    (finished - started) / 1000 : 0);
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
	table_print(t, stdout, width);
	table_free(t);
	cq_fmt_duration(gp, sizeof gp, good / 1000);
	cq_fmt_duration(bp, sizeof bp, bad / 1000);
	printf("\n%zu jobs; goodput %s, badput %s", n, gp, bp);
	if (good + bad > 0)
		printf(" (%.1f%% of the run time was useful)",
		    100.0 * (double)good / (double)(good + bad));
	printf("\n");
}

int
cmd_history(int argc, char **argv)
{
	struct json_object	*req, *rep, *ids;
	struct adprint		*ap;
	const char		*errstr;
	long long		 limit = 0;
	int			 a, r, rc = CQ_EXIT_USAGE, ads = 0;
	int			 wide = 0;

	req = json_object_new_object();
	ids = json_object_new_array();
	json_object_object_add(req, "what", json_object_new_string("history"));
	json_object_object_add(req, "ids", ids);
	ap = adprint_new();
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-wide") == 0 ||
		    strcmp(argv[a], "--wide") == 0)
			wide = 1;
		else if ((r = adprint_option(ap, "history", argc, argv, &a,
		    &ads, 1)) != 0) {
			if (r == -1)
				goto out;
		} else if ((strcmp(argv[a], "-n") == 0 ||
		    strcmp(argv[a], "-limit") == 0 ||
		    strcmp(argv[a], "--limit") == 0) && a + 1 < argc) {
			limit = strtonum(argv[++a], 1, 100000000, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "cq history: bad limit '%s': "
				    "%s\n", argv[a], errstr);
				goto out;
			}
		} else if (strcmp(argv[a], "-u") == 0 && a + 1 < argc)
			json_object_object_add(req, "owner",
			    json_object_new_string(argv[++a]));
		else if ((strcmp(argv[a], "-constraint") == 0 ||
		    strcmp(argv[a], "--constraint") == 0) && a + 1 < argc) {
			if (cq_constraint_check("history", argv[++a]) == -1)
				goto out;
			json_object_object_add(req, "constraint",
			    json_object_new_string(argv[a]));
		} else if (argv[a][0] == '-') {
			if (strcmp(argv[a], "-format") == 0 ||
			    strcmp(argv[a], "-n") == 0 ||
			    strcmp(argv[a], "-limit") == 0 ||
			    strcmp(argv[a], "--limit") == 0 ||
			    strcmp(argv[a], "-u") == 0 ||
			    strcmp(argv[a], "-constraint") == 0 ||
			    strcmp(argv[a], "--constraint") == 0)
				fprintf(stderr, "cq history: %s needs a value; "
				    "see cq history --help\n", argv[a]);
			else
				cq_unknown_option("history", argv[a]);
			goto out;
		} else if (!cq_is_job_id(argv[a])) {
			fprintf(stderr, "cq history: bad job id '%s' (expected "
			    "CLUSTER or CLUSTER.PROC)\n", argv[a]);
			goto out;
		} else
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
	}
	if (limit > 0)
		json_object_object_add(req, "limit",
		    json_object_new_int64(limit));
	if (ads)
		json_object_object_add(req, "ads", json_object_new_boolean(1));
	rc = CQ_EXIT_FAIL;
	if ((rep = cq_request(MSG_QUERY, req)) == NULL)
		goto out;
	if (!json_object_is_type(jsonx_get(rep, "rows"), json_type_array))
		fprintf(stderr, "cq: the scheduler sent no rows\n");
	else {
		if (ads)
			cmd_q_ads_print(stdout, ads, ap, jsonx_get(rep,
			    "rows"));
		else
			cmd_history_table(jsonx_get(rep, "rows"), wide ? 0 :
			    table_term_width(stdout));
		rc = CQ_EXIT_OK;
	}
	json_object_put(rep);
out:
	json_object_put(req);
	adprint_free(ap);
	return rc;
}
