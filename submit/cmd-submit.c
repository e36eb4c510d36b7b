/*
 * cmd-submit.c: `cq submit FILE` and `cq submit -- CMD ARGS...`.  The
 * description is parsed and checked here (errors name file and line and
 * submit nothing); the scheduler enters all jobs or none and answers after
 * they are durable.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cq.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "msg.h"
#include "submit.h"
#include "xmalloc.h"

int
cmd_submit(int argc, char **argv)
{
	extern char		**environ;
	struct jobdesc		*jobs = NULL;
	struct json_object	*req, *arr, *rep;
	struct client		*c;
	uint16_t		 rtype;
	char			 cwd[PATH_MAX], err[1024], *fbatch = NULL;
	const char		*batch = NULL;
	size_t			 njobs = 0, i;
	int			 terse = 0, dry = 0, cmdline = 0, a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--terse") == 0)
			terse = 1;
		else if (strcmp(argv[a], "--dry-run") == 0)
			dry = 1;
		else if (strcmp(argv[a], "--batch-name") == 0 && a + 1 < argc)
			batch = argv[++a];
		else if (strcmp(argv[a], "--") == 0) {
			cmdline = 1;
			a++;
			break;
		} else if (argv[a][0] == '-' && argv[a][1] != '\0')
			return cq_usage("submit");
		else
			break;
	}
	if (a >= argc || (!cmdline && a != argc - 1))
		return cq_usage("submit");
	if (getcwd(cwd, sizeof cwd) == NULL) {
		perror("cq: getcwd");
		return CQ_EXIT_FAIL;
	}
	if (cmdline) {
		jobs = calloc(1, sizeof *jobs);
		if (jobs == NULL || jobdesc_from_argv(argc - a, argv + a, cwd,
		    jobs, err, sizeof err) == -1) {
			fprintf(stderr, "cq: %s\n", err);
			free(jobs);
			return CQ_EXIT_USAGE;
		}
		njobs = 1;
		/* Like sbatch: output and errors to cq-CLUSTER.out here. */
		if (jobs->output == NULL && jobs->error == NULL) {
			xasprintf(&jobs->output, "%s/cq-$(Cluster).out", cwd);
			jobs->error = xstrdup(jobs->output);
		}
	} else if (submit_parse_file(argv[a], cwd, environ, &jobs, &njobs,
	    err, sizeof err) == -1) {
		fprintf(stderr, "cq: %s\n", err);
		return CQ_EXIT_USAGE;
	}

	/* The file's batch_name names the cluster unless --batch-name does. */
	if (njobs > 0 && jobs[0].batch_name != NULL)
		fbatch = xstrdup(jobs[0].batch_name);
	if (batch == NULL)
		batch = fbatch;
	/* Dry runs show every member, one job a line. */
	if (dry) {
		for (i = 0; i < njobs; i++) {
			arr = jobdesc_to_json(&jobs[i]);
			printf("%s\n", json_object_to_json_string_ext(arr,
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(arr);
		}
		jobdesc_free_all(jobs, njobs);
		free(fbatch);
		return CQ_EXIT_OK;
	}
	/* Nothing queued (e.g. `queue matching` found no file): say so. */
	if (njobs == 0) {
		free(jobs);
		free(fbatch);
		if (!terse)
			printf("0 job(s) submitted.\n");
		return CQ_EXIT_OK;
	}
	/* The wire leaves the members at their defaults out. */
	arr = json_object_new_array();
	for (i = 0; i < njobs; i++)
		json_object_array_add(arr, jobdesc_to_wire(&jobs[i]));
	req = json_object_new_object();
	json_object_object_add(req, "jobs", arr);
	if (batch != NULL)
		json_object_object_add(req, "batch_name",
		    json_object_new_string(batch));
	/* Free the big things while the scheduler enters the jobs. */
	rep = NULL;
	if ((c = client_open()) != NULL &&
	    client_call_start(c, MSG_SUBMIT, req) == -1) {
		client_close(c);
		c = NULL;
	}
	json_object_put(req);
	jobdesc_free_all(jobs, njobs);
	free(fbatch);
	if (c != NULL) {
		rep = client_call_finish(c, &rtype);
		client_close(c);
	}
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	if (terse)
		printf("%lld\n", (long long)jsonx_int(rep, "cluster", 0));
	else
		printf("%lld job(s) submitted to cluster %lld.\n",
		    (long long)jsonx_int(rep, "count", 0),
		    (long long)jsonx_int(rep, "cluster", 0));
	json_object_put(rep);
	return CQ_EXIT_OK;
}
