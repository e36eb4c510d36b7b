/*
 * cmd-q.c: `cq q`, the queue.  By default condor_q's batch view (one row
 * per owner and batch, summed by the scheduler: query what=batches);
 * -nobatch/--jobs lists each job (what=jobs).  Selection as in condor_q:
 * positional owner names and CLUSTER or CLUSTER.PROC ids, -u/--user,
 * --state, -constraint EXPR (checked here for a clear exit 2, evaluated by
 * the scheduler over the job ad, jobad.c); without any of them only the caller's own jobs, unless
 * -a/--all.  -w redraws the view live (watch.c); -hold lists the held
 * jobs with why (HTCondor's hold reason code), -run the running ones with
 * their hosts.  -l/-long, -json (or --json), -af and -format print the
 * job ads (query member "ads": jobad.c's HTCondor attribute names, the
 * very names -constraint uses) as condor_q does, of the held or running
 * jobs with -hold or -run; -batch -json prints the batch rows under
 * CamelCase names (cmd_q_batch_json).  The views themselves are drawn by
 * cmd-q-batch.c, cmd-q-jobs.c, cmd-q-hold.c and cmd-q-run.c.
 * -better-analyze (or -analyze) ID... is `cq why ID...`, as condor_q's.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "adprint.h"
#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "table.h"
#include "watch.h"
#include "xmalloc.h"

struct cmd_q {
	struct json_object	*req;	/* the query, asked again by -w */
	int			 batch;
	int			 hold;	/* -hold: the held jobs and why */
	int			 run;	/* -run: the running jobs and where */
	int			 color;
};

/* 1 if S names a job state (name or condor_q letter). */
static int
cmd_q_is_state(const char *s)
{
	static const char *const names[] = { "IDLE", "I", "RUNNING", "R",
	    "REMOVED", "X", "COMPLETED", "C", "HELD", "H",
	    "TRANSFERRING_OUTPUT", ">", "SUSPENDED", "S" };
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(s, names[i]) == 0)
			return 1;
	return 0;
}

/* Ask the scheduler; NULL (message on stderr) on failure. */
static struct json_object *
cmd_q_fetch(struct cmd_q *q)
{
	struct json_object	*rep;

	if ((rep = cq_request(MSG_QUERY, q->req)) == NULL)
		return NULL;
	if (!json_object_is_type(jsonx_get(rep, "rows"), json_type_array)) {
		fprintf(stderr, "cq: the scheduler sent no rows\n");
		json_object_put(rep);
		return NULL;
	}
	return rep;
}

static int
cmd_q_draw(FILE *f, size_t width, void *arg)
{
	struct cmd_q		*q = arg;
	struct json_object	*rep;

	if ((rep = cmd_q_fetch(q)) == NULL)
		return -1;
	if (q->hold)
		cmd_q_hold_draw(f, width, q->color, jsonx_get(rep, "rows"));
	else if (q->run)
		cmd_q_run_draw(f, width, q->color, jsonx_get(rep, "rows"));
	else if (q->batch)
		cmd_q_batch_draw(f, width, q->color, jsonx_get(rep, "rows"));
	else
		cmd_q_jobs_draw(f, width, q->color, jsonx_get(rep, "rows"));
	json_object_put(rep);
	return 0;
}

/* `cq q -better-analyze ID...`: cq why without the option at AT. */
static int
cmd_q_analyze(int argc, char **argv, int at)
{
	char	**av;
	int	  a, n = 0, rc;

	av = xcalloc((size_t)argc + 1, sizeof *av);
	av[n++] = "why";
	for (a = 1; a < argc; a++)
		if (a != at)
			av[n++] = argv[a];
	rc = cmd_why(n, av);
	free(av);
	return rc;
}

