/*
 * cmd-wait.c: `cq wait ID`: block until the jobs have left the queue.
 * For a single job the exit code mirrors the job's (128+N for signal N, 1
 * if it was removed).  It polls the scheduler every 100 ms for now; a
 * pushed notification can replace the loop without changing the command.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"

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

int
cmd_wait(int argc, char **argv)
{
	struct json_object	*rep, *rows, *r;
	struct timespec		 ts = { 0, 100 * 1000 * 1000 };
	const char		*id, *errstr, *st;
	long long		 timeout = 0;
	int64_t			 deadline;
	size_t			 n;
	int			 a = 1, code;

	if (a + 1 < argc && strcmp(argv[a], "-t") == 0) {
		timeout = strtonum(argv[a + 1], 1, 100000000, &errstr);
		if (errstr != NULL)
			return cq_usage("wait");
		a += 2;
	}
	if (a != argc - 1)
		return cq_usage("wait");
	id = argv[a];
	deadline = clock_mono_ms() + timeout * 1000;
	for (;;) {
		if ((rep = wait_query("jobs", id)) == NULL)
			return CQ_EXIT_FAIL;
		n = json_object_array_length(jsonx_get(rep, "rows"));
		json_object_put(rep);
		if (n == 0)
			break;
		if (timeout > 0 && clock_mono_ms() > deadline) {
			fprintf(stderr, "cq: wait: timed out\n");
			return CQ_EXIT_FAIL;
		}
		nanosleep(&ts, NULL);
	}
	if ((rep = wait_query("history", id)) == NULL)
		return CQ_EXIT_FAIL;
	rows = jsonx_get(rep, "rows");
	if (json_object_array_length(rows) == 0) {
		fprintf(stderr, "cq: wait: no such job %s\n", id);
		json_object_put(rep);
		return CQ_EXIT_FAIL;
	}
	code = 0;
	if (json_object_array_length(rows) == 1) {
		r = json_object_array_get_idx(rows, 0);
		st = jsonx_str(r, "st", "");
		if (strcmp(st, "X") == 0)
			code = 1;
		else if (jsonx_int(r, "exit_signal", 0) != 0)
			code = 128 + (int)jsonx_int(r, "exit_signal", 0);
		else
			code = (int)jsonx_int(r, "exit_code", 0);
	}
	json_object_put(rep);
	return code;
}
