/*
 * cmd-status.c: `cq status`, one row per slot and a summary by state, or
 * the rows as JSON with --json.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "slotstate.h"
#include "table.h"

int
cmd_status(int argc, char **argv)
{
	static const char *const hdr[] = { "NAME", "STATE", "CPUS", "MEM",
	    "JOB", "SEEN" };
	struct json_object	*rep, *rows, *r;
	struct table		*t;
	char			 cpus[16], mem[32], seen[32];
	const char		*cells[6], *st;
	size_t			 i, n, counts[SLOT_OFFLINE + 1] = { 0 };
	enum slot_state		 s;
	int			 rc;

	rc = cq_query("status", "machines", argc, argv, 0, &rep);
	if (rc != CQ_EXIT_OK || rep == NULL)
		return rc;
	rows = jsonx_get(rep, "rows");
	t = table_new(6, hdr);
	table_right(t, 2);
	table_right(t, 3);
	table_right(t, 5);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		st = jsonx_str(r, "state", "?");
		if (slot_state_parse(st, &s) == 0)
			counts[s]++;
		snprintf(cpus, sizeof cpus, "%lld",
		    (long long)jsonx_int(r, "cpus", 0));
		snprintf(mem, sizeof mem, "%lld",
		    (long long)jsonx_int(r, "memory_mb", 0));
		snprintf(seen, sizeof seen, "%llds ago",
		    (long long)(jsonx_int(r, "contact_age_ms", 0) / 1000));
		cells[0] = jsonx_str(r, "name", "");
		cells[1] = st;
		cells[2] = cpus;
		cells[3] = mem;
		cells[4] = jsonx_str(r, "job", "-");
		cells[5] = seen;
		table_add(t, cells);
	}
	table_print(t, stdout, table_term_width(stdout));
	table_free(t);
	printf("\n%zu slots; %zu unclaimed, %zu claimed, %zu owner, "
	    "%zu suspended, %zu draining, %zu offline\n", n,
	    counts[SLOT_UNCLAIMED], counts[SLOT_CLAIMED], counts[SLOT_OWNER],
	    counts[SLOT_SUSPENDED], counts[SLOT_DRAINING],
	    counts[SLOT_OFFLINE]);
	json_object_put(rep);
	return CQ_EXIT_OK;
}
