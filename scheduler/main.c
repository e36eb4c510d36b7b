/*
 * main.c: cq-schedd start-up, the tick and the end of each loop turn.
 * The loop turn ends with matching (if a job or a slot became free), then
 * one commit for all of the turn's changes, then the replies that waited
 * for it (commit.c).  The tick expires agent leases and, every
 * periodic_expr_interval, evaluates the jobs' periodic expressions.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "agents.h"
#include "autocluster.h"
#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "creds.h"
#include "ctl.h"
#include "diskwatch.h"
#include "jobad.h"
#include "log.h"
#include "loopturn.h"
#include "machinead.h"
#include "peer.h"
#include "match.h"
#include "mkdirs.h"
#include "place.h"
#include "factory.h"
#include "queue.h"
#include "runas.h"
#include "schedd.h"
#include "share.h"
#include "spool.h"
#include "stateck.h"
#include "store.h"
#include "userlog.h"
#include "xmalloc.h"

#define SCHEDD_TICK_MS		250
#define SCHEDD_MIN_ROOM		1000	/* agents: fewer is worth a warning */
#define SCHEDD_SLOW_MS		50
#define SCHEDD_REMATCH_MS	5000	/* HTCondor's NEGOTIATOR_MIN_INTERVAL */

struct schedd	*sd;

