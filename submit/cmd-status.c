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
 * under the table with their reason (CqOwnerReason).  The table asks
 * the scheduler for its fields only (statusrows.c reads them); the
 * slot ads come for -constraint and the ads' forms.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "adprint.h"
#include "cmd-q.h"
#include "client.h"
#include "cq.h"
#include "expr.h"
#include "jsonx.h"
#include "machinead.h"
#include "msg.h"
#include "slotstate.h"
#include "statusrows.h"
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

/* 1 if row R (a slot's full row) is selected by the names and the
 * constraint. */
static int
cmd_status_selected(const struct cmd_status *cs, struct json_object *r)
{
	struct json_object	*ad;
	struct status_row	 row;
	struct expr_value	 v;
	int			 i, yes;

	if (cs->nnames > 0) {
		status_row_json(r, &row);
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

/* Keep the rows of REP (with their ads) that CS selects. */
static void
cmd_status_filter(const struct cmd_status *cs, struct json_object *rep)
{
	struct json_object	*rows = jsonx_get(rep, "rows"), *keep;
	size_t			 i, n = json_object_array_length(rows);
	time_t			 now = time(NULL);

	for (i = 0; i < n; i++)
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
cmd_status_reasons(FILE *f, size_t width, const struct status_row *rows,
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
    const struct status_row *rows, size_t n)
{
	static const char *const hdr[] = { "NAME", "STATE", "ACTIVITY",
	    "LOAD", "MEM", "IDLE_FOR", "JOB", "OWNER_SEEN", "IMAGE" };
	const struct status_row	*r;
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
 * The machines query's full rows (objects with the slot ads, and
 * cmd_status_extra's members), for the ads and a -constraint; the names
 * select them.
 */
static struct json_object *
cmd_status_fetch(const struct cmd_status *cs)
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
	if (rep != NULL)
		cmd_status_filter(cs, rep);
	return rep;
}

/* The table's rows and what their strings are in. */
struct cmd_status_rows {
	struct status_row	*v;
	size_t			 n;
	char			*text;		/* the reply read in place */
	struct json_object	*rep;		/* or as json-c read it */
};

static void
cmd_status_rows_free(struct cmd_status_rows *r)
{
	free(r->v);
	free(r->text);
	json_object_put(r->rep);
	memset(r, 0, sizeof *r);
}

/* The rows of REP (json-c's) into R, which takes REP. */
static void
cmd_status_rows_json(struct cmd_status_rows *r, struct json_object *rep)
{
	struct json_object	*a = jsonx_get(rep, "rows");
	size_t			 i;

	r->rep = rep;
	r->n = json_object_array_length(a);
	r->v = xcalloc(r->n + 1, sizeof *r->v);
	for (i = 0; i < r->n; i++)
		status_row_json(json_object_array_get_idx(a, i), &r->v[i]);
}

/*
 * The table's rows: with a -constraint the full rows, else only the
 * table's fields (statusrows.c reads them: far cheaper to build, send
 * and read with tens of thousands of slots).  0, or -1 (said).
 */
static int
cmd_status_rows(const struct cmd_status *cs, struct cmd_status_rows *r)
{
	struct json_object	*req, *rep = NULL;
	struct client		*c;
	const char		*errstr;
	char			*text, *copy;
	uint16_t		 rtype;
	size_t			 len, i, k;
	int			 j;

	memset(r, 0, sizeof *r);
	if (cs->constraint != NULL) {
		if ((rep = cmd_status_fetch(cs)) == NULL)
			return -1;
		cmd_status_rows_json(r, rep);
		return 0;
	}
	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("machines"));
	json_object_object_add(req, "fields", status_rows_fields());
	if ((c = client_open()) == NULL) {
		json_object_put(req);
		return -1;
	}
	text = NULL;
	if (client_call_start(c, MSG_QUERY, req) == 0)
		text = client_call_finish_text(c, &rtype, &len);
	client_close(c);
	json_object_put(req);
	if (text == NULL)
		return -1;
	if (rtype == MSG_QUERY_REPLY) {
		/* (Read in place: json-c reads the copy if that fails.) */
		copy = xmalloc(len + 1);
		memcpy(copy, text, len + 1);
		if ((r->v = status_rows_read(text, len, &r->n)) != NULL) {
			r->text = text;
			free(copy);
		} else {
			free(text);
			text = copy;
		}
	}
	if (r->v == NULL) {
		if (msg_decode(rtype, text, len, &rep, &errstr) == -1 ||
		    rtype != MSG_QUERY_REPLY || !json_object_is_type(
		    jsonx_get(rep, "rows"), json_type_array)) {
			fprintf(stderr, "cq: the scheduler sent no rows\n");
			if (rep != NULL)
				json_object_put(rep);
			free(text);
			return -1;
		}
		free(text);
		cmd_status_rows_json(r, rep);
	}
	/* The names select slots or machines. */
	for (i = k = 0; cs->nnames > 0 && i < r->n; i++) {
		for (j = 0; j < cs->nnames; j++)
			if (strcmp(cs->names[j], r->v[i].name) == 0 ||
			    strcmp(cs->names[j], r->v[i].machine) == 0)
				break;
		if (j < cs->nnames)
			r->v[k++] = r->v[i];
	}
	if (cs->nnames > 0)
		r->n = k;
	return 0;
}

static int
cmd_status_draw(FILE *f, size_t width, void *arg)
{
	struct cmd_status	*cs = arg;
	struct cmd_status_rows	 r;

	if (cmd_status_rows(cs, &r) == -1)
		return -1;
	cmd_status_table(f, width, cs->color, r.v, r.n);
	cmd_status_rows_free(&r);
	cmd_status_disk(f);
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
		if ((rep = cmd_status_fetch(&cs)) == NULL)
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
