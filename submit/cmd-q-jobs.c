/*
 * cmd-q-jobs.c: the job view of `cq q` (-nobatch, --jobs): one row per
 * job with condor_q -nobatch's columns (ID, OWNER, SUBMITTED, RUN_TIME
 * (cumulative over the job's runs, so a held or requeued job shows what
 * it ran, as condor_q does), ST, PRI, SIZE, CMD), with cq's CKPT (the age of the job's last
 * checkpoint) and EVICT (times it was evicted) before CMD, and the totals
 * line.  With 100,000 rows the cost is
 * in the formatting, so a submit time is formatted once per minute it
 * names, not once per job, and the rows come as arrays of the columns'
 * fields (query member "fields"), far cheaper to build, send and parse
 * than objects.  Called by cmd-q.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "clock.h"
#include "cmd-q.h"
#include "cq.h"
#include "jsonx.h"
#include "table.h"

void
cmd_q_jobs_totals(FILE *f, size_t width, size_t n, size_t completed,
    size_t removed, size_t idle, size_t running, size_t held,
    size_t suspended)
{
	char	line[512];

	snprintf(line, sizeof line, "Total for query: %zu jobs; %zu "
	    "completed, %zu removed, %zu idle, %zu running, %zu held, %zu "
	    "suspended", n, completed, removed, idle, running, held,
	    suspended);
	fputc('\n', f);
	table_wrap(f, line, width);
}

/* The colour of a state letter in the ST column. */
static const char *
cmd_q_jobs_sgr(const char *st)
{
	switch (st[0]) {
	case 'R':
		return "32";
	case 'H':
		return "31";
	case 'S':
		return "35";
	case 'X':
	case 'C':
		return "2";
	default:
		return NULL;
	}
}

/* The fields the view asks for, in the order it reads them. */
enum { F_ID, F_OWNER, F_SUBMITTED, F_RUN_TIME, F_ST, F_PRI, F_MEM, F_CKPT,
    F_EVICT, F_CMD, F_N };

struct json_object *
cmd_q_jobs_fields(void)
{
	static const char *const names[] = { "id", "owner", "submitted",
	    "run_time_ms", "st", "priority", "request_memory_mb", "last_ckpt_ms",
	    "evictions", "cmd" };
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	return a;
}

/* Cell I of row R as a string or an integer, with a default. */
static const char *
cmd_q_jobs_str(struct json_object *r, size_t i, const char *def)
{
	struct json_object	*v = json_object_array_get_idx(r, i);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : def;
}

static int64_t
cmd_q_jobs_int(struct json_object *r, size_t i)
{
	struct json_object	*v = json_object_array_get_idx(r, i);

	return json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : 0;
}

/* How long ago MS was, compactly ("40s", "12m", "3h", "2d"); "-" if never. */
static void
cmd_q_jobs_age(char *buf, size_t len, int64_t now, int64_t ms)
{
	int64_t	 s = (now - ms) / 1000;

	if (ms <= 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", (long long)(s < 0 ? 0 : s));
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
}

/*
 * A cell's text, formatted again only when its value changes: 100,000
 * rows mostly repeat their neighbour's priority, size, run time and
 * counts, and snprintf() was the view's largest cost after parsing.
 */
struct cmd_q_memo {
	int64_t	 v;
	int	 set;
	char	 buf[32];
};

static void
cmd_q_fmt_int(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%lld", (long long)v);
}

static void
cmd_q_fmt_size(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%.1f", (double)v);
}

static void
cmd_q_fmt_duration(char *buf, size_t len, int64_t v)
{
	cq_fmt_duration(buf, len, v);
}

static const char *
cmd_q_memo(struct cmd_q_memo *m, int64_t v,
    void (*fmt)(char *, size_t, int64_t))
{
	if (!m->set || m->v != v) {
		fmt(m->buf, sizeof m->buf, v);
		m->v = v;
		m->set = 1;
	}
	return m->buf;
}

void
cmd_q_jobs_draw(FILE *f, size_t width, int color, struct json_object *rows)
{
	static const char *const hdr[] = { "ID", "OWNER", "SUBMITTED",
	    "RUN_TIME", "ST", "PRI", "SIZE", "CKPT", "EVICT", "CMD" };
	struct json_object	*r;
	struct table		*t;
	struct cmd_q_memo	 rt = { 0 }, pri = { 0 }, size = { 0 };
	struct cmd_q_memo	 evict = { 0 };
	char			 sub[32], ckpt[32];
	const char		*cells[F_N], *st;
	size_t			 i, n, counts[8] = { 0 };
	int64_t			 now = clock_now_ms(), ms;
	int64_t			 last_min = -1;

	t = table_new(F_N, hdr);
	table_color(t, color);
	table_right(t, 3);
	table_right(t, 5);
	table_right(t, 6);
	table_right(t, 7);
	table_right(t, 8);
	/* cq's own columns go first on a narrow terminal. */
	table_optional(t, 8);
	table_optional(t, 7);
	n = json_object_array_length(rows);
	sub[0] = '\0';
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (!json_object_is_type(r, json_type_array))
			continue;
		st = cmd_q_jobs_str(r, F_ST, "?");
		ms = cmd_q_jobs_int(r, F_SUBMITTED);
		if (ms / 60000 != last_min || ms <= 0) {
			cq_fmt_time(sub, sizeof sub, ms);
			last_min = ms / 60000;
		}
		cells[0] = cmd_q_jobs_str(r, F_ID, "");
		cells[1] = cmd_q_jobs_str(r, F_OWNER, "");
		cells[2] = sub;
		/* Cumulative over its runs, as condor_q (a held job too). */
		cells[3] = cmd_q_memo(&rt, cmd_q_jobs_int(r, F_RUN_TIME) / 1000,
		    cmd_q_fmt_duration);
		cells[4] = st;
		cells[5] = cmd_q_memo(&pri, cmd_q_jobs_int(r, F_PRI),
		    cmd_q_fmt_int);
		cells[6] = cmd_q_memo(&size, cmd_q_jobs_int(r, F_MEM),
		    cmd_q_fmt_size);
		cmd_q_jobs_age(ckpt, sizeof ckpt, now,
		    cmd_q_jobs_int(r, F_CKPT));
		cells[7] = ckpt;
		cells[8] = cmd_q_memo(&evict, cmd_q_jobs_int(r, F_EVICT),
		    cmd_q_fmt_int);
		cells[9] = cmd_q_jobs_str(r, F_CMD, "");
		table_add(t, cells);
		table_cell_color(t, 4, cmd_q_jobs_sgr(st));
		switch (st[0]) {
		case 'I': counts[1]++; break;
		case 'R': counts[2]++; break;
		case '>': counts[2]++; break;
		case 'X': counts[3]++; break;
		case 'C': counts[4]++; break;
		case 'H': counts[5]++; break;
		case 'S': counts[7]++; break;
		}
	}
	table_print(t, f, width);
	table_free(t);
	cmd_q_jobs_totals(f, width, n, counts[4], counts[3], counts[1], counts[2],
	    counts[5], counts[7]);
}
