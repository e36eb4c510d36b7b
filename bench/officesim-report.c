/*
 * officesim-report.c: the figures a run prints.  Flood mode: one block
 * of `key: value` lines (bench/officesim.sh collects them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "officesim.h"

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
	printf("agents: %d (%d slots each, %d source addresses, %s)\n",
	    sim->o.nagents, sim->o.nslots, sim->o.sources,
	    sim->o.fingerprint != NULL ? "TLS" : "plain TCP");
	printf("registered: %d\n", sim->nready);
	if (sim->t_all_ready > 0)
		printf("register_all_ms: %lld\n",
		    (long long)(sim->t_all_ready - sim->t0));
	printf("register_one_ms: p50 %.0f p99 %.0f max %.0f\n",
	    pct_of(reg, n, 0.5), pct_of(reg, n, 0.99), pct_of(reg, n, 1));
	if (sim->st_hb_cpu >= 0)
		printf("schedd_heartbeat_cpu_pct: %.2f (over %d s, heartbeat "
		    "every %lld ms)\n", sim->st_hb_cpu * 100,
		    sim->o.hb_window_s, (long long)(sim->lease_ms / 4));
	printf("schedd_heartbeat_rss_mib: %.1f\n", sim->st_hb_rss / 1024.0);
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
	}
	printf("errors: %ld\n", sim->errors);
	free(reg);
}

void
report_office(void)
{
}
