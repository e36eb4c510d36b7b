/*
 * cmd-wait.c: `cq wait [-timeout SECS] ID`: block until the job, or every
 * proc of a cluster, has left the queue, then exit as the job did: its
 * exit code, 128+N for signal N (as a shell does), 1 if it was removed;
 * for a cluster 0 only if every proc exited 0, else the first non-zero
 * code in proc order.  On timeout it says so and exits 1.  It polls the
 * scheduler, first every 100 ms, backing off to once a second; a pushed
 * notification can replace the loop without changing the command.  A job
 * that left the queue is waited for until its events are in its user log
 * too (the scheduler writes logs off its loop and marks a history row
 * "log_pending" until then), as condor_wait, which reads the log, would.
 * Procs of a late materialization not in the queue yet count as in it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"

#define WAIT_FIRST_MS	100
#define WAIT_MAX_MS	1000

static struct json_object *
wait_query(const char *what, const char *id)
{
	struct json_object	*req, *ids, *rep;

	req = json_object_new_object();
	ids = json_object_new_array();
	json_object_array_add(ids, json_object_new_string(id));
	json_object_object_add(req, "what", json_object_new_string(what));
	json_object_object_add(req, "ids", ids);
	rep = cq_request(MSG_QUERY, req);
	json_object_put(req);
	return rep;
}

/* The exit code a shell would give for one finished job's row. */
static int
wait_code(struct json_object *r)
{
	if (strcmp(jsonx_str(r, "st", ""), "X") == 0)
		return 1;
	if (jsonx_int(r, "exit_signal", 0) != 0)
		return 128 + (int)jsonx_int(r, "exit_signal", 0);
	return (int)jsonx_int(r, "exit_code", 0);
}

int
cmd_wait(int argc, char **argv)
{
	struct json_object	*rep, *rows;
	struct timespec		 ts;
	const char		*id, *errstr;
	long long		 timeout = 0;
	int64_t			 deadline, delay = WAIT_FIRST_MS;
	size_t			 i, n;
	int			 a = 1, code, best_proc, proc, logwait;

	if (a + 1 < argc && (strcmp(argv[a], "-t") == 0 ||
	    strcmp(argv[a], "-timeout") == 0 ||
	    strcmp(argv[a], "--timeout") == 0)) {
		timeout = strtonum(argv[a + 1], 1, 100000000, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "cq wait: timeout %s: %s\n",
			    argv[a + 1], errstr);
			return CQ_EXIT_USAGE;
		}
		a += 2;
	}
	if (a < argc && argv[a][0] == '-')
		return cq_bad_arg("wait", argv[a]);
	if (a != argc - 1)
		return cq_usage("wait");
	id = argv[a];
	if (!cq_is_job_id(id)) {
		fprintf(stderr, "cq wait: bad job id '%s' (expected CLUSTER "
		    "or CLUSTER.PROC)\n", id);
		return CQ_EXIT_USAGE;
	}
	deadline = clock_mono_ms() + timeout * 1000;
	for (;;) {
		logwait = 0;
		if ((rep = wait_query("jobs", id)) == NULL)
			return CQ_EXIT_FAIL;
		n = json_object_array_length(jsonx_get(rep, "rows"));
		/* A late materialization's procs not made yet: waited for. */
		if (n == 0 && jsonx_int(rep, "unmaterialized", 0) > 0)
			n = (size_t)jsonx_int(rep, "unmaterialized", 0);
		else if (n == 0) {
			/* Gone: done once its user log has its events. */
			json_object_put(rep);
			if ((rep = wait_query("history", id)) == NULL)
				return CQ_EXIT_FAIL;
			rows = jsonx_get(rep, "rows");
			n = json_object_array_length(rows);
			for (i = 0; i < n; i++)
				if (jsonx_bool(json_object_array_get_idx(rows,
				    i), "log_pending", 0))
					break;
			if (i == n)
				break;
			logwait = 1;
		}
		json_object_put(rep);
		if (timeout > 0 && clock_mono_ms() >= deadline) {
			if (logwait)
				fprintf(stderr, "cq wait: timed out after %lld "
				    "s: %s left the queue, but its user log "
				    "does not have all its events yet\n",
				    timeout, id);
			else
				fprintf(stderr, "cq wait: timed out after %lld "
				    "s: %zu job(s) of %s still in the queue\n",
				    timeout, n, id);
			return CQ_EXIT_FAIL;
		}
		if (timeout > 0 && clock_mono_ms() + delay > deadline)
			delay = deadline - clock_mono_ms() + 1;
		ts.tv_sec = delay / 1000;
		ts.tv_nsec = (delay % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		delay = delay * 2 > WAIT_MAX_MS ? WAIT_MAX_MS : delay * 2;
	}
	if (n == 0) {
		fprintf(stderr, "cq wait: no such job %s\n", id);
		json_object_put(rep);
		return CQ_EXIT_FAIL;
	}
	/* History is newest first: find the lowest proc that failed. */
	code = 0;
	best_proc = -1;
	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(rows, i);
		int c = wait_code(r);

		proc = (int)jsonx_int(r, "proc", 0);
		if (c != 0 && (best_proc < 0 || proc < best_proc)) {
			best_proc = proc;
			code = c;
		}
	}
	json_object_put(rep);
	return code > 255 ? 255 : code;
}
