/*
 * cmd-why.c: `cq why [--json] ID...` (and `cq q -better-analyze ID...`):
 * why a job does not run.  The scheduler judges every slot against the
 * job with the predicate matching uses (why.c); this prints its summary,
 * the slots per reason, each clause of the requirements with the slots
 * it holds for, and what would let the job run, e.g.
 *	job 12.0 is idle: no slot of the 5 known can ever run it
 *	  5 slots: rejected by the job's requirements: Arch == "SPARC"
 *	The requirements, clause by clause (of 5 slots):
 *	  STEP  MATCHED  CONDITION
 *	  [0]        0  Arch == "SPARC"
 *	  [1]        5  TARGET.OpSys == "LINUX"  (added)
 *	  ...
 *	What would let it run:
 *	  no slot satisfies Arch == "SPARC": change or remove it
 * A running job gets where it runs, a held one its hold reason.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

/* One job's answer, as text. */
static void
cmd_why_print(struct json_object *r)
{
	struct json_object	*a, *e;
	size_t			 k;
	int64_t			 n;

	printf("%s\n", jsonx_str(r, "summary", ""));
	a = jsonx_get(r, "reasons");
	for (k = 0; a != NULL && k < json_object_array_length(a); k++) {
		e = json_object_array_get_idx(a, k);
		n = jsonx_int(e, "slots", 0);
		printf("  %lld slot%s: %s\n", (long long)n, n == 1 ? "" : "s",
		    jsonx_str(e, "text", ""));
	}
	a = jsonx_get(r, "clauses");
	if (a != NULL && json_object_array_length(a) > 0) {
		printf("The requirements, clause by clause (of %lld slots):\n",
		    (long long)jsonx_int(r, "nslots", 0));
		printf("  %-5s %7s  %s\n", "STEP", "MATCHED", "CONDITION");
		for (k = 0; k < json_object_array_length(a); k++) {
			e = json_object_array_get_idx(a, k);
			printf("  [%lld] %*lld  %s%s\n",
			    (long long)jsonx_int(e, "clause", 0),
			    k < 10 ? 7 : 6,
			    (long long)jsonx_int(e, "matched", 0),
			    jsonx_str(e, "text", ""),
			    jsonx_bool(e, "added", 0) ? "  (added)" : "");
		}
		printf("  %lld rejected by the job's requirements, %lld by "
		    "the machines' start\n",
		    (long long)jsonx_int(r, "rejected_by_requirements", 0),
		    (long long)jsonx_int(r, "rejected_by_start", 0));
	}
	a = jsonx_get(r, "suggestions");
	if (a != NULL && json_object_array_length(a) > 0) {
		printf("What would let it run:\n");
		for (k = 0; k < json_object_array_length(a); k++)
			printf("  %s\n", json_object_get_string(
			    json_object_array_get_idx(a, k)));
	}
}

int
cmd_why(int argc, char **argv)
{
	struct json_object	*req, *rep, *ids, *rows, *r;
	size_t			 i, n, nids;
	int			 a, json = 0, rc = CQ_EXIT_OK;

	ids = json_object_new_array();
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0 ||
		    strcmp(argv[a], "-json") == 0)
			json = 1;
		else if (argv[a][0] == '-') {
			json_object_put(ids);
			return cq_bad_arg("why", argv[a]);
		} else if (!cq_is_job_id(argv[a])) {
			fprintf(stderr, "cq why: bad job id '%s' (expected "
			    "CLUSTER or CLUSTER.PROC)\n", argv[a]);
			json_object_put(ids);
			return CQ_EXIT_USAGE;
		} else
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
	}
	if ((nids = json_object_array_length(ids)) == 0) {
		json_object_put(ids);
		return cq_usage("why");
	}
	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("why"));
	json_object_object_add(req, "ids", ids);
	rep = cq_request(MSG_QUERY, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	rows = jsonx_get(rep, "rows");
	n = json_object_array_length(rows);
	if (n == 0) {
		fprintf(stderr, "cq why: no such job in the queue (a finished "
		    "job is in cq history)\n");
		json_object_put(rep);
		return CQ_EXIT_FAIL;
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(rows,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(rep);
		return rc;
	}
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (i > 0)
			printf("\n");
		cmd_why_print(r);
	}
	json_object_put(rep);
	return rc;
}
