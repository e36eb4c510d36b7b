/*
 * cmd-qedit.c: `cq qedit ID... ATTR VALUE`, as condor_qedit: set one
 * attribute of idle or held jobs of mine (the administrator: anyone's).
 * VALUE is a ClassAd expression, so a string is written with its quotes:
 *	cq qedit 12.0 Requirements 'Memory > 2048'
 *	cq qedit 12 +Project '"higgs"'
 * The scheduler maps HTCondor's names (JobPrio, Requirements, Rank,
 * RequestCpus, RequestMemory, RequestDisk, AcctGroup, AcctGroupUser,
 * ConcurrencyLimits) onto the job's description, refuses the ones it
 * keeps elsewhere, and takes any other name as a custom attribute; a
 * leading '+' is dropped, as in a submit file.  All jobs change or none.
 * Exit: 0 done, 1 refused, 2 bad usage.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

/* One edit request; prints "N job(s) edited." or the refusal. */
int
cq_qedit(const char *cmd, struct json_object *ids, const char *attr,
    const char *value)
{
	struct json_object	*req, *rep;

	req = json_object_new_object();
	json_object_object_add(req, "ids", ids);
	json_object_object_add(req, "attr", json_object_new_string(attr));
	json_object_object_add(req, "value", json_object_new_string(value));
	rep = cq_request(MSG_EDIT, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	printf("%lld job(s) edited.\n", (long long)jsonx_int(rep, "count", 0));
	json_object_put(rep);
	return CQ_EXIT_OK;
}

int
cmd_qedit(int argc, char **argv)
{
	struct json_object	*ids;
	const char		*attr;
	int			 a;

	if (argc < 4)
		return cq_usage("qedit");
	ids = json_object_new_array();
	for (a = 1; a < argc - 2; a++) {
		if (!cq_is_job_id(argv[a])) {
			fprintf(stderr, "cq qedit: bad job id '%s' (expected "
			    "CLUSTER or CLUSTER.PROC)\n", argv[a]);
			json_object_put(ids);
			return CQ_EXIT_USAGE;
		}
		json_object_array_add(ids, json_object_new_string(argv[a]));
	}
	attr = argv[argc - 2];
	if (attr[0] == '+')
		attr++;
	else if (strncasecmp(attr, "my.", 3) == 0)
		attr += 3;
	if (*attr == '\0') {
		json_object_put(ids);
		return cq_usage("qedit");
	}
	return cq_qedit("qedit", ids, attr, argv[argc - 1]);
}
