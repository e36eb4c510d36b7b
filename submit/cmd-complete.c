/*
 * cmd-complete.c: `cq __complete jobs|machines`, a hidden helper for the
 * bash completion (completions/cq.bash): the ids of the jobs in the
 * queue, or the names of the machines, one per line.  Prints nothing and
 * exits 1 when the scheduler is not there, so completion stays quiet.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"

int
cmd_complete(int argc, char **argv)
{
	struct client		*c;
	struct json_object	*req, *rep, *rows, *r;
	const char		*what, *key, *v, *prev = NULL;
	uint16_t		 rtype;
	size_t			 i, n;

	if (argc != 2)
		return CQ_EXIT_USAGE;
	if (strcmp(argv[1], "jobs") == 0) {
		what = "jobs";
		key = "id";
	} else if (strcmp(argv[1], "machines") == 0) {
		what = "machines";
		key = "machine";
	} else
		return CQ_EXIT_USAGE;
	if ((c = client_open_quiet()) == NULL)
		return CQ_EXIT_FAIL;
	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string(what));
	rep = client_call(c, MSG_QUERY, req, &rtype);
	json_object_put(req);
	client_close(c);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	rows = jsonx_get(rep, "rows");
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		v = jsonx_str(r, key, NULL);
		/* A machine has a row per slot, in order: print it once. */
		if (v == NULL || (prev != NULL && strcmp(prev, v) == 0))
			continue;
		printf("%s\n", v);
		prev = v;
	}
	json_object_put(rep);
	return CQ_EXIT_OK;
}
