/*
 * cmd-drain.c: `cq drain [--cancel] NAME...` (finish the running jobs,
 * take no new ones) and `cq vacate NAME...` (vacate every job there now:
 * checkpoint signal, grace, kill; the jobs run again elsewhere).  For the
 * pool's administrator; the scheduler passes the order to the agents.
 * `cq vacate ID...` (job ids) evicts single jobs: see cmd-rm.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "xmalloc.h"

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
			return cq_bad_arg(cmd, argv[a]);
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

/*
 * `cq vacate` takes machine names and job ids: arguments that look like
 * job ids (CLUSTER, CLUSTER.PROC) and -a/-constraint go to the job-level
 * vacate (cmd-rm.c), names to the machines.
 */
int
cmd_vacate(int argc, char **argv)
{
	char	**jobs, **names;
	int	  a, nj = 1, nn = 1, rc = CQ_EXIT_OK, rc2;

	if (argc < 2)
		return cq_usage("vacate");
	jobs = xcalloc((size_t)argc + 1, sizeof *jobs);
	names = xcalloc((size_t)argc + 1, sizeof *names);
	jobs[0] = names[0] = argv[0];
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-constraint") == 0 ||
		    strcmp(argv[a], "--constraint") == 0) {
			jobs[nj++] = argv[a];
			if (a + 1 < argc)
				jobs[nj++] = argv[++a];
		} else if (cq_is_job_id(argv[a]) || argv[a][0] == '-')
			jobs[nj++] = argv[a];
		else
			names[nn++] = argv[a];
	}
	if (nj > 1)
		rc = cq_jobs_act("vacate", "vacate", "vacated", nj, jobs);
	if (nn > 1 && rc != CQ_EXIT_USAGE) {
		rc2 = machines_act("vacate", "vacate", nn, names, 1);
		if (rc == CQ_EXIT_OK)
			rc = rc2;
	}
	free(jobs);
	free(names);
	return rc;
}
