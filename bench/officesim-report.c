/*
 * officesim-report.c: the figures a run prints, as `key: value` lines
 * (bench/officesim.sh and tests/integration/t-officesim.sh read them),
 * and office mode's picture of the measured days: OUTDIR/officesim.svg,
 * one row per desktop (at most 200, evenly picked), time from left to
 * right: the owner at the desk, a job running, a job suspended (the owner
 * came back to it), idle with no job, and off or not connected.
 *
 * Office figures, over the measured days only:
 *   idle_desktop_hours   desktops that are on, owner away (not at the
 *                        desk: the stays of officesim-owner.c)
 *   idle_slot_hours      the same times the slots of a desktop
 *   busy_slot_hours      slots CLAIMED (a job running)
 *   lost_job_hours       work vacated (jobs that do not checkpoint), and
 *                        the runs of lost links
 *   checkpointed_vacates vacates of jobs that checkpoint (each one, for
 *                        real, a checkpoint written and moved, a restart)
 *   inflight_job_hours   work of the jobs still running at the end
 *   committed_job_hours  busy - lost - in flight: work that was done or
 *                        checkpointed
 *   harvest              committed / idle slot-hours
 *   busy_returns         owners' arrivals at a desktop running a job
 *   idle_at_end          the work the idle jobs still have to do at the
 *                        end (what a placement left for later)
 *   submit_to_start      a job's first start after its submission
 *                        (virtual; with a full queue, mostly its wait)
 *   offer_to_start       a slot offered while jobs wait, to its start
 *                        order (real ms: the scheduler's reaction)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#include "officesim.h"

#define H	3600000.0
#define SVG_ROWS	200
#define SVG_W		1008	/* px for the time axis: 10 minutes a px
				   for a week */

static double
pct_of(const int64_t *v, size_t n, double q)
{
	size_t	i;

	if (n == 0)
		return -1;
	i = (size_t)(q * (n - 1) + 0.5);
	return (double)v[i];
}

static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void
report_flood(void)
{
	int64_t	*reg;
	size_t	 n = 0;
	int	 i;
	double	 secs;

	reg = calloc(sim->o.nagents, sizeof *reg);
	for (i = 0; i < sim->o.nagents; i++)
		if (sim->agents[i].t_ready > 0)
			reg[n++] = sim->agents[i].t_ready -
			    sim->agents[i].t_connect;
	qsort(reg, n, sizeof *reg, cmp64);
	printf("mode: flood\n");
	if (sim->o.label[0] != '\0')
		printf("label: %s\n", sim->o.label);
	printf("agents: %d (%d slots each, %d source addresses, %s)\n",
	    sim->o.nagents, sim->o.nslots, sim->o.sources,
	    sim->o.fingerprint != NULL ? "TLS" : "plain TCP");
	printf("registered: %d\n", sim->nready);
	if (sim->t_all_ready > 0)
		printf("register_all_ms: %lld\n",
		    (long long)(sim->t_all_ready - sim->t0));
	printf("register_one_ms: p50 %.0f p99 %.0f max %.0f\n",
	    pct_of(reg, n, 0.5), pct_of(reg, n, 0.99), pct_of(reg, n, 1));
	/* Each agent heartbeats lease/4 after the last: a window shorter
	 * than that misses the agents that registered last. */
	if (sim->st_hb_cpu >= 0)
		printf("schedd_heartbeat_cpu_pct: %.2f (over %d s, heartbeat "
		    "every %lld ms%s)\n", sim->st_hb_cpu * 100,
		    sim->o.hb_window_s, (long long)(sim->lease_ms / 4),
		    sim->o.hb_window_s * 1000LL < sim->lease_ms / 2 ?
		    "; shorter than two heartbeats: not a figure" : "");
	printf("schedd_heartbeat_rss_mib: %.1f\n", sim->st_hb_rss / 1024.0);
	query_report();
	printf("jobs: %ld started, %ld ended, %ld acknowledged, %ld "
	    "refused\n", sim->started, sim->exited, sim->acked,
	    sim->refused);
	if (sim->t_last_ack > sim->t_submit && sim->acked > 0) {
		secs = (sim->t_last_ack - sim->t_submit) / 1000.0;
		printf("jobs_per_s: %.0f (submit to last end acknowledged, "
		    "%.2f s)\n", sim->acked / secs, secs);
		if (sim->t_first_start > 0)
			printf("first_start_ms: %lld (after the submit "
			    "began)\n", (long long)(sim->t_first_start -
			    sim->t_submit));
		printf("schedd_run_cpu_s: %.2f (%.0f%% of a core)\n",
		    sim->st_run_cpu, 100 * sim->st_run_cpu / secs);
		printf("schedd_run_rss_mib: %.1f\n",
		    sim->st_run_rss / 1024.0);
		printf("officesim_run_cpu_s: %.2f (%.0f%% of a core: the "
		    "simulator's own)\n", sim->me_run_cpu,
		    100 * sim->me_run_cpu / secs);
	}
	printf("errors: %ld\n", sim->errors);
	free(reg);
}

