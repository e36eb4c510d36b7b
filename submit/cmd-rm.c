/*
 * cmd-rm.c: `cq rm|hold|release ID...` and `-a` (all of mine).  Removing
 * or holding a running job kills its whole process tree; a held job waits
 * for `cq release`.  The scheduler answers once the change is durable.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

static int
jobs_act(const char *action, const char *done_word, int argc, char **argv)
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
			return cq_usage(action);
		} else
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
	}
	if (!all && json_object_array_length(ids) == 0) {
		json_object_put(ids);
		json_object_put(req);
		return cq_usage(action);
	}
	json_object_object_add(req, "action", json_object_new_string(action));
	json_object_object_add(req, "ids", ids);
	if (all)
		json_object_object_add(req, "all", json_object_new_boolean(1));
	rep = cq_request(MSG_ACT, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	printf("%lld job(s) %s.\n", (long long)jsonx_int(rep, "count", 0),
	    done_word);
	json_object_put(rep);
	return CQ_EXIT_OK;
}

int
cmd_rm(int argc, char **argv)
{
	return jobs_act("rm", "removed", argc, argv);
}

int
cmd_hold(int argc, char **argv)
{
	return jobs_act("hold", "held", argc, argv);
}

int
cmd_release(int argc, char **argv)
{
	return jobs_act("release", "released", argc, argv);
}
