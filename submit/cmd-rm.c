/*
 * cmd-rm.c: `cq rm ID...` and `cq rm -a`.  A running job is killed with
 * its whole process group; the scheduler answers once the removal is
 * durable.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

int
cmd_rm(int argc, char **argv)
{
	struct json_object	*req, *rep, *ids;
	int			 a, all = 0;

	req = json_object_new_object();
	ids = json_object_new_array();
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-a") == 0)
			all = 1;
		else if (argv[a][0] == '-') {
			json_object_put(ids);
			json_object_put(req);
			return cq_usage("rm");
		} else
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
	}
	if (!all && json_object_array_length(ids) == 0) {
		json_object_put(ids);
		json_object_put(req);
		return cq_usage("rm");
	}
	json_object_object_add(req, "action", json_object_new_string("rm"));
	json_object_object_add(req, "ids", ids);
	if (all)
		json_object_object_add(req, "all", json_object_new_boolean(1));
	rep = cq_request(MSG_ACT, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	printf("%lld job(s) removed.\n", (long long)jsonx_int(rep, "count", 0));
	json_object_put(rep);
	return CQ_EXIT_OK;
}
