/*
 * cmd-status.c: `cq status`, the pool: one row per slot (condor_status's
 * NAME, STATE, ACTIVITY, plus the machine's LOAD without our jobs, the
 * slot's MEM in MiB, how long the owner has been idle, the JOB there and
 * when the owner was last seen), then a summary by state.  What the
 * owner is doing comes from the agents' heartbeats; an agent too old to
 * say shows "-".  Below them, the scheduler's warning about its disk,
 * if it has one (free space below disk_margin_mb, or stalled on a full
 * disk).  -w redraws them live.  As condor_status: MACHINE or SLOT
 * names and -constraint EXPR (over the slot ads, the names matching uses)
 * select slots; -l/-long, -json (or --json), -af and -format print their
 * ads (adprint.c).  What the table shows that matching does not see is
 * added to each ad here (cmd_status_extra): JobId and LastHeardFrom as
 * HTCondor names them, and cq's CqState, CqActivity, CqConnected and
 * CqOwnerLastSeen.  On a narrow terminal the
 * owner-side columns go first and NAME is never cut into look-alikes.
 * Where any machine told the version of the image it booted
 * (CqImageVersion), an IMAGE column shows it; the machines that stay
 * Owner for good (opted out with agent = off, or too small) are listed
 * under the table with their reason (CqOwnerReason).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "adprint.h"
#include "cmd-q.h"
#include "cq.h"
#include "expr.h"
#include "jsonx.h"
#include "machinead.h"
#include "msg.h"
#include "slotstate.h"
#include "table.h"
#include "text.h"
#include "watch.h"
#include "xmalloc.h"

struct cmd_status {
	int			 color;
	struct expr		*constraint;	/* over slot ads, or NULL */
	char			**names;	/* machines, slots */
	int			 nnames;
};

/*
 * A row of the table, from either form of the scheduler's rows: the
 * objects of a full answer (with the slot ads, for -constraint) or the
 * arrays of the fields cmd_status_fields() names.  Its strings are the
 * reply's.
 */
struct cmd_status_row {
	const char	*name, *machine, *state, *activity, *job;
	const char	*image, *reason;
	int		 has_load, has_idle, has_seen;
	double		 load;
	int64_t		 mem, idle, seen;
};

/* The fields the table asks for, in the order it reads them. */
enum {
	CS_NAME, CS_MACHINE, CS_STATE, CS_ACTIVITY, CS_LOAD, CS_MEM, CS_IDLE,
	CS_JOB, CS_SEEN, CS_IMAGE, CS_REASON, CS_NFIELDS
};
static const char *const cmd_status_field_names[CS_NFIELDS] = {
	"name", "machine", "state", "activity", "load", "memory_mb",
	"owner_idle_ms", "job", "owner_seen_ms", "image_version",
	"owner_reason"
};

static struct json_object *
cmd_status_fields(void)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < CS_NFIELDS; i++)
		json_object_array_add(a, json_object_new_string(
		    cmd_status_field_names[i]));
	return a;
}

static const char *
cmd_status_str(struct json_object *v, const char *def)
{
	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : def;
}

static int64_t
cmd_status_int(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : 0;
}

/* Row R (an object, or an array of the table's fields) into OUT. */
static void
cmd_status_row(struct json_object *r, struct cmd_status_row *out)
{
	struct json_object	*v[CS_NFIELDS];
	size_t			 i;

	for (i = 0; i < CS_NFIELDS; i++)
		v[i] = json_object_is_type(r, json_type_array) ?
		    json_object_array_get_idx(r, i) :
		    jsonx_get(r, cmd_status_field_names[i]);
	out->name = cmd_status_str(v[CS_NAME], "");
	out->machine = cmd_status_str(v[CS_MACHINE], "");
	out->state = cmd_status_str(v[CS_STATE], "?");
	out->activity = cmd_status_str(v[CS_ACTIVITY], "-");
	out->job = cmd_status_str(v[CS_JOB], "-");
	out->image = cmd_status_str(v[CS_IMAGE], NULL);
	out->reason = cmd_status_str(v[CS_REASON], NULL);
	out->has_load = v[CS_LOAD] != NULL;
	out->load = out->has_load ? json_object_get_double(v[CS_LOAD]) : 0;
	out->mem = cmd_status_int(v[CS_MEM]);
	out->has_idle = v[CS_IDLE] != NULL;
	out->idle = cmd_status_int(v[CS_IDLE]);
	out->has_seen = v[CS_SEEN] != NULL;
	out->seen = cmd_status_int(v[CS_SEEN]);
}

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

