/*
 * cmd-rm.c: `cq rm|hold|release ID...` and the job-level `cq vacate
 * ID...`.  IDs are CLUSTER or CLUSTER.PROC; `-a` (`--all`) names all of
 * my jobs (all jobs for the pool's administrator); `-constraint EXPR`
 * narrows them (or, alone, selects the jobs it is true for).  `cq hold
 * -reason TEXT` gives the hold reason shown in `cq q` and the event log.
 * Removing or holding a running job kills its whole process tree;
 * vacating it evicts it: it goes back to IDLE and runs again.  The
 * scheduler checks the whole request first (every id must name a job of
 * mine) and answers once the change is durable.  Exit: 0 done, 1 an id
 * did not exist or was not mine (nothing done), 2 bad usage.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

int
cq_is_job_id(const char *s)
{
	const char	*p = s;
	size_t		 n = 0;

	while (isdigit((unsigned char)*p)) {
		p++;
		n++;
	}
	if (n == 0 || n > 10 || (s[0] == '0'))
		return 0;
	if (*p == '\0')
		return 1;
	if (*p++ != '.')
		return 0;
	for (n = 0; isdigit((unsigned char)*p); p++)
		n++;
	return n > 0 && n <= 10 && *p == '\0';
}

int
cq_jobs_act(const char *cmd, const char *action, const char *done_word,
    int argc, char **argv)
{
	struct json_object	*req, *rep, *ids;
	const char		*constraint = NULL, *reason = NULL;
	int			 a, all = 0;

	ids = json_object_new_array();
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-a") == 0 || strcmp(argv[a], "--all") == 0)
			all = 1;
		else if ((strcmp(argv[a], "-constraint") == 0 ||
		    strcmp(argv[a], "--constraint") == 0) && a + 1 < argc)
			constraint = argv[++a];
		else if ((strcmp(argv[a], "-reason") == 0 ||
		    strcmp(argv[a], "--reason") == 0) && a + 1 < argc &&
		    strcmp(action, "hold") == 0)
			reason = argv[++a];
		else if (argv[a][0] == '-') {
			json_object_put(ids);
			if (strcmp(argv[a], "-constraint") == 0 ||
			    strcmp(argv[a], "--constraint") == 0 ||
			    strcmp(argv[a], "-reason") == 0 ||
			    strcmp(argv[a], "--reason") == 0)
				fprintf(stderr, "cq %s: %s needs a value; see "
				    "cq %s --help\n", cmd, argv[a], cmd);
			else
				return cq_unknown_option(cmd, argv[a]);
			return CQ_EXIT_USAGE;
		} else if (!cq_is_job_id(argv[a])) {
			fprintf(stderr, "cq %s: bad job id '%s' (expected "
			    "CLUSTER or CLUSTER.PROC)\n", cmd, argv[a]);
			json_object_put(ids);
			return CQ_EXIT_USAGE;
		} else
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
	}
	if ((all && json_object_array_length(ids) > 0) || (!all &&
	    constraint == NULL && json_object_array_length(ids) == 0)) {
		json_object_put(ids);
		return cq_usage(cmd);
	}
	if (constraint != NULL && cq_constraint_check(cmd, constraint) == -1) {
		json_object_put(ids);
		return CQ_EXIT_USAGE;
	}
	req = json_object_new_object();
	json_object_object_add(req, "action", json_object_new_string(action));
	json_object_object_add(req, "ids", ids);
	if (all)
		json_object_object_add(req, "all", json_object_new_boolean(1));
	if (constraint != NULL)
		json_object_object_add(req, "constraint",
		    json_object_new_string(constraint));
	if (reason != NULL)
		json_object_object_add(req, "reason",
		    json_object_new_string(reason));
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
	return cq_jobs_act("rm", "rm", "removed", argc, argv);
}

int
cmd_hold(int argc, char **argv)
{
	return cq_jobs_act("hold", "hold", "held", argc, argv);
}

int
cmd_release(int argc, char **argv)
{
	return cq_jobs_act("release", "release", "released", argc, argv);
}