/* Time within [FROM, TO) that A's owner is at the desk. */
static int64_t
owner_time(const struct sim_agent *a, int64_t from, int64_t to)
{
	int64_t	t = 0, f, e;
	size_t	i;

	for (i = 0; i < a->nstays; i++) {
		f = a->stays[i].from > from ? a->stays[i].from : from;
		e = a->stays[i].to < to ? a->stays[i].to : to;
		if (e > f)
			t += e - f;
	}
	return t;
}

/* Slot S's state at VT (SLOT_OFFLINE before its first mark). */
static int
mark_at(const struct sim_slot *s, int64_t vt)
{
	size_t	lo = 0, hi = s->nmarks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->marks[mid].vt <= vt)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? SLOT_OFFLINE : s->marks[lo - 1].state;
}

static int
present_at(const struct sim_agent *a, int64_t vt)
{
	size_t	lo = 0, hi = a->nstays;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a->stays[mid].from <= vt)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a->stays[lo - 1].to > vt;
}

enum { C_OFF, C_IDLE, C_OWNER, C_BUSY, C_SUSP, C_N };
static const char *const colors[C_N] = {
	"#ffffff", "#cfe0f3", "#e07b39", "#2ca02c", "#ffd92f"
};
static const char *const color_names[C_N] = {
	"off or not connected", "idle, no job", "owner at the desk",
	"job running", "job suspended (owner back)"
};

static int
color_at(const struct sim_agent *a, int64_t vt)
{
	int	i, st, off = 1, busy = 0, susp = 0;

	if (a->persona == PERSONA_OFF)
		return C_OFF;
	for (i = 0; i < a->nslots; i++) {
		st = mark_at(&a->slots[i], vt);
		off &= st == SLOT_OFFLINE;
		busy |= st == SLOT_CLAIMED;
		susp |= st == SLOT_SUSPENDED || st == SLOT_VACATING;
	}
	if (present_at(a, vt))
		return susp ? C_SUSP : C_OWNER;
	if (off)
		return C_OFF;
	if (susp)
		return C_SUSP;
	return busy ? C_BUSY : C_IDLE;
}

static int
report_svg(const char *path)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };
	FILE	*f;
	int64_t	 from = sim->os.from, span = sim->os.to - sim->os.from, d;
	int	 rows, step, rh, r, x, x0, c, c0, left = 70, top = 60, i;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	step = sim->o.nagents > SVG_ROWS ? (sim->o.nagents + SVG_ROWS - 1) /
	    SVG_ROWS : 1;
	rows = (sim->o.nagents + step - 1) / step;
	rh = rows <= 60 ? 8 : rows <= 120 ? 5 : 4;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
	    left + SVG_W + 10, top + rows * rh + 30);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f, "<text x=\"%d\" y=\"16\" font-size=\"13\">cq office "
	    "simulator: %d desktops x %d slots, seed %llu, %d days after %d "
	    "of training%s</text>\n", left, sim->o.nagents, sim->o.nslots,
	    (unsigned long long)sim->o.seed, sim->o.days, sim->o.train_days,
	    sim->o.owner_aware ? ", ExpectedOwnerAbsence advertised" : "");
	for (c = 0, x = left; c < C_N; c++) {
		fprintf(f, "<rect x=\"%d\" y=\"26\" width=\"10\" "
		    "height=\"10\" fill=\"%s\" stroke=\"#888\"/>"
		    "<text x=\"%d\" y=\"35\">%s</text>\n", x, colors[c],
		    x + 14, color_names[c]);
		x += 24 + 6 * (int)strlen(color_names[c]);
	}
	fprintf(f, "<text x=\"%d\" y=\"50\">", left);
	for (i = 0; sim->o.label[i] != '\0'; i++) {
		/* The label is the user's: escaped as XML text. */
		c = sim->o.label[i];
		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else
			fputc(c, f);
	}
	if (sim->o.label[0] != '\0' && step > 1)
		fputs("; ", f);
	if (step > 1)
		fprintf(f, "one desktop in %d shown", step);
	fprintf(f, "</text>\n");
	for (r = 0; r < rows; r++) {
		const struct sim_agent *a = &sim->agents[r * step];

		c0 = -1;
		x0 = 0;
		for (x = 0; x <= SVG_W; x++) {
			c = x == SVG_W ? -2 : color_at(a, from +
			    (int64_t)((x + 0.5) * span / SVG_W));
			if (c == c0)
				continue;
			if (c0 >= 0 && c0 != C_OFF)
				fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				    "height=\"%d\" fill=\"%s\"/>\n", left + x0,
				    top + r * rh, x - x0, rh, colors[c0]);
			c0 = c;
			x0 = x;
		}
		if (r % 10 == 0)
			fprintf(f, "<text x=\"2\" y=\"%d\" font-size=\"9\">%s"
			    "</text>\n", top + r * rh + rh, a->name);
	}
	for (d = 0, i = (int)(from / SIM_DAY_MS); d <= span; d += SIM_DAY_MS,
	    i++) {
		x = left + (int)(d * SVG_W / span);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#333\" stroke-width=\"0.5\"/>\n", x, top - 4, x,
		    top + rows * rh);
		if (d < span)
			fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 3,
			    top + rows * rh + 14, days[i % 7]);
	}
	fprintf(f, "</svg>\n");
	return fclose(f) == 0 ? 0 : -1;
}

