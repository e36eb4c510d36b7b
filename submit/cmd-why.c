/*
 * cmd-why.c: `cq why [--json] ID...`: why a job does not run.  The
 * scheduler judges every slot against the job (why.c) and counts the
 * slots per reason; this prints its summary and the counts, e.g.
 *	job 12.0 is idle: 0 of 5 slots could run it now
 *	  3 slots: owner present
 *	  2 slots: too little memory (job asks 4096 MiB, largest slot 2048 MiB)
 * A running job gets where it runs, a held one its hold reason.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

int
cmd_why(int argc, char **argv)
{
	struct json_object	*req, *rep, *ids, *rows, *r, *reasons, *e;
	size_t			 i, k, n, nids;
	int			 a, json = 0, rc = CQ_EXIT_OK;

	ids = json_object_new_array();
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = 1;
		else if (!cq_is_job_id(argv[a])) {
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
		printf("%s\n", jsonx_str(r, "summary", ""));
		reasons = jsonx_get(r, "reasons");
		for (k = 0; reasons != NULL &&
		    k < json_object_array_length(reasons); k++) {
			e = json_object_array_get_idx(reasons, k);
			printf("  %lld slot%s: %s\n",
			    (long long)jsonx_int(e, "slots", 0),
			    jsonx_int(e, "slots", 0) == 1 ? "" : "s",
			    jsonx_str(e, "text", ""));
		}
	}
	json_object_put(rep);
	return rc;
}