/* 1 if row R (a slot: an object, or an array of the table's fields) is
 * selected by the names and the constraint. */
static int
cmd_status_selected(const struct cmd_status *cs, struct json_object *r)
{
	struct json_object	*ad;
	struct cmd_status_row	 row;
	struct expr_value	 v;
	int			 i, yes;

	if (cs->nnames > 0) {
		cmd_status_row(r, &row);
		for (i = 0; i < cs->nnames; i++)
			if (strcmp(cs->names[i], row.name) == 0 ||
			    strcmp(cs->names[i], row.machine) == 0)
				break;
		if (i == cs->nnames)
			return 0;
	}
	if (cs->constraint == NULL)
		return 1;
	ad = jsonx_get(r, "ad");
	if (!json_object_is_type(ad, json_type_object))
		return 0;
	expr_eval_json(cs->constraint, ad, NULL, &v);
	yes = expr_is_true(&v);
	expr_value_clear(&v);
	return yes;
}

/*
 * Add to the ad of row R what the table shows and the ad lacks: the job
 * in the slot (JobId) and when the scheduler last heard from the agent
 * (LastHeardFrom, epoch seconds) as HTCondor's collector names them;
 * cq's slot state (CqState: UNCLAIMED ... OFFLINE), the table's ACTIVITY
 * (CqActivity: Owner while the owner is active, "-" offline), whether the
 * agent is connected (CqConnected) and when its owner was last seen
 * (CqOwnerLastSeen, epoch seconds; absent if never or unknown).
 */
static void
cmd_status_extra(struct json_object *r, time_t now)
{
	struct json_object	*ad = jsonx_get(r, "ad"), *v;

	if (!json_object_is_type(ad, json_type_object))
		return;
	if ((v = jsonx_get(r, "job")) != NULL)
		json_object_object_add(ad, "JobId", json_object_get(v));
	if (jsonx_get(r, "contact_age_ms") != NULL)
		json_object_object_add(ad, "LastHeardFrom",
		    json_object_new_int64((int64_t)now -
		    jsonx_int(r, "contact_age_ms", 0) / 1000));
	if ((v = jsonx_get(r, "state")) != NULL)
		json_object_object_add(ad, "CqState", json_object_get(v));
	if ((v = jsonx_get(r, "activity")) != NULL)
		json_object_object_add(ad, "CqActivity", json_object_get(v));
	json_object_object_add(ad, "CqConnected",
	    json_object_new_boolean(jsonx_bool(r, "connected", 0)));
	if (jsonx_get(r, "owner_seen_ms") != NULL)
		json_object_object_add(ad, "CqOwnerLastSeen",
		    json_object_new_int64((int64_t)now -
		    jsonx_int(r, "owner_seen_ms", 0) / 1000));
}

/* Keep the rows of REP that CS selects; FULL: rows with their ads, to
 * which cmd_status_extra adds. */
static void
cmd_status_filter(const struct cmd_status *cs, struct json_object *rep,
    int full)
{
	struct json_object	*rows = jsonx_get(rep, "rows"), *keep;
	size_t			 i, n = json_object_array_length(rows);
	time_t			 now = time(NULL);

	for (i = 0; full && i < n; i++)
		cmd_status_extra(json_object_array_get_idx(rows, i), now);
	if (cs->nnames == 0 && cs->constraint == NULL)
		return;
	keep = json_object_new_array();
	for (i = 0; i < n; i++)
		if (cmd_status_selected(cs, json_object_array_get_idx(rows,
		    i)))
			json_object_array_add(keep, json_object_get(
			    json_object_array_get_idx(rows, i)));
	json_object_object_add(rep, "rows", keep);
}

/*
 * Below the table, the machines that run no jobs for good and why (their
 * agent's CqOwnerReason: opted out, too small), one line each.
 */