static void
lat_print(const char *key, int64_t *v, size_t n, double unitms,
    const char *unit)
{
	qsort(v, n, sizeof *v, cmp64);
	if (n == 0) {
		printf("%s: none\n", key);
		return;
	}
	printf("%s: p50 %.1f p90 %.1f p99 %.1f max %.1f %s (%zu jobs)\n",
	    key, pct_of(v, n, 0.5) / unitms, pct_of(v, n, 0.9) / unitms,
	    pct_of(v, n, 0.99) / unitms, pct_of(v, n, 1) / unitms, unit, n);
}

void
report_office(void)
{
	int64_t	 from = sim->os.from, to = sim->os.to, span = to - from;
	int64_t	 idle = 0, busy = 0, busy_owner = 0, inflight = 0, t, e;
	int64_t	 idle_left = 0, idle_nockpt_left = 0;
	long	 on = 0, never = 0, off = 0, late = 0;
	long	 done_all = 0, running = 0, idle_jobs = 0, total = 0;
	long	 idle_nockpt = 0;
	char	 path[1024];
	size_t	 b, k;
	int	 i, j;

	for (i = 0; i < sim->o.nagents; i++) {
		const struct sim_agent *a = &sim->agents[i];

		switch (a->persona) {
		case PERSONA_OFF:
			off++;
			continue;
		case PERSONA_NEVER_IDLE:
			never++;
			break;
		case PERSONA_LATE:
			late++;
			break;
		default:
			break;
		}
		on++;
		idle += span - owner_time(a, from, to);
		for (j = 0; j < a->nslots; j++) {
			const struct sim_slot *s = &a->slots[j];

			for (k = 0; k < s->nmarks; k++) {
				if (s->marks[k].state != SLOT_CLAIMED)
					continue;
				t = s->marks[k].vt;
				e = k + 1 < s->nmarks ? s->marks[k + 1].vt :
				    to;
				busy += e - t;
				busy_owner += owner_time(a, t, e);
			}
		}
	}
	for (b = 0; b < sim->nbatches; b++)
		for (i = 0; i < sim->batches[b].njobs; i++) {
			const struct sim_job *sj = &sim->batches[b].jobs[i];

			total++;
			if (sj->finished >= 0)
				done_all++;
			else if (sj->running) {
				running++;
				inflight += sj->progress;
			} else {
				idle_jobs++;
				idle_left += sj->runtime - sj->done;
				if (!sj->ckpt) {
					idle_nockpt++;
					idle_nockpt_left += sj->runtime -
					    sj->done;
				}
			}
		}
	printf("mode: office\n");
	if (sim->o.label[0] != '\0')
		printf("label: %s\n", sim->o.label);
	printf("owner_absence: %s\n", sim->o.owner_aware ? "advertised "
	    "(ExpectedOwnerAbsence from the presence history)" :
	    "not advertised");
	printf("agents: %d (%d slots each, %s): %ld on (%ld never idle, %ld "
	    "late hours), %ld off\n", sim->o.nagents, sim->o.nslots,
	    sim->o.fingerprint != NULL ? "TLS" : "plain TCP", on, never, late,
	    off);
	printf("seed: %llu\n", (unsigned long long)sim->o.seed);
	printf("days: %d measured after %d of training, x%g (%.0f s of "
	    "real time a day)\n", sim->o.days, sim->o.train_days,
	    sim->o.accel, SIM_DAY_MS / sim->o.accel / 1000);
	if (sim->t_all_ready > 0)
		printf("register_all_ms: %lld\n",
		    (long long)(sim->t_all_ready - sim->t0));
	printf("idle_desktop_hours: %.1f\n", idle / H);
	printf("idle_slot_hours: %.1f\n", idle * sim->o.nslots / H);
	printf("busy_slot_hours: %.1f\n", busy / H);
	printf("busy_while_owner_present_hours: %.2f\n", busy_owner / H);
	printf("lost_job_hours: %.1f (%ld evictions)\n",
	    sim->os.lost_ms / H, sim->os.evictions);
	printf("checkpointed_vacates: %ld (%.1f job-hours kept by the "
	    "checkpoint at the vacate)\n", sim->os.evictions_ckpt,
	    sim->os.ckpt_kept_ms / H);
	printf("inflight_job_hours: %.1f\n", inflight / H);
	printf("committed_job_hours: %.1f\n",
	    (busy - sim->os.lost_ms - inflight) / H);
	printf("harvest: %.3f (committed job-hours / idle slot-hours)\n",
	    idle > 0 ? (busy - sim->os.lost_ms - inflight) /
	    (double)(idle * sim->o.nslots) : 0);
	printf("lost_share: %.3f (lost / busy)\n", busy > 0 ?
	    sim->os.lost_ms / (double)busy : 0);
	printf("owner_arrivals: %ld\n", sim->os.arrivals);
	printf("busy_returns: %ld (%.1f%% of arrivals)\n",
	    sim->os.busy_arrivals, sim->os.arrivals > 0 ?
	    100.0 * sim->os.busy_arrivals / sim->os.arrivals : 0);
	printf("suspends: %ld, resumes: %ld, evictions: %ld\n",
	    sim->os.suspends, sim->os.resumes, sim->os.evictions);
	printf("jobs: %ld submitted, %ld completed, %ld running at the end, "
	    "%ld idle at the end\n", total, done_all, running, idle_jobs);
	printf("idle_at_end: %.1f job-hours of work (%ld jobs); of which "
	    "%.1f in the %ld that do not checkpoint\n", idle_left / H,
	    idle_jobs, idle_nockpt_left / H, idle_nockpt);
	printf("jobs_accounted: %s\n", total == done_all + running +
	    idle_jobs && total == sim->os.submitted ? "yes" : "no");
	printf("completed_in_window: %ld (%.1f job-hours)\n",
	    sim->os.completed, sim->os.completed_ms / H);
	printf("starts: %ld, refused: %ld\n", sim->os.starts, sim->refused);
	printf("ends_sent: %ld, acknowledged: %ld\n", sim->exits_sent,
	    sim->os.acked);
	lat_print("submit_to_start_min", sim->os.lat, sim->os.nlat,
	    60000.0, "virtual min");
	lat_print("submit_to_start_real_ms", sim->os.lat_real, sim->os.nlat,
	    1, "ms");
	lat_print("offer_to_start_real_ms", sim->os.offer, sim->os.noffer, 1,
	    "ms");
	if (sim->os.t_cpu1 > sim->os.t_cpu0 && sim->os.cpu0 >= 0)
		printf("schedd_cpu_pct: %.1f (over %.0f s)\n", 100 *
		    (sim->os.cpu1 - sim->os.cpu0) /
		    ((sim->os.t_cpu1 - sim->os.t_cpu0) / 1000.0),
		    (sim->os.t_cpu1 - sim->os.t_cpu0) / 1000.0);
	printf("schedd_rss_max_mib: %.1f\n", sim->os.rss_max / 1024.0);
	printf("lost_links: %ld\n", sim->os.lost_links);
	printf("errors: %ld\n", sim->errors);
	snprintf(path, sizeof path, "%s/officesim.svg", sim->o.outdir);
	if (report_svg(path) == -1) {
		log_warn("%s", path);
		sim->errors++;
	} else
		printf("svg: %s\n", path);
}
