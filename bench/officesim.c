/*
 * officesim.c: N simulated agents against one real cq-schedd.
 *
 * Flood mode (-m flood): N agents of S slots register (time to register
 * them all); with -Q H, H held jobs are queued (`hold = true`, 10,000 a
 * submit); the agents heartbeat alone for -w seconds (default 30: each
 * heartbeats every lease/4 from its registration, so a window shorter
 * than two of those misses some; the scheduler's CPU and RSS from
 * /proc/PID/stat and status meanwhile); with -M R, `cq
 * q`, `cq q -nobatch` and `cq status` run R times each, timed
 * (officesim-query.c); then `cq submit` queues J zero-length jobs and
 * every start order is answered at once with started and exited, as a
 * job that ends at once would be: jobs/s from the submit to the last
 * acknowledged end.  With -k K the jobs are K clusters, each stating a
 * different +ExpectedRuntime (10 minutes to 4 days), and with -A each
 * agent advertises an expected owner absence in the same range: the
 * owner-aware placement then weighs them (the window of
 * scheduler/match.c).
 *
 * Office mode (-m office): owners from a seeded generator of office days
 * (officesim-owner.c) use the desktops on a virtual clock running -x
 * times faster than real time; each agent runs the real agent's desktop
 * policy (startd/policy.c) on that clock and tells the scheduler every
 * slot move, and each job is a virtual run time that ends (or is
 * vacated) on that clock (officesim-run.c).  The report and the SVG of
 * the week: officesim-report.c.
 *
 * The scheduler keeps its own clock: nothing it decides here depends on
 * time.  Matching is event driven (a slot offered, a job queued); its
 * timed rematch is only for machines whose start names the idle time,
 * and these agents' start is empty; the owner policy's timers are the
 * agents' (on the virtual clock here); the jobs' expected run times are
 * their +ExpectedRuntime in virtual seconds (a run time the scheduler
 * learned from its own clock would be real seconds: every job here says
 * its own); heartbeats and the lease run in real time, as the links do.
 * So cq-schedd needs no time scale for this, and has none.
 *
 * The link is plain TCP when no fingerprint is given (the scheduler runs
 * with insecure = yes): TLS handshakes for 50,000 agents would cost this
 * program and the scheduler, on one 2-core machine, more than everything
 * measured.  -C: connections in flight at most (256: past the
 * scheduler's listen backlog, SYNs are dropped and retried after 1 s, as
 * when a building boots at once).  -F FINGERPRINT pins the scheduler's certificate as the real
 * agent does, for a run over TLS.
 *
 * usage: officesim -a HOST:PORT -t TOKEN -c CQ [-F fingerprint]
 *        [-C connects] [-m flood|office] [-N name-prefix] [-n agents] [-s slots] [-j jobs] [-p schedd-pid]
 *        [-w heartbeat-seconds] [-Q held-jobs] [-M query-runs] [-k clusters]
 *        [-x accel] [-d days] [-T train-days]
 *        [-r seed] [-A] [-q queue-depth | -R jobs-an-hour] [-o outdir]
 *        [-L label]
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "peer.h"
#include "tls.h"
#include "tls-fp.h"
#include "xmalloc.h"

#include "officesim.h"

extern char	**environ;

struct sim	*sim;

#define SIM_SUBMIT_MAX_S	120

struct sim_submit {
	pid_t		 pid;
	int		 fd;
	char		 path[64];
	char		 out[128];
	size_t		 outlen;
	struct event	*ev;
	struct event	*timer;		/* a cq that never answers */
	void		(*cb)(long, void *);
	void		*arg;
};

/* The CPU seconds (user + system) and resident KiB of process PID. */
void
sim_proc_sample(long pid, double *cpu_s, long *rss_kb)
{
	char	 path[64], buf[4096], *p;
	FILE	*f;
	long	 ut = 0, st = 0;
	int	 n;

	*cpu_s = -1;
	*rss_kb = -1;
	if (pid <= 0)
		return;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n > 0 ? n : 0] = '\0';
		/* After "(comm)": state is field 3, utime 14, stime 15. */
		if ((p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
		    "%*u %ld %ld", &ut, &st) == 2)
			*cpu_s = (double)(ut + st) / sysconf(_SC_CLK_TCK);
	}
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(buf, sizeof buf, f) != NULL)
			if (strncmp(buf, "VmRSS:", 6) == 0)
				*rss_kb = strtol(buf + 6, NULL, 10);
		fclose(f);
	}
}