static void
cmd_status_reasons(FILE *f, size_t width, const struct cmd_status_row *rows,
    size_t n)
{
	const char	*last = NULL;
	char		 line[1024], safe[MACHINEAD_MAX_REASON + 1];
	size_t		 i;
	int		 any = 0;

	for (i = 0; i < n; i++) {
		if (rows[i].reason == NULL)
			continue;
		if (last != NULL && strcmp(last, rows[i].machine) == 0)
			continue;
		last = rows[i].machine;
		if (!any)
			fprintf(f, "\nOwner for good (no jobs run there):\n");
		any = 1;
		/* The agent's text: no terminal controls reach the screen,
		 * whatever scheduler passed them on. */
		text_clean(safe, sizeof safe, rows[i].reason);
		snprintf(line, sizeof line, "  %s: %s", rows[i].machine, safe);
		table_wrap(f, line, width);
	}
}

static void
cmd_status_table(FILE *f, size_t width, int color,
    const struct cmd_status_row *rows, size_t n)
{
	static const char *const hdr[] = { "NAME", "STATE", "ACTIVITY",
	    "LOAD", "MEM", "IDLE_FOR", "JOB", "OWNER_SEEN", "IMAGE" };
	const struct cmd_status_row	*r;
	struct table			*t;
	char				 load[32], mem[32], idle[32], seen[32];
	char				 line[512];
	const char			*cells[9];
	size_t				 i, ncols = 8;
	size_t				 counts[SLOT_OFFLINE + 1] = { 0 };
	enum slot_state			 s;

	/* The boot image's version: a column once any machine has one. */
	for (i = 0; i < n; i++)
		if (rows[i].image != NULL)
			ncols = 9;
	t = table_new(ncols, hdr);
	table_color(t, color);
	table_right(t, 3);
	table_right(t, 4);
	table_right(t, 5);
	/* Narrow terminals: the names stay apart, the owner side goes. */
	table_keep_distinct(t, 0);
	if (ncols == 9)
		table_optional(t, 8);
	table_optional(t, 7);
	table_optional(t, 5);
	table_optional(t, 3);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		if (slot_state_parse(r->state, &s) == 0)
			counts[s]++;
		if (r->has_load)
			snprintf(load, sizeof load, "%.2f", r->load);
		else
			strlcpy(load, "-", sizeof load);
		snprintf(mem, sizeof mem, "%lld", (long long)r->mem);
		if (r->has_idle)
			cq_fmt_duration(idle, sizeof idle, r->idle / 1000);
		else
			strlcpy(idle, "-", sizeof idle);
		if (r->has_seen)
			cmd_status_ago(seen, sizeof seen, r->seen);
		else
			strlcpy(seen, r->has_idle ? "never" : "-",
			    sizeof seen);
		cells[0] = r->name;
		cells[1] = r->state;
		cells[2] = r->activity;
		cells[3] = load;
		cells[4] = mem;
		cells[5] = idle;
		cells[6] = r->job;
		cells[7] = seen;
		cells[8] = r->image != NULL ? r->image : "-";
		table_add(t, cells);
		table_cell_color(t, 1, cmd_status_sgr(r->state));
	}
	table_print(t, f, width);
	table_free(t);
	cmd_status_reasons(f, width, rows, n);
	snprintf(line, sizeof line, "Total for pool: %zu slots; %zu "
	    "unclaimed, %zu claimed, %zu owner, %zu suspended, %zu vacating, "
	    "%zu draining, %zu offline", n, counts[SLOT_UNCLAIMED],
	    counts[SLOT_CLAIMED], counts[SLOT_OWNER], counts[SLOT_SUSPENDED],
	    counts[SLOT_VACATING], counts[SLOT_DRAINING], counts[SLOT_OFFLINE]);
	fputc('\n', f);
	table_wrap(f, line, width);
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

/*
 * The machines query: the full rows (objects with the slot ads, and
 * cmd_status_extra's members) for the ads and a -constraint, else only
 * the table's fields (arrays: far cheaper to build, send and read with
 * tens of thousands of slots).  The names select either.
 */
static struct json_object *
cmd_status_fetch(const struct cmd_status *cs, int full)
{
	struct json_object	*req, *rep;

	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("machines"));
	if (!full)
		json_object_object_add(req, "fields", cmd_status_fields());
	rep = cq_request(MSG_QUERY, req);
	json_object_put(req);
	if (rep != NULL && !json_object_is_type(jsonx_get(rep, "rows"),
	    json_type_array)) {
		fprintf(stderr, "cq: the scheduler sent no rows\n");
		json_object_put(rep);
		return NULL;
	}
	if (rep != NULL)
		cmd_status_filter(cs, rep, full);
	return rep;
}