int
cmd_q(int argc, char **argv)
{
	struct cmd_q		 q;
	struct json_object	*req, *ids, *owners, *rep;
	struct adprint		*ap;
	const char		*state = NULL, *user = NULL;
	int			 a, watch = 0, all = 0, rc, hold = 0;
	int			 interval = 2000, batch = -1, run = 0;
	int			 ads = 0, r;

	/* condor_q -better-analyze ID: what cq why answers. */
	for (a = 1; a < argc; a++)
		if (strcmp(argv[a], "-better-analyze") == 0 ||
		    strcmp(argv[a], "--better-analyze") == 0 ||
		    strcmp(argv[a], "-analyze") == 0)
			return cmd_q_analyze(argc, argv, a);
	req = json_object_new_object();
	ids = json_object_new_array();
	owners = json_object_new_array();
	ap = adprint_new();
	for (a = 1; a < argc; a++) {
		if ((r = adprint_option(ap, "q", argc, argv, &a,
		    &ads, 1)) != 0) {
			if (r == -1)
				goto usage;
		} else if (strcmp(argv[a], "-run") == 0 ||
		    strcmp(argv[a], "--run") == 0)
			run = 1;
		else if (strcmp(argv[a], "-nobatch") == 0 ||
		    strcmp(argv[a], "--nobatch") == 0 ||
		    strcmp(argv[a], "--jobs") == 0)
			batch = 0;
		else if (strcmp(argv[a], "-hold") == 0 ||
		    strcmp(argv[a], "--hold") == 0)
			hold = 1;
		else if (strcmp(argv[a], "-batch") == 0 ||
		    strcmp(argv[a], "--batch") == 0)
			batch = 1;
		else if (strcmp(argv[a], "-a") == 0 ||
		    strcmp(argv[a], "--all") == 0 ||
		    strcmp(argv[a], "-allusers") == 0)
			all = 1;
		else if (strcmp(argv[a], "-w") == 0 ||
		    strcmp(argv[a], "--watch") == 0)
			watch = 1;
		else if (strcmp(argv[a], "-n") == 0 && a + 1 < argc) {
			if (watch_interval(argv[++a], &interval) == -1) {
				fprintf(stderr, "cq q: bad interval '%s' "
				    "(seconds, 0.1 to 3600)\n", argv[a]);
				goto usage;
			}
		} else if ((strcmp(argv[a], "-u") == 0 ||
		    strcmp(argv[a], "--user") == 0) && a + 1 < argc)
			user = argv[++a];
		else if ((strcmp(argv[a], "-constraint") == 0 ||
		    strcmp(argv[a], "--constraint") == 0) && a + 1 < argc) {
			if (cq_constraint_check("q", argv[++a]) == -1) {
				rc = CQ_EXIT_USAGE;
				goto out;
			}
			json_object_object_add(req, "constraint",
			    json_object_new_string(argv[a]));
		}
		else if (strcmp(argv[a], "--state") == 0 && a + 1 < argc) {
			state = argv[++a];
			if (!cmd_q_is_state(state)) {
				fprintf(stderr, "cq q: unknown state '%s' "
				    "(IDLE, RUNNING, HELD, SUSPENDED, "
				    "TRANSFERRING_OUTPUT or I R H S >)\n",
				    state);
				goto usage;
			}
		} else if (argv[a][0] == '-' || argv[a][0] == '\0') {
			if (argv[a][0] == '-' && (strcmp(argv[a], "-n") == 0 ||
			    strcmp(argv[a], "-u") == 0 ||
			    strcmp(argv[a], "--user") == 0 ||
			    strcmp(argv[a], "--state") == 0 ||
			    strcmp(argv[a], "-constraint") == 0 ||
			    strcmp(argv[a], "--constraint") == 0))
				fprintf(stderr, "cq q: %s needs a value; see "
				    "cq q --help\n", argv[a]);
			else if (argv[a][0] == '-') {
				rc = cq_unknown_option("q", argv[a]);
				goto out;
			} else
				goto usage;
			rc = CQ_EXIT_USAGE;
			goto out;
		}
		else if (cq_is_job_id(argv[a]))
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
		else
			json_object_array_add(owners,
			    json_object_new_string(argv[a]));
	}
	if (ads && watch) {
		fprintf(stderr, "cq q: -w draws the table; not with -json, "
		    "-l, -af or -format\n");
		goto usage;
	}
	if ((hold && run) || ((hold || run) && ads != 0 &&
	    ads != CMD_Q_ADS_JSON)) {
		fprintf(stderr, "cq q: choose one of -hold, -run, -l, -af "
		    "and -format\n");
		goto usage;
	}
	/* condor_q -run: the running jobs, one row each, with the host. */
	if (run) {
		if (batch == 1 || (state != NULL && strcasecmp(state,
		    "RUNNING") != 0 && strcasecmp(state, "R") != 0)) {
			fprintf(stderr, "cq q: -run shows running jobs, one "
			    "per row\n");
			goto usage;
		}
		batch = 0;
		state = "RUNNING";
	}
	/* The job ads, with the names -constraint uses; -batch -json: the
	 * batch rows. */
	if (ads && !(ads == CMD_Q_ADS_JSON && batch == 1)) {
		if (batch == 1) {
			fprintf(stderr, "cq q: -batch sums jobs; the ads are "
			    "of jobs\n");
			goto usage;
		}
		batch = 0;
	}
	/* condor_q -hold: the held jobs, one row each, with the reason. */
	if (hold) {
		if (batch == 1 || (state != NULL && strcasecmp(state,
		    "HELD") != 0 && strcasecmp(state, "H") != 0)) {
			fprintf(stderr, "cq q: -hold shows held jobs, one "
			    "per row\n");
			goto usage;
		}
		batch = 0;
		state = "HELD";
	}
	if (batch == -1)
		batch = 1;
	if ((ads && !batch) || run)
		json_object_object_add(req, "ads", json_object_new_boolean(1));
	json_object_object_add(req, "what",
	    json_object_new_string(batch ? "batches" : "jobs"));
	if (user != NULL)
		json_object_object_add(req, "owner",
		    json_object_new_string(user));
	if (state != NULL)
		json_object_object_add(req, "state",
		    json_object_new_string(state));
	if (!all && user == NULL && json_object_array_length(ids) == 0 &&
	    json_object_array_length(owners) == 0)
		json_object_object_add(req, "mine",
		    json_object_new_boolean(1));
	if (!batch && !hold && !run && !ads)
		json_object_object_add(req, "fields", cmd_q_jobs_fields());
	json_object_object_add(req, "ids", ids);
	json_object_object_add(req, "owners", owners);

	memset(&q, 0, sizeof q);
	q.req = req;
	q.batch = batch;
	q.hold = hold;
	q.run = run;
	if (watch) {
		q.color = table_want_color(stdout);
		rc = watch_run(hold ? "cq q -hold" : run ? "cq q -run" :
		    batch ? "cq q" : "cq q -nobatch", interval,
		    cmd_q_draw, &q);
	} else if (ads) {
		if ((rep = cmd_q_fetch(&q)) == NULL)
			rc = CQ_EXIT_FAIL;
		else {
			if (batch)
				cmd_q_batch_json(stdout, jsonx_get(rep,
				    "rows"));
			else
				cmd_q_ads_print(stdout, ads, ap,
				    jsonx_get(rep, "rows"));
			json_object_put(rep);
			rc = CQ_EXIT_OK;
		}
	} else {
		q.color = table_want_color(stdout);
		rc = cmd_q_draw(stdout, table_term_width(stdout), &q) == -1 ?
		    CQ_EXIT_FAIL : CQ_EXIT_OK;
	}
	json_object_put(req);
	adprint_free(ap);
	return rc;

usage:
	rc = cq_usage("q");
out:
	json_object_put(ids);
	json_object_put(owners);
	json_object_put(req);
	adprint_free(ap);
	return rc;
}
