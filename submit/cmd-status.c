/*
 * cmd-status.c: `cq status`, the pool: one row per slot (condor_status's
 * NAME, STATE, ACTIVITY, plus the machine's LOAD without our jobs, the
 * slot's MEM in MiB, how long the owner has been idle, the JOB there and
 * when the owner was last seen), then a summary by state.  What the
 * owner is doing comes from the agents' heartbeats; an agent too old to
 * say shows "-".  Below them, the scheduler's warning about its disk,
 * if it has one (free space below disk_margin_mb, or stalled on a full
 * disk).  --json prints the rows, -w redraws them live.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "slotstate.h"
#include "table.h"
#include "watch.h"

struct cmd_status {
	int	color;
};

/* A short age: "12s", "5m", "3h", "2d". */
static void
cmd_status_ago(char *buf, size_t len, int64_t ms)
{
	int64_t	s = ms / 1000;

	if (s < 120)
		snprintf(buf, len, "%llds ago", (long long)s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm ago", (long long)(s / 60));
	else if (s < 172800)
		snprintf(buf, len, "%lldh ago", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd ago", (long long)(s / 86400));
}

static const char *
cmd_status_sgr(const char *state)
{
	if (strcmp(state, "CLAIMED") == 0)
		return "32";
	if (strcmp(state, "UNCLAIMED") == 0)
		return "36";
	if (strcmp(state, "SUSPENDED") == 0 || strcmp(state, "VACATING") == 0)
		return "35";
	if (strcmp(state, "OFFLINE") == 0)
		return "31";
	if (strcmp(state, "OWNER") == 0)
		return "33";
	return NULL;
}

static void
cmd_status_table(FILE *f, size_t width, int color, struct json_object *rows)
{
	static const char *const hdr[] = { "NAME", "STATE", "ACTIVITY",
	    "LOAD", "MEM", "IDLE_FOR", "JOB", "OWNER_SEEN" };
	struct json_object	*r, *v;
	struct table		*t;
	char			 load[32], mem[32], idle[32], seen[32];
	const char		*cells[8], *st;
	size_t			 i, n, counts[SLOT_OFFLINE + 1] = { 0 };
	enum slot_state		 s;

	t = table_new(8, hdr);
	table_color(t, color);
	table_right(t, 3);
	table_right(t, 4);
	table_right(t, 5);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		st = jsonx_str(r, "state", "?");
		if (slot_state_parse(st, &s) == 0)
			counts[s]++;
		if ((v = jsonx_get(r, "load")) != NULL)
			snprintf(load, sizeof load, "%.2f",
			    json_object_get_double(v));
		else
			strlcpy(load, "-", sizeof load);
		snprintf(mem, sizeof mem, "%lld",
		    (long long)jsonx_int(r, "memory_mb", 0));
		if (jsonx_get(r, "owner_idle_ms") != NULL)
			cq_fmt_duration(idle, sizeof idle,
			    jsonx_int(r, "owner_idle_ms", 0) / 1000);
		else
			strlcpy(idle, "-", sizeof idle);
		if (jsonx_get(r, "owner_seen_ms") != NULL)
			cmd_status_ago(seen, sizeof seen,
			    jsonx_int(r, "owner_seen_ms", 0));
		else
			strlcpy(seen, jsonx_get(r, "owner_idle_ms") != NULL ?
			    "never" : "-", sizeof seen);
		cells[0] = jsonx_str(r, "name", "");
		cells[1] = st;
		cells[2] = jsonx_str(r, "activity", "-");
		cells[3] = load;
		cells[4] = mem;
		cells[5] = idle;
		cells[6] = jsonx_str(r, "job", "-");
		cells[7] = seen;
		table_add(t, cells);
		table_cell_color(t, 1, cmd_status_sgr(st));
	}
	table_print(t, f, width);
	table_free(t);
	fprintf(f, "\nTotal for pool: %zu slots; %zu unclaimed, %zu claimed, "
	    "%zu owner, %zu suspended, %zu vacating, %zu draining, "
	    "%zu offline\n", n, counts[SLOT_UNCLAIMED], counts[SLOT_CLAIMED],
	    counts[SLOT_OWNER], counts[SLOT_SUSPENDED], counts[SLOT_VACATING],
	    counts[SLOT_DRAINING], counts[SLOT_OFFLINE]);
}

/*
 * The scheduler's word on its disk, in the pool's row (an older
 * scheduler has none): printed if it warns.
 */
static void
cmd_status_disk(FILE *f)
{
	struct json_object	*req, *rep, *rows, *disk;
	const char		*w;

	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("pool"));
	rep = cq_request(MSG_QUERY, req);
	json_object_put(req);
	if (rep == NULL)
		return;
	rows = jsonx_get(rep, "rows");
	if (json_object_is_type(rows, json_type_array) &&
	    json_object_array_length(rows) > 0 &&
	    (disk = jsonx_get(json_object_array_get_idx(rows, 0),
	    "disk")) != NULL &&
	    (w = jsonx_str(disk, "warning", NULL)) != NULL)
		fprintf(f, "\nScheduler's disk: %s\n", w);
	json_object_put(rep);
}

static struct json_object *
cmd_status_fetch(void)
{
	struct json_object	*req, *rep;

	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("machines"));
	rep = cq_request(MSG_QUERY, req);
	json_object_put(req);
	if (rep != NULL && !json_object_is_type(jsonx_get(rep, "rows"),
	    json_type_array)) {
		fprintf(stderr, "cq: the scheduler sent no rows\n");
		json_object_put(rep);
		return NULL;
	}
	return rep;
}

static int
cmd_status_draw(FILE *f, size_t width, void *arg)
{
	struct cmd_status	*cs = arg;
	struct json_object	*rep;

	if ((rep = cmd_status_fetch()) == NULL)
		return -1;
	cmd_status_table(f, width, cs->color, jsonx_get(rep, "rows"));
	cmd_status_disk(f);
	json_object_put(rep);
	return 0;
}

int
cmd_status(int argc, char **argv)
{
	struct cmd_status	 cs;
	struct json_object	*rep;
	int			 a, json = 0, watch = 0, interval = 2000;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0 ||
		    strcmp(argv[a], "-json") == 0)
			json = 1;
		else if (strcmp(argv[a], "-w") == 0 ||
		    strcmp(argv[a], "--watch") == 0)
			watch = 1;
		else if (strcmp(argv[a], "-n") == 0 && a + 1 < argc) {
			if (watch_interval(argv[++a], &interval) == -1) {
				fprintf(stderr, "cq status: bad interval '%s' "
				    "(seconds, 0.1 to 3600)\n", argv[a]);
				return cq_usage("status");
			}
		} else
			return cq_usage("status");
	}
	if (json && watch) {
		fprintf(stderr, "cq status: --json and -w do not go together\n");
		return cq_usage("status");
	}
	cs.color = table_want_color(stdout);
	if (watch)
		return watch_run("cq status", interval, cmd_status_draw, &cs);
	if (json) {
		if ((rep = cmd_status_fetch()) == NULL)
			return CQ_EXIT_FAIL;
		printf("%s\n", json_object_to_json_string_ext(
		    jsonx_get(rep, "rows"), JSON_C_TO_STRING_PRETTY |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(rep);
		return CQ_EXIT_OK;
	}
	return cmd_status_draw(stdout, table_term_width(stdout), &cs) == -1 ?
	    CQ_EXIT_FAIL : CQ_EXIT_OK;
}