static int
cmd_status_draw(FILE *f, size_t width, void *arg)
{
	struct cmd_status	*cs = arg;
	struct cmd_status_row	*rows;
	struct json_object	*rep, *a;
	size_t			 i, n;

	if ((rep = cmd_status_fetch(cs, cs->constraint != NULL)) == NULL)
		return -1;
	a = jsonx_get(rep, "rows");
	n = json_object_array_length(a);
	rows = xcalloc(n + 1, sizeof *rows);
	for (i = 0; i < n; i++)
		cmd_status_row(json_object_array_get_idx(a, i), &rows[i]);
	cmd_status_table(f, width, cs->color, rows, n);
	free(rows);
	cmd_status_disk(f);
	json_object_put(rep);
	return 0;
}

/* -json, -long, -af, -format: the slot ads of the rows in REP. */
static void
cmd_status_ads(int how, const struct adprint *ap, struct json_object *rep)
{
	struct json_object	*rows = jsonx_get(rep, "rows"), *ads, *ad;
	size_t			 i, n = json_object_array_length(rows);

	ads = json_object_new_array();
	for (i = 0; i < n; i++) {
		ad = jsonx_get(json_object_array_get_idx(rows, i), "ad");
		if (json_object_is_type(ad, json_type_object))
			json_object_array_add(ads, json_object_get(ad));
	}
	cmd_q_ads_print(stdout, how, ap, ads);
	json_object_put(ads);
}

int
cmd_status(int argc, char **argv)
{
	struct cmd_status	 cs;
	struct json_object	*rep;
	struct adprint		*ap;
	char			 err[256];
	int			 a, watch = 0, interval = 2000;
	int			 ads = 0, r, rc = CQ_EXIT_USAGE;

	memset(&cs, 0, sizeof cs);
	cs.names = xcalloc((size_t)argc + 1, sizeof *cs.names);
	ap = adprint_new();
	for (a = 1; a < argc; a++) {
		if ((r = adprint_option(ap, "status", argc, argv, &a,
		    &ads, 0)) != 0) {
			if (r == -1)
				goto out;
		} else if ((strcmp(argv[a], "-constraint") == 0 ||
		    strcmp(argv[a], "--constraint") == 0) && a + 1 < argc) {
			if (cs.constraint != NULL) {
				fprintf(stderr, "cq status: one -constraint "
				    "(join them with &&)\n");
				goto out;
			}
			if ((cs.constraint = expr_parse(argv[++a], err,
			    sizeof err)) == NULL) {
				fprintf(stderr, "cq status: bad constraint: "
				    "%s\n", err);
				goto out;
			}
		} else if (strcmp(argv[a], "-w") == 0 ||
		    strcmp(argv[a], "--watch") == 0)
			watch = 1;
		else if (strcmp(argv[a], "-n") == 0 && a + 1 < argc) {
			if (watch_interval(argv[++a], &interval) == -1) {
				fprintf(stderr, "cq status: bad interval '%s' "
				    "(seconds, 0.1 to 3600)\n", argv[a]);
				goto out;
			}
		} else if (argv[a][0] == '-') {
			if (strcmp(argv[a], "-n") == 0 ||
			    strcmp(argv[a], "-constraint") == 0 ||
			    strcmp(argv[a], "--constraint") == 0)
				fprintf(stderr, "cq status: %s needs a value; "
				    "see cq status --help\n", argv[a]);
			else
				cq_unknown_option("status", argv[a]);
			goto out;
		} else
			cs.names[cs.nnames++] = argv[a];
	}
	if (ads && watch) {
		fprintf(stderr, "cq status: -w draws the table; not with "
		    "-json, -l, -af or -format\n");
		goto out;
	}
	cs.color = table_want_color(stdout);
	if (watch)
		rc = watch_run("cq status", interval, cmd_status_draw, &cs);
	else if (ads) {
		if ((rep = cmd_status_fetch(&cs, 1)) == NULL)
			rc = CQ_EXIT_FAIL;
		else {
			cmd_status_ads(ads, ap, rep);
			json_object_put(rep);
			rc = CQ_EXIT_OK;
		}
	} else
		rc = cmd_status_draw(stdout, table_term_width(stdout), &cs) ==
		    -1 ? CQ_EXIT_FAIL : CQ_EXIT_OK;
out:
	adprint_free(ap);
	expr_free(cs.constraint);
	free(cs.names);
	return rc;
}
