/*
 * officesim-query.c: flood mode's queries, after the heartbeat-only
 * window and before the jobs: the real cq program runs `cq q`, `cq q
 * -nobatch` and `cq status` (-M times each, in turn, one at a time, the
 * loop going on meanwhile so the agents keep heartbeating), its output
 * to a pipe read here.  For each run: the wall time from its spawn to
 * its exit, the bytes and lines it wrote, its own CPU (wait4) and the
 * scheduler's CPU over the run (/proc).  The report gives the median
 * and the longest of each, and the scheduler's resident size after the
 * queries (a large answer is built in its memory).
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "xmalloc.h"

#include "officesim.h"

extern char	**environ;

#define QUERY_MAX_S	120

static const struct {
	const char	*label;
	const char	*argv[3];
} query_cmds[] = {
	{ "q", { "q", NULL } },
	{ "q_nobatch", { "q", "-nobatch", NULL } },
	{ "status", { "status", NULL } },
};
#define QUERY_NCMDS	(sizeof query_cmds / sizeof query_cmds[0])

struct query_run {
	double		 wall_ms;
	double		 cq_cpu_ms;	/* the cq program's own */
	double		 schedd_cpu_ms;	/* the scheduler's meanwhile */
	size_t		 bytes, lines;
	int		 ok;
};

static struct query_run	*query_runs[QUERY_NCMDS];
static int		 query_next;	/* runs begun, all commands */
static int		 query_total;
static void		(*query_done)(void);

static struct {
	pid_t		 pid;
	int		 fd;
	int		 cmd;
	int64_t		 t0_us;
	double		 cpu0;
	size_t		 bytes, lines;
	struct event	*ev;
	struct event	*timer;
} q;

static void	query_spawn(void);

static void
query_end(void)
{
	struct query_run	*r;
	struct rusage		 ru;
	double			 cpu;
	long			 rss;
	int			 status = 0, k;

	event_free(q.ev);
	event_free(q.timer);
	close(q.fd);
	while (wait4(q.pid, &status, 0, &ru) == -1 && errno == EINTR)
		;
	k = (query_next - 1) / (int)QUERY_NCMDS;
	r = &query_runs[q.cmd][k];
	r->wall_ms = (clock_mono_us() - q.t0_us) / 1000.0;
	sim_proc_sample(sim->o.schedd_pid, &cpu, &rss);
	r->schedd_cpu_ms = cpu >= 0 && q.cpu0 >= 0 ? (cpu - q.cpu0) * 1000 :
	    -1;
	r->cq_cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
	r->bytes = q.bytes;
	r->lines = q.lines;
	r->ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!r->ok) {
		log_warnx("cq %s failed (status %d)",
		    query_cmds[q.cmd].label, status);
		sim->errors++;
	}
	if (rss > sim->st_query_rss)
		sim->st_query_rss = rss;
	if (query_next < query_total)
		query_spawn();
	else
		query_done();
}

static void
query_read(evutil_socket_t fd, short ev, void *arg)
{
	char	buf[65536], *p;
	ssize_t	n;

	n = read(fd, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		q.bytes += (size_t)n;
		for (p = buf; (p = memchr(p, '\n', buf + n - p)) != NULL; p++)
			q.lines++;
		return;
	}
	query_end();
}

/* A cq that never ends: killed, its run counted as failed. */
static void
query_late(evutil_socket_t fd, short ev, void *arg)
{
	log_warnx("cq %s (pid %ld) has not ended in %d s: killed",
	    query_cmds[q.cmd].label, (long)q.pid, QUERY_MAX_S);
	kill(q.pid, SIGTERM);
}

static void
query_spawn(void)
{
	posix_spawn_file_actions_t	 fa;
	struct timeval			 tv = { QUERY_MAX_S, 0 };
	char				*argv[5];
	long				 rss;
	int				 p[2], i;

	q.cmd = query_next++ % (int)QUERY_NCMDS;
	argv[0] = (char *)sim->o.cq;
	for (i = 0; query_cmds[q.cmd].argv[i] != NULL; i++)
		argv[i + 1] = (char *)query_cmds[q.cmd].argv[i];
	argv[i + 1] = NULL;
	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	q.bytes = q.lines = 0;
	sim_proc_sample(sim->o.schedd_pid, &q.cpu0, &rss);
	q.t0_us = clock_mono_us();
	if (posix_spawn(&q.pid, sim->o.cq, &fa, NULL, argv, environ) != 0)
		fatal("spawn %s", sim->o.cq);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	q.fd = p[0];
	fcntl(q.fd, F_SETFL, O_NONBLOCK);
	q.ev = event_new(sim->base, q.fd, EV_READ | EV_PERSIST, query_read,
	    NULL);
	event_add(q.ev, NULL);
	q.timer = evtimer_new(sim->base, query_late, NULL);
	evtimer_add(q.timer, &tv);
}

/* Run every query sim->o.query_runs times; then DONE. */
void
query_begin(void (*done)(void))
{
	size_t	i;

	query_done = done;
	query_total = sim->o.query_runs * (int)QUERY_NCMDS;
	if (query_total == 0) {
		done();
		return;
	}
	for (i = 0; i < QUERY_NCMDS; i++)
		query_runs[i] = xcalloc(sim->o.query_runs,
		    sizeof *query_runs[i]);
	log_info("flood: %d runs of each query", sim->o.query_runs);
	query_spawn();
}

static int
query_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median (lower of the middle two) and the largest of V[0..N). */
static void
query_stat(double *v, int n, double *med, double *max)
{
	qsort(v, n, sizeof *v, query_cmp);
	*med = v[(n - 1) / 2];
	*max = v[n - 1];
}

void
query_report(void)
{
	double	*w, *c, wm, wx, cm, cx, st;
	size_t	 i;
	int	 k, n = sim->o.query_runs;

	if (query_runs[0] == NULL)
		return;
	w = xcalloc(n, sizeof *w);
	c = xcalloc(n, sizeof *c);
	for (i = 0; i < QUERY_NCMDS; i++) {
		st = 0;
		for (k = 0; k < n; k++) {
			w[k] = query_runs[i][k].wall_ms;
			c[k] = query_runs[i][k].cq_cpu_ms;
			st += query_runs[i][k].schedd_cpu_ms;
		}
		query_stat(w, n, &wm, &wx);
		query_stat(c, n, &cm, &cx);
		/* (/proc counts in ticks of 10 ms: a mean over the runs.) */
		printf("query_%s_ms: median %.1f max %.1f (%d runs; cq's "
		    "CPU median %.1f ms, the scheduler's mean %.0f ms; %zu "
		    "bytes, %zu lines)\n", query_cmds[i].label, wm, wx, n, cm,
		    st / n, query_runs[i][n - 1].bytes,
		    query_runs[i][n - 1].lines);
	}
	printf("schedd_query_rss_mib: %.1f (the most after a query)\n",
	    sim->st_query_rss / 1024.0);
	free(w);
	free(c);
	for (i = 0; i < QUERY_NCMDS; i++) {
		free(query_runs[i]);
		query_runs[i] = NULL;
	}
}