static const struct cfg_key schedd_keys[] = {
	{ "state_dir", CFG_STRING, "/var/lib/cq", 0, 0,
	    "queue database and spool" },
	{ "socket", CFG_STRING, "/run/cq/schedd.sock", 0, 0,
	    "unix socket for clients" },
	{ "listen", CFG_HOSTPORT, "127.0.0.1:9618", 0, 0,
	    "address:port for agents (port 0: any free port)" },
	{ "insecure", CFG_BOOL, "no", 0, 0,
	    "yes: agents over plain TCP, no TLS (their insecure = yes too)" },
	{ "filesystem_domain", CFG_STRING, "", 0, 0,
	    "agents with another domain get their jobs' files through the "
	    "spool (default: the host name)" },
	{ "lease", CFG_DURATION, "60", 0, 0,
	    "how long an agent may be silent before its jobs are requeued" },
	{ "allow_root_jobs", CFG_BOOL, "no", 0, 0,
	    "jobs submitted by root run as root (no: as root_job_user)" },
	{ "root_job_user", CFG_STRING, "nobody", 0, 0,
	    "the user jobs of root's run and write as unless "
	    "allow_root_jobs" },
	{ "auto_approve", CFG_STRING, "", 0, 0,
	    "network blocks (CIDR, comma-separated) whose agents' credential "
	    "requests are granted at once during auto_approve_window" },
	{ "auto_approve_window", CFG_DURATION, "1h", 0, 0,
	    "how long after start-up auto_approve grants requests (0: off)" },
	{ "auth_failures", CFG_INT, "10", 1, 1000000,
	    "failed proofs from one address within auth_window that block "
	    "it" },
	{ "auth_window", CFG_DURATION, "5m", 0, 0,
	    "the window in which auth_failures are counted" },
	{ "auth_block", CFG_DURATION, "5m", 0, 0,
	    "how long a blocked address is refused" },
	{ "admin_group", CFG_STRING, "", 0, 0,
	    "group whose members administer the pool besides root and the "
	    "scheduler's user (empty: none)" },
	{ "max_conns_per_user", CFG_INT, "64", 1, 1000000,
	    "client connections one user may hold" },
	{ "max_buffer_per_user", CFG_INT, "1024", 1, 1048576,
	    "MiB buffered for one user's connections (requests arriving, "
	    "replies unread)" },
	{ "max_jobs_per_owner", CFG_INT, "100000", 1, 1000000000,
	    "jobs one owner may have in the queue (HTCondor's "
	    "MAX_JOBS_PER_OWNER)" },
	{ "max_jobs_per_submission", CFG_INT, "20000", 1, 1000000,
	    "jobs one submit may enter at once (HTCondor's "
	    "MAX_JOBS_PER_SUBMISSION); a late materialization's are "
	    "entered a few at a time and are not counted" },
	{ "max_materialize", CFG_INT, "10000", 1, 1000000,
	    "jobs of a late materialization in the queue at once when its "
	    "submit sets neither max_materialize nor max_idle" },
	{ "materialize_per_turn", CFG_INT, "256", 1, 100000,
	    "jobs of late materializations entered in one loop turn (one "
	    "commit); the rest wait for the next turn" },
	{ "client_idle_timeout", CFG_DURATION, "10m", 0, 0,
	    "a client connection silent this long is closed (0: never)" },
	{ "periodic_expr_interval", CFG_DURATION, "60", 0, 0,
	    "how often the jobs' periodic_hold, periodic_release and "
	    "periodic_remove are evaluated (HTCondor's "
	    "PERIODIC_EXPR_INTERVAL; also at each change of a job)" },
	{ "max_partial_mb", CFG_INT, "256", 1, 1048576,
	    "MiB that half-sent frames of all connections may announce "
	    "together (one user's: half of it)" },
	{ "disk_margin_mb", CFG_INT, "512", 0, 16777216,
	    "MiB free on state_dir's file system below which the scheduler "
	    "warns in its log and in cq status (0: never)" },
	{ "priority_halflife", CFG_DURATION, "24h", 0, 0,
	    "half-life of a submitter's decayed usage for fair share "
	    "(HTCondor's PRIORITY_HALFLIFE)" },
	{ "default_prio_factor", CFG_REAL, "1000", 1, 1000000000000LL,
	    "priority factor of submitters not in prio_factors (HTCondor's "
	    "DEFAULT_PRIO_FACTOR)" },
	{ "prio_factors", CFG_STRING, "", 0, 0,
	    "SUBMITTER:FACTOR, ... (a submitter: an owner, or "
	    "accounting_group.user); cq userprio -setfactor overrides" },
	{ "nice_user_prio_factor", CFG_REAL, "10000000000", 1,
	    1000000000000LL,
	    "priority factor of nice_user jobs' submitters, nice-user.OWNER "
	    "(HTCondor's NICE_USER_PRIO_FACTOR)" },
	{ "concurrency_limits", CFG_STRING, "", 0, 0,
	    "NAME:N, ...: at most N of NAME in use by running jobs" },
	{ "placement", CFG_STRING, "owner-aware", 0, 0,
	    "owner-aware: among slots the ranks leave tied, a job goes to "
	    "the desktop whose owner is likely to stay away just long "
	    "enough for its expected run time; blind: the free list's "
	    "order" },
	{ "concurrency_limit_default", CFG_INT, "-1", -1, 1000000,
	    "the limit of a name not in concurrency_limits (-1: a job naming "
	    "one is refused at submit)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

/* What -n must check beyond each key's syntax. */
static int
schedd_check(const struct cfg *cfg, char *err, size_t errlen)
{
	enum place_mode	mode;

	if (place_mode_parse(cfg_str(cfg, "placement"), &mode) == -1) {
		snprintf(err, errlen, "%s: placement: owner-aware or blind, "
		    "not '%.64s'", cfg_origin(cfg, "placement"),
		    cfg_str(cfg, "placement"));
		return -1;
	}
	if (creds_check_config(cfg, err, errlen) == -1 ||
	    ctl_admin_group_check(cfg, err, errlen) == -1 ||
	    share_check_config(cfg, err, errlen) == -1)
		return -1;
	return 0;
}

void
schedd_turn_request(void)
{
	if (!sd->turn_pending) {
		sd->turn_pending = 1;
		event_active(sd->turn_ev, 0, 0);
	}
}

/* A slot became free: match at the end of this turn. */
static void
schedd_slot_freed(void *arg)
{
	sd->match_wanted = 1;
	schedd_turn_request();
}

static void
schedd_match_start(struct job *j, struct slot *s, void *arg)
{
	queue_start(j, s);
}

static int
schedd_match(void)
{
	struct match_ctx	mc;
	struct fairshare_walk	fw;

	memset(&mc, 0, sizeof mc);
	mc.idle = &sd->idle;
	mc.slots = &sd->slots;
	mc.now = clock_mono_ms();
	mc.attr = jobad_value;
	mc.start = schedd_match_start;
	/* Submitters in fair-share order; a full concurrency limit waits. */
	share_walk_begin(&fw);
	mc.next = share_walk_next;
	mc.after = share_walk_after;
	mc.again = share_walk_again;
	mc.next_arg = &fw;
	return match_run(&mc);
}

/* The loop turn's held log lines, in one write (log_hold). */
static struct event	*schedd_log_ev;

static void
schedd_log_cb(evutil_socket_t fd, short ev, void *arg)
{
	log_flush();
}

static void
schedd_log_first(void)
{
	event_active(schedd_log_ev, 0, 0);
}

/* A client's or agent's read callback starts (0) or ends (1). */
static void
schedd_turn_hook(int end)
{
	if (end)
		loopturn_note();
	else
		loopturn_begin();
}

static void
schedd_turn(evutil_socket_t fd, short ev, void *arg)
{
	int64_t	t0 = clock_mono_ms(), dt;
	int	n = 0;

	loopturn_begin();
	sd->turn_pending = 0;
	sd->turns++;
	queue_policy_due();
	/* Stalled (commit.c): no new jobs, no start could be recorded. */
	if (!commit_stalled())
		factory_turn();	/* late materialization, a bounded part */
	if (sd->match_wanted && !commit_stalled()) {
		sd->match_wanted = 0;
		n = schedd_match();
	}
	commit_flush();
	if ((dt = clock_mono_ms() - t0) > SCHEDD_SLOW_MS)
		log_info("slow turn: %lld ms (%d jobs started)", (long long)dt,
		    n);
	loopturn_note();
}

/*
 * A machine's start may name what changes with time alone (KeyboardIdle,
 * LoadAvg): while idle jobs wait and such a machine has a free slot,
 * match again every SCHEDD_REMATCH_MS, as a negotiation cycle would.
 */
static void
schedd_rematch(int64_t now)
{
	struct slot	*s;

	if (now < sd->rematch_next || TAILQ_EMPTY(&sd->idle))
		return;
	sd->rematch_next = now + SCHEDD_REMATCH_MS;
	TAILQ_FOREACH(s, &sd->slots.free, free_entry) {
		if (s->machine->ad.start != NULL) {
			sd->match_wanted = 1;
			schedd_turn_request();
			return;
		}
	}
}

static void
schedd_tick(evutil_socket_t fd, short ev, void *arg)
{
	static int64_t	 last;
	static int	 waited;
	int64_t		 now = clock_mono_ms();

	loopturn_begin();
	/*
	 * A tick more than a tick late found a loop that did not run (the
	 * scheduler stopped or starved): what agents sent meanwhile waits
	 * unread in its sockets, and leases judged now would drop agents
	 * whose reports (the exits of completed jobs) came in time.  The
	 * loop reads them first and the next tick judges; only one tick in
	 * a row waits, so a loop always late still expires leases.
	 */
	if (last != 0 && now - last > 2 * SCHEDD_TICK_MS && !waited)
		waited = 1;
	else {
		waited = 0;
		agents_tick(now);
	}
	last = now;
	/* periodic_hold, periodic_release, periodic_remove. */
	if (now >= sd->tick_policy_next && !commit_stalled()) {
		sd->tick_policy_next = now + sd->policy_ms;
		queue_policy_tick();
	}
	schedd_rematch(now);
	if (factory_pending())	/* room made without a turn */
		factory_again();
	stateck_tick(now);
	loopturn_note();
}

static void
schedd_signal(evutil_socket_t sig, short ev, void *arg)
{
	log_info("signal %d: shutting down", (int)sig);
	event_base_loopbreak(sd->base);
}

/*
 * Take --check and --fresh out of ARGV (cfg_daemon() parses the rest):
 * --check verifies the state directory and exits, --fresh starts a new
 * queue over a damaged one (stateck.c).
 */
static int
schedd_long_opts(int *argc, char **argv, int *check, int *fresh)
{
	int	 i, n = 1;

	*check = *fresh = 0;
	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--check") == 0)
			*check = 1;
		else if (strcmp(argv[i], "--fresh") == 0)
			*fresh = 1;
		else if (strcmp(argv[i], "--") == 0)
			break;
		else {
			argv[n++] = argv[i];
			continue;
		}
	}
	for (; i < *argc; i++)
		argv[n++] = argv[i];
	argv[n] = NULL;
	*argc = n;
	if (*check && *fresh) {
		fprintf(stderr, "cq-schedd: --check and --fresh together: "
		    "--check changes nothing\n");
		return -1;
	}
	return 0;
}

/*
 * Open files up to the hard limit: every client and agent is one, and a
 * storm of connections should meet the per-user limit, not EMFILE.
 */
static void
schedd_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit RLIMIT_NOFILE");
		return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit RLIMIT_NOFILE");
	}
}

