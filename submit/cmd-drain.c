/*
 * cmd-drain.c: `cq drain [--cancel] NAME...` (finish the running jobs,
 * take no new ones) and `cq vacate NAME...` (vacate every job there now:
 * checkpoint signal, grace, kill; the jobs run again elsewhere).  For the
 * pool's administrator; the scheduler passes the order to the agents.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

static int
machines_act(const char *cmd, const char *action, int argc, char **argv,
    int first)
{
	struct json_object	*req, *rep, *names;
	int			 a;

	if (first >= argc)
		return cq_usage(cmd);
	names = json_object_new_array();
	for (a = first; a < argc; a++) {
		if (argv[a][0] == '-') {
			json_object_put(names);
			return cq_usage(cmd);
		}
		json_object_array_add(names, json_object_new_string(argv[a]));
	}
	req = json_object_new_object();
	json_object_object_add(req, "action", json_object_new_string(action));
	json_object_object_add(req, "machines", names);
	rep = cq_request(MSG_ACT, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	printf("%s: %lld machine(s)\n", action,
	    (long long)jsonx_int(rep, "count", 0));
	json_object_put(rep);
	return CQ_EXIT_OK;
}

int
cmd_drain(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--cancel") == 0)
		return machines_act("drain", "undrain", argc, argv, 2);
	return machines_act("drain", "drain", argc, argv, 1);
}

int
cmd_vacate(int argc, char **argv)
{
	return machines_act("vacate", "vacate", argc, argv, 1);
}
