/*
 * cmd-prio.c: `cq prio -p N | +N | -N ID...`, as condor_prio: set, raise
 * or lower the job priority (JobPrio) of idle or held jobs of mine.  It orders my own jobs only
 * (higher first, then submission order); between users fair share
 * decides.  A cq qedit of JobPrio underneath.  Exit: 0 done, 1 refused,
 * 2 bad usage.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cq.h"

int
cmd_prio(int argc, char **argv)
{
	struct json_object	*ids;
	const char		*prio = NULL, *errstr;
	char			 expr[64];
	long long		 n;
	int			 a, rel = 0;

	ids = json_object_new_array();
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-p") == 0 && a + 1 < argc && prio == NULL)
			prio = argv[++a];
		else if ((argv[a][0] == '+' || argv[a][0] == '-') &&
		    argv[a][1] >= '0' && argv[a][1] <= '9' && prio == NULL) {
			prio = argv[a];
			rel = 1;
		}
		else if (cq_is_job_id(argv[a]))
			json_object_array_add(ids,
			    json_object_new_string(argv[a]));
		else {
			json_object_put(ids);
			if (argv[a][0] == '-')
				return cq_bad_arg("prio", argv[a]);
			fprintf(stderr, "cq prio: bad argument '%s'\n",
			    argv[a]);
			return cq_usage("prio");
		}
	}
	if (prio == NULL || json_object_array_length(ids) == 0) {
		json_object_put(ids);
		return cq_usage("prio");
	}
	n = strtonum(prio + rel, rel ? 0 : INT32_MIN, INT32_MAX, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "cq prio: priority '%s' is %s (a whole "
		    "number)\n", prio, errstr);
		json_object_put(ids);
		return CQ_EXIT_USAGE;
	}
	if (rel)
		snprintf(expr, sizeof expr, "JobPrio %c %lld", prio[0], n);
	else
		snprintf(expr, sizeof expr, "%lld", n);
	return cq_qedit("prio", ids, "JobPrio", expr);
}