/* Descriptors open now (/proc/self/fd), or -1 if it cannot be read. */
static long
schedd_fds_open(void)
{
	DIR	*d;
	long	 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 3;	/* ".", ".." and the directory's own */
}

/*
 * Once listening: how many agents the open-file limit leaves room for
 * (each agent link and each client is one descriptor; a file being
 * transferred or an event log being written takes one while open).
 */
static void
schedd_capacity(void)
{
	struct rlimit	rl;
	long		open;
	unsigned long long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    (open = schedd_fds_open()) < 0)
		return;
	room = rl.rlim_cur > (rlim_t)open ? rl.rlim_cur - (rlim_t)open : 0;
	log_info("open files: at most %llu, %ld in use: room for about %llu "
	    "agents and clients together", (unsigned long long)rl.rlim_cur,
	    open, room);
	if (room < SCHEDD_MIN_ROOM)
		log_warnx("open files: room for %llu agents only: raise the "
		    "hard limit (ulimit -Hn, or LimitNOFILE= in a systemd "
		    "unit) for a larger pool; the agents past it are "
		    "refused and dial again", room);
}

int
main(int argc, char **argv)
{
	struct event		*sigs[3], *tick;
	struct event_config	*evcfg;
	struct utsname	 un;
	struct timeval	 tv = { 0, SCHEDD_TICK_MS * 1000 };
	char		 dbpath[1100], sockdir[1024], *slash;
	int		 foreground, verbose, i, check, fresh;
	enum place_mode	 mode = PLACE_OWNER_AWARE;

#ifdef M_MXFAST
	/*
	 * No glibc fastbins: a big submit makes and frees millions of small
	 * JSON nodes between large allocations, and each large one made
	 * glibc consolidate the fastbins again (a tenth of a 100,000-job
	 * submit).  The per-thread cache still serves small sizes.
	 */
	mallopt(M_MXFAST, 0);
#endif
#ifdef M_TRIM_THRESHOLD
	/*
	 * Keep freed heap for the next turn: with glibc's default (trim
	 * the top above 128 KiB) every busy loop turn gave its heap back
	 * with brk() and faulted it in again, 45 % of the scheduler's CPU
	 * in a flood of short jobs (bench/RESULTS.md).  At most 64 MiB
	 * stays mapped unused.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TOP_PAD, 4 * 1024 * 1024);
#endif
	if (schedd_long_opts(&argc, argv, &check, &fresh) == -1)
		exit(2);
	sd = xcalloc(1, sizeof *sd);
	sd->cfg = cfg_daemon("cq-schedd", schedd_keys, argc, argv, NULL,
	    schedd_check, &foreground, &verbose);
	log_init("cq-schedd", 1, verbose);
	sd->state_dir = cfg_str(sd->cfg, "state_dir");
	sd->lease_ms = cfg_ms(sd->cfg, "lease");
	sd->policy_ms = cfg_ms(sd->cfg, "periodic_expr_interval");
	if (sd->policy_ms < 1000)
		sd->policy_ms = 1000;
	snprintf(dbpath, sizeof dbpath, "%s/queue.db", sd->state_dir);
	if (check)
		exit(stateck_check(sd->state_dir, dbpath));
	if (mkdirs(sd->state_dir, 0755) == -1)
		fatal("state_dir %s", sd->state_dir);
	strlcpy(sockdir, cfg_str(sd->cfg, "socket"), sizeof sockdir);
	if ((slash = strrchr(sockdir, '/')) != NULL && slash != sockdir) {
		*slash = '\0';
		if (mkdirs(sockdir, 0755) == -1)
			fatal("socket directory %s", sockdir);
	}
	/* Damage is refused here, where the administrator still sees it. */
	stateck_start(sd->state_dir, dbpath, fresh);

	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("cq-schedd", 0, verbose);
	}
	signal(SIGPIPE, SIG_IGN);
	schedd_nofile();
	peer_set_partial_budget((size_t)cfg_int(sd->cfg, "max_partial_mb") *
	    1024 * 1024);

	sd->store = stateck_open();
	/*
	 * The precise monotonic clock (not the coarse one, a tick behind):
	 * loopturn.c measures turns from the loop's cached time.
	 */
	if ((evcfg = event_config_new()) == NULL ||
	    event_config_set_flag(evcfg, EVENT_BASE_FLAG_PRECISE_TIMER) ==
	    -1 || (sd->base = event_base_new_with_config(evcfg)) == NULL)
		fatalx("event_base_new");
	event_config_free(evcfg);
	RB_INIT(&sd->jobs);
	TAILQ_INIT(&sd->idle);
	slots_init(&sd->slots, schedd_slot_freed, NULL);
	if (uname(&un) == -1)
		fatal("uname");
	/* The submit host's platform: jobs are submitted here. */
	autocluster_init(machinead_arch(un.machine), "LINUX");
	/* Checked by schedd_check(): it parses. */
	(void)place_mode_parse(cfg_str(sd->cfg, "placement"), &mode);
	place_set_mode(mode);
	autocluster_set_runtime(place_runtime);
	log_info("placement: %s", place_mode_str(mode));
	TAILQ_INIT(&sd->machines);
	TAILQ_INIT(&sd->live);
	RB_INIT(&sd->machines_by_name);
	sd->started = clock_mono_ms();
	sd->turn_ev = event_new(sd->base, -1, 0, schedd_turn, NULL);
	/* A thousand agents' lines of a turn: one write, not a thousand. */
	if ((schedd_log_ev = event_new(sd->base, -1, 0, schedd_log_cb,
	    NULL)) != NULL)
		log_hold(schedd_log_first);
	loopturn_init(sd->base);
	peer_set_turn_hook(schedd_turn_hook);

	if (runas_init() == -1)
		fatalx("cannot set up root_job_user");
	if (spool_init() == -1)
		fatalx("cannot set up the spool");
	if (share_init() == -1)
		fatalx("cannot set up fair share");
	if (queue_load() == -1)
		fatalx("cannot load the queue");
	share_start();
	spool_sweep();
	if (userlog_init() == -1)
		fatalx("cannot read the user log mark");
	if (creds_init() == -1 || ctl_init() == -1 || agents_init() == -1 ||
	    diskwatch_init(sd->state_dir,
	    cfg_int(sd->cfg, "disk_margin_mb") * 1024 * 1024) == -1)
		exit(1);
	schedd_capacity();

	sigs[0] = evsignal_new(sd->base, SIGTERM, schedd_signal, NULL);
	sigs[1] = evsignal_new(sd->base, SIGINT, schedd_signal, NULL);
	sigs[2] = evsignal_new(sd->base, SIGHUP, schedd_signal, NULL);
	for (i = 0; i < 3; i++)
		evsignal_add(sigs[i], NULL);
	tick = event_new(sd->base, -1, EV_PERSIST, schedd_tick, NULL);
	event_add(tick, &tv);

	log_info("ready: %s, lease %lld s", dbpath,
	    (long long)(sd->lease_ms / 1000));
	event_base_dispatch(sd->base);

	/* Held changes (a full disk): one last try. */
	commit_retry();
	share_flush();
	commit_flush();
	ctl_shutdown();
	agents_shutdown();
	commit_flush();
	userlog_shutdown();
	diskwatch_shutdown();
	commit_shutdown();
	creds_shutdown();
	queue_shutdown();
	autocluster_shutdown();
	share_shutdown();
	stateck_shutdown();
	store_close(sd->store);
	for (i = 0; i < 3; i++)
		event_free(sigs[i]);
	event_free(tick);
	event_free(sd->turn_ev);
	log_hold(NULL);
	if (schedd_log_ev != NULL)
		event_free(schedd_log_ev);
	event_base_free(sd->base);
	cfg_free(sd->cfg);
	free(sd);
	log_info("stopped");
	return 0;
}