static void
sim_submit_read(evutil_socket_t fd, short ev, void *arg)
{
	struct sim_submit	*s = arg;
	ssize_t			 n;
	long			 cluster = -1;
	int			 status;

	n = read(fd, s->out + s->outlen, sizeof s->out - 1 - s->outlen);
	if (n > 0) {
		s->outlen += n;
		if (s->outlen < sizeof s->out - 1)
			return;
	} else if (n == -1 && errno == EAGAIN)
		return;
	s->out[s->outlen] = '\0';
	event_free(s->ev);
	event_free(s->timer);
	close(s->fd);
	while (waitpid(s->pid, &status, 0) == -1 && errno == EINTR)
		;
	unlink(s->path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		cluster = strtol(s->out, NULL, 10);
	else
		log_warnx("cq submit failed (status %d): %s", status, s->out);
	s->cb(cluster, s->arg);
	free(s);
}

/* A submit that has not answered for SIM_SUBMIT_MAX_S: end it (failed). */
static void
sim_submit_late(evutil_socket_t fd, short ev, void *arg)
{
	struct sim_submit	*s = arg;

	log_warnx("cq submit (pid %ld) has not answered in %d s: killed",
	    (long)s->pid, SIM_SUBMIT_MAX_S);
	kill(s->pid, SIGTERM);
}

/*
 * `cq submit --terse` of a submit description TEXT, without blocking the
 * loop: its output (the cluster) comes back through CB.
 */
int
sim_submit(const char *text, void (*cb)(long, void *), void *arg)
{
	struct sim_submit		*s;
	struct timeval			 tv = { SIM_SUBMIT_MAX_S, 0 };
	posix_spawn_file_actions_t	 fa;
	char				*argv[5];
	int				 p[2], fd;

	s = xcalloc(1, sizeof *s);
	strlcpy(s->path, "/tmp/officesim-sub.XXXXXX", sizeof s->path);
	if ((fd = mkstemp(s->path)) == -1)
		fatal("mkstemp");
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fatal("write %s", s->path);
	close(fd);
	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	argv[0] = (char *)sim->o.cq;
	argv[1] = "submit";
	argv[2] = "--terse";
	argv[3] = s->path;
	argv[4] = NULL;
	if (posix_spawn(&s->pid, sim->o.cq, &fa, NULL, argv, environ) != 0)
		fatal("spawn %s", sim->o.cq);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	s->fd = p[0];
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	s->cb = cb;
	s->arg = arg;
	s->ev = event_new(sim->base, s->fd, EV_READ | EV_PERSIST,
	    sim_submit_read, s);
	event_add(s->ev, NULL);
	s->timer = evtimer_new(sim->base, sim_submit_late, s);
	evtimer_add(s->timer, &tv);
	return 0;
}

/* --- flood mode ---------------------------------------------------- */

enum flood_phase {
	FLOOD_REGISTER,		/* agents connecting */
	FLOOD_HELD,		/* -Q: the held jobs being submitted */
	FLOOD_HEARTBEAT,	/* heartbeats alone */
	FLOOD_QUERY,		/* -M: cq q and cq status (officesim-query.c) */
	FLOOD_RUN,		/* the jobs */
};

static enum flood_phase	 flood_phase;
static double		 flood_cpu0;
static int64_t		 flood_t0;
static long		 flood_submits_left;
static long		 flood_held_left;

static void
flood_submitted(long cluster, void *arg)
{
	if (cluster < 0) {
		log_warnx("flood: a submit failed");
		sim->errors++;
	}
	if (--flood_submits_left == 0)
		log_info("flood: every submit answered after %lld ms",
		    (long long)(clock_mono_ms() - sim->t_submit));
}

/*
 * -k K: cluster I of K states +ExpectedRuntime (seconds) spread like the
 * absences the agents advertise with -A (run_flood_absence), from 10 minutes
 * to about 4 days, a factor 2^(9.2/K) apart.
 */
static long
flood_runtime(int i, int k)
{
	return (long)(600 * pow(2, 9.2 * (i + 0.5) / k));
}

/*
 * LEFT jobs of the submit file HEAD, at most PER a submit (each queued
 * whole); *COUNT counts the submits CB has yet to hear of.
 */
static void
flood_queue(const char *head, long left, long per, long *count,
    void (*cb)(long, void *))
{
	char	text[512];
	long	n;

	while (left > 0) {
		n = left > per ? per : left;
		snprintf(text, sizeof text, "%squeue %ld\n", head, n);
		(*count)++;
		sim_submit(text, cb, NULL);
		left -= n;
	}
}

static void
flood_submit_all(void)
{
	char	 head[256], ert[64];
	long	 left, per;
	int	 k, nk = sim->o.clusters > 0 ? sim->o.clusters : 1;

	sim->t_submit = clock_mono_ms();
	for (k = 0; k < nk; k++) {
		left = sim->o.njobs / nk + (k < sim->o.njobs % nk);
		ert[0] = '\0';
		if (sim->o.clusters > 0)
			snprintf(ert, sizeof ert, "+ExpectedRuntime = %ld\n",
			    flood_runtime(k, nk));
		/*
		 * max_jobs_per_submission is 20,000 by default; with -k, at
		 * most 10,000 a submit, so that each is queued whole (more
		 * is a late materialization, docs/materialize.md, which
		 * holds 10,000 of it in the queue): the queue is as deep
		 * with one cluster as with several.
		 */
		per = sim->o.clusters > 0 ? 10000 : 20000;
		snprintf(head, sizeof head, "executable = /bin/true\n"
		    "batch_name = officesim-flood\n%s", ert);
		flood_queue(head, left, per, &flood_submits_left,
		    flood_submitted);
	}
}

/* The heartbeat-only window begins. */
static void
flood_heartbeats(void)
{
	long	rss;

	flood_phase = FLOOD_HEARTBEAT;
	flood_t0 = clock_mono_ms();
	sim_proc_sample(sim->o.schedd_pid, &flood_cpu0, &rss);
	log_info("flood: heartbeats alone for %d s", sim->o.hb_window_s);
}

static void
flood_held_submitted(long cluster, void *arg)
{
	if (cluster < 0) {
		log_warnx("flood: a submit of held jobs failed");
		sim->errors++;
	}
	if (--flood_held_left == 0) {
		log_info("flood: %ld held jobs queued", sim->o.held);
		flood_heartbeats();
	}
}

/* -Q N: N held jobs in the queue, 10,000 a submit (each one whole). */
static void
flood_submit_held(void)
{
	flood_phase = FLOOD_HELD;
	flood_queue("executable = /bin/true\nhold = true\n"
	    "batch_name = officesim-held\n", sim->o.held, 10000,
	    &flood_held_left, flood_held_submitted);
}

/* The queries are done: the jobs go. */
static void
flood_run(void)
{
	long	rss;

	flood_phase = FLOOD_RUN;
	sim_proc_sample(sim->o.schedd_pid, &sim->st_cpu0, &rss);
	sim_proc_sample(getpid(), &sim->me_cpu0, &rss);
	flood_submit_all();
}

static void
flood_tick(evutil_socket_t fd, short ev, void *arg)
{
	double	cpu;
	long	rss;
	int64_t	now = clock_mono_ms();

	switch (flood_phase) {
	case FLOOD_REGISTER:
		if (sim->nready < sim->o.nagents) {
			if (now - sim->t0 > 600 * 1000) {
				log_warnx("flood: %d of %d agents registered "
				    "after 600 s: giving up", sim->nready,
				    sim->o.nagents);
				sim->done = 1;
				event_base_loopexit(sim->base, NULL);
			}
			return;
		}
		sim->t_all_ready = now;
		log_info("flood: %d agents registered in %lld ms", sim->nready,
		    (long long)(now - sim->t0));
		if (sim->o.held > 0)
			flood_submit_held();
		else
			flood_heartbeats();
		return;
	case FLOOD_HELD:
	case FLOOD_QUERY:
		return;
	case FLOOD_HEARTBEAT:
		if (now - flood_t0 < sim->o.hb_window_s * 1000LL)
			return;
		sim_proc_sample(sim->o.schedd_pid, &cpu, &rss);
		sim->st_hb_cpu = flood_cpu0 >= 0 && cpu >= 0 ?
		    (cpu - flood_cpu0) / ((now - flood_t0) / 1000.0) : -1;
		sim->st_hb_rss = rss;
		flood_phase = FLOOD_QUERY;
		query_begin(flood_run);
		return;
	case FLOOD_RUN:
		break;
	}
	if (sim->acked >= sim->o.njobs) {
		sim_proc_sample(sim->o.schedd_pid, &cpu, &rss);
		sim->st_run_cpu = cpu - sim->st_cpu0;
		sim->st_run_rss = rss;
		sim_proc_sample(getpid(), &cpu, &rss);
		sim->me_run_cpu = cpu - sim->me_cpu0;
		sim->done = 1;
		event_base_loopexit(sim->base, NULL);
	}
}

/* --- main ---------------------------------------------------------- */

/* Close every link and free everything (LeakSanitizer reads the rest). */
static void
sim_free(void)
{
	size_t	b;
	int	i, j;

	for (i = 0; i < sim->o.nagents; i++) {
		struct sim_agent *a = &sim->agents[i];

		if (a->peer != NULL)
			peer_close(a->peer, NULL);
		if (a->bev != NULL)
			bufferevent_free(a->bev);
		if (a->hb != NULL)
			event_free(a->hb);
		if (a->retry != NULL)
			event_free(a->retry);
		for (j = 0; j < a->nslots; j++)
			free(a->slots[j].marks);
		free(a->stays);
		free(a->hist);
	}
	free(sim->agents);
	for (b = 0; b < sim->nbatches; b++)
		free(sim->batches[b].jobs);
	free(sim->batches);
	free(sim->os.lat);
	free(sim->os.lat_real);
	free(sim->os.offer);
	office_end();
	tls_free(sim->tls);
	event_base_free(sim->base);
}

static void
usage(void)
{
	fprintf(stderr, "usage: officesim -a HOST:PORT -t TOKEN -c CQ "
	    "[-F fingerprint] [-C connects] [-m flood|office]\n"
	    "\t[-N name-prefix] [-n agents] [-s slots] [-j jobs] [-p schedd-pid] "
	    "[-w heartbeat-seconds]\n"
	    "\t[-Q held-jobs] [-M query-runs] [-k clusters]\n"
	    "\t[-x accel] [-d days] [-T train-days] [-r seed] [-A] "
	    "[-q queue-depth | -R jobs-an-hour]\n\t[-o outdir] [-L label]\n");
	exit(2);
}

static long
num(const char *s, long lo, long hi, int opt)
{
	const char	*errstr;
	long		 v = strtonum(s, lo, hi, &errstr);

	if (errstr != NULL)
		errx(2, "-%c %s: %s (%ld to %ld)", opt, s, errstr, lo, hi);
	return v;
}

static void
raise_nofile(int nagents)
{
	struct rlimit	rl;
	rlim_t		want = (rlim_t)nagents + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	if (rl.rlim_max < want) {
		rl.rlim_max = want;	/* root (CAP_SYS_RESOURCE) only */
		if (setrlimit(RLIMIT_NOFILE, &(struct rlimit){ want, want })
		    == 0) {
			rl.rlim_cur = want;
			return;
		}
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit");
	if (rl.rlim_cur < want)
		errx(2, "open-file limit %llu is too low for %d agents "
		    "(run as root, or raise ulimit -Hn)",
		    (unsigned long long)rl.rlim_cur, nagents);
}

int
main(int argc, char *argv[])
{
	struct sim	 s;
	struct event	*tick;
	struct timeval	 tv;
	uint8_t		 pin[TLS_FP_LEN];
	const char	*errstr;
	char		 given[128];
	const char	*o;
	int		 ch, i, verbose = 0;

	memset(&s, 0, sizeof s);
	memset(given, 0, sizeof given);
	sim = &s;
	s.o.mode = SIM_FLOOD;
	s.o.nagents = 100;
	s.o.nslots = 2;
	s.o.njobs = 20000;
	s.o.hb_window_s = 30;	/* two heartbeats at the default lease */
	s.o.held = 0;
	s.o.query_runs = 0;
	s.o.connects = 256;
	s.o.accel = 600;
	s.o.days = 7;
	s.o.seed = 1;
	s.o.queue_depth = -1;
	s.o.outdir = ".";
	s.o.label = "";
	s.o.prefix = "sim";
	while ((ch = getopt(argc, argv,
	    "Aa:C:c:d:F:j:k:L:M:m:N:n:o:p:Q:q:R:r:s:T:t:vw:x:")) != -1) {
		if (ch > 0 && ch < (int)sizeof given)
			given[ch] = 1;
		switch (ch) {
		case 'A':
			s.o.owner_aware = 1;
			break;
		case 'a':
			s.o.schedd = optarg;
			break;
		case 'C':
			s.o.connects = num(optarg, 1, 100000, ch);
			break;
		case 'c':
			s.o.cq = optarg;
			break;
		case 'd':
			s.o.days = num(optarg, 1, 366, ch);
			break;
		case 'F':
			s.o.fingerprint = optarg;
			break;
		case 'j':
			s.o.njobs = num(optarg, 0, 10000000, ch);
			break;
		case 'k':
			s.o.clusters = num(optarg, 1, 64, ch);
			break;
		case 'L':
			s.o.label = optarg;
			break;
		case 'M':
			s.o.query_runs = num(optarg, 0, 1000, ch);
			break;
		case 'm':
			if (strcmp(optarg, "flood") == 0)
				s.o.mode = SIM_FLOOD;
			else if (strcmp(optarg, "office") == 0)
				s.o.mode = SIM_OFFICE;
			else
				usage();
			break;
		case 'N':
			if (strlen(optarg) > 16)
				errx(2, "-N %s: 16 characters at most", optarg);
			s.o.prefix = optarg;
			break;
		case 'n':
			s.o.nagents = num(optarg, 1, 1000000, ch);
			break;
		case 'o':
			s.o.outdir = optarg;
			break;
		case 'p':
			s.o.schedd_pid = num(optarg, 1, INT32_MAX, ch);
			break;
		case 'Q':
			s.o.held = num(optarg, 0, 1000000, ch);
			break;
		case 'q':
			s.o.queue_depth = num(optarg, 0, 10000000, ch);
			break;
		case 'R':
			s.o.rate = num(optarg, 1, 10000000, ch);
			break;
		case 'r':
			s.o.seed = num(optarg, 0, INT64_MAX, ch);
			break;
		case 's':
			s.o.nslots = num(optarg, 1, SIM_MAX_SLOTS, ch);
			break;
		case 'T':
			s.o.train_days = num(optarg, 0, 365, ch);
			break;
		case 't':
			s.o.token = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'w':
			s.o.hb_window_s = num(optarg, 0, 3600, ch);
			break;
		case 'x':
			s.o.accel = num(optarg, 1, 100000, ch);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || s.o.schedd == NULL || s.o.token == NULL ||
	    s.o.cq == NULL)
		usage();
	/* No option is taken and then ignored: each mode's own. */
	for (o = s.o.mode == SIM_FLOOD ? "dTqRox" : "jQMkw"; *o != '\0'; o++)
		if (given[(unsigned char)*o])
			errx(2, "-%c is for -m %s only", *o,
			    s.o.mode == SIM_FLOOD ? "office" : "flood");
	log_init("officesim", 1, verbose);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile(s.o.nagents);
	/* ~28,000 ephemeral ports per source address: one per 20,000. */
	s.o.sources = s.o.nagents / 20000 + 1;
	if ((s.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (s.o.fingerprint != NULL) {
		if (tls_fp_parse(s.o.fingerprint, pin, &errstr) == -1)
			errx(2, "-F: %s", errstr);
		if ((s.tls = tls_client_new(pin)) == NULL)
			fatalx("cannot set up TLS");
	}
	s.agents = xcalloc(s.o.nagents, sizeof *s.agents);
	for (i = 0; i < s.o.nagents; i++) {
		struct sim_agent *a = &s.agents[i];
		int	j;

		a->idx = i;
		snprintf(a->name, sizeof a->name, "%s%05d", s.o.prefix, i);
		a->nslots = s.o.nslots;
		for (j = 0; j < a->nslots; j++) {
			policy_slot_init(&a->slots[j].ps, j + 1, 0);
			if (s.o.mode == SIM_FLOOD)
				a->slots[j].ps.state = SLOT_UNCLAIMED;
		}
	}
	s.t0 = clock_mono_ms();
	if (s.o.mode == SIM_OFFICE) {
		office_begin();
		tick = NULL;
	} else {
		tick = event_new(s.base, -1, EV_PERSIST, flood_tick, NULL);
		tv.tv_sec = 0;
		tv.tv_usec = 20000;
		event_add(tick, &tv);
	}
	link_start_all();
	event_base_dispatch(s.base);
	if (s.o.mode == SIM_FLOOD)
		report_flood();
	else
		report_office();
	if (tick != NULL)
		event_free(tick);
	sim_free();
	return s.errors > 0 ? 1 : 0;
}
