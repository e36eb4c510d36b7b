/*
 * main.c: cq-startd start-up, the tick and the graceful leave.  The agent
 * becomes a child subreaper (orphans of jobs are ours to reap), then
 * splits (priv.c): the first process stays as the root parent that
 * spawns, signals and reaps jobs; what follows here runs in the network
 * child, which asks the parent for all of that (privc.c).  The tick
 * (250 ms) samples the polled activity sources and evaluates the slots
 * (and looks at the lease: lease.c); event-driven sources evaluate at
 * once.
 * On SIGTERM or SIGINT (shutdown, Ctrl-Alt-Del through the init system)
 * it vacates every job, waits until the scheduler has acknowledged their
 * ends or max_vacate_time + 1 s has passed, kills what is left, says
 * goodbye and exits.
 */
#include "config.h"

#include <sys/sysinfo.h>

#include <limits.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "absence.h"
#include "act.h"
#include "activity.h"
#include "cfg.h"
#include "cred.h"
#include "criu.h"
#include "drop.h"
#include "ends.h"
#include "enroll.h"
#include "jobctl.h"
#include "jobs.h"
#include "jobuser.h"
#include "lease.h"
#include "link.h"
#include "local.h"
#include "owner.h"
#include "clock.h"
#include "policy.h"
#include "calendar.h"
#include "log.h"
#include "machine.h"
#include "priv.h"
#include "psbx.h"
#include "privc.h"
#include "sandbox.h"
#include "startd.h"
#include "tls.h"
#include "xmalloc.h"

struct startd	*st;

static const struct cfg_key startd_keys[] = {
	{ "schedd", CFG_HOSTPORT, "127.0.0.1:9618", 0, 0,
	    "scheduler address:port" },
	{ "fingerprint", CFG_STRING, "", 0, 0,
	    "the scheduler's certificate SHA-256 (`cq pool fingerprint`)" },
	{ "insecure", CFG_BOOL, "no", 0, 0,
	    "yes: plain TCP to the scheduler, no TLS, nothing pinned" },
	{ "name", CFG_STRING, "", 0, 0, "agent name (default: host name)" },
	{ "hello_timeout", CFG_DURATION, "30s", 0, 0,
	    "give up on a scheduler that has not answered the hello (connect "
	    "and TLS handshake included) after this long, and dial again" },
	{ "slots", CFG_INT, "0", 0, 1024,
	    "number of slots (0: one per core)" },
	{ "cpus", CFG_INT, "0", 0, 65536,
	    "cores to offer, split between slots (0: all)" },
	{ "memory", CFG_INT, "0", 0, INT32_MAX,
	    "memory to offer in MiB, split between slots (0: all)" },
	{ "token", CFG_SECRET, "", 0, 0,
	    "pool token for the first registration (cq pool token); not "
	    "used once the agent holds a credential" },
	{ "state_dir", CFG_STRING, "/var/lib/cq/startd", 0, 0,
	    "where the agent keeps its credential (mode 0700)" },
	{ "activity", CFG_STRING, "input,utmp,x11,load", 0, 0,
	    "owner activity sources: input, utmp, x11[:DISPLAY], load, "
	    "file:PATH" },
	{ "idle_after", CFG_DURATION, "15m", 0, 0,
	    "owner idle this long (in owner hours): run jobs" },
	{ "idle_after_offhours", CFG_DURATION, "5m", 0, 0,
	    "owner idle this long outside owner hours: run jobs" },
	{ "resume_after", CFG_DURATION, "5m", 0, 0,
	    "owner idle this long: resume a suspended job" },
	{ "vacate_after", CFG_DURATION, "10m", 0, 0,
	    "suspended this long: vacate the job" },
	{ "max_vacate_time", CFG_DURATION, "10m", 0, 0,
	    "grace after the checkpoint signal before the kill" },
	{ "owner_hours", CFG_STRING, "", 0, 0,
	    "e.g. Mon-Fri 08:00-18:00; Sat 09:00-12:00" },
	{ "max_owner_load", CFG_REAL, "0.3", 0, 1000,
	    "non-job load above which no job starts" },
	{ "agent", CFG_BOOL, "on", 0, 0,
	    "off: report this desktop (as Owner, opted out) but never run "
	    "jobs" },
	{ "image_version_file", CFG_STRING, "/etc/cq/image-version", 0, 0,
	    "the boot image's version, one line, shown by cq status (a "
	    "missing file: none)" },
	{ "kernel_cmdline", CFG_STRING, "/proc/cmdline", 0, 0,
	    "where the cq.KEY=VALUE words are read (empty: nowhere; "
	    "CQ_KERNEL_CMDLINE overrides it)" },
	{ "min_cpus", CFG_INT, "0", 0, 65536,
	    "fewer cores than this: too small to help" },
	{ "min_memory", CFG_INT, "0", 0, INT32_MAX,
	    "less MiB than this: too small to help" },
	{ "sandbox_dir", CFG_STRING, "/var/lib/cq/sandbox", 0, 0,
	    "where jobs whose files travel run, one directory each" },
	{ "filesystem_domain", CFG_STRING, "", 0, 0,
	    "shared-filesystem name; another than the scheduler's means "
	    "files travel (default: the host name)" },
	{ "local_socket", CFG_STRING, "/run/cq/startd.sock", 0, 0,
	    "local socket for cq reclaim (empty: none)" },
	{ "criu_path", CFG_STRING, "", 0, 0,
	    "criu for transparent checkpoints (empty: none)" },
	{ "slot_user", CFG_STRING, "cq-slot", 0, 0,
	    "as root: jobs of owners unknown here run as this + the slot "
	    "number (cq-slot1, ...); empty: such jobs are refused" },
	{ "agent_user", CFG_STRING, "cq-agent", 0, 0,
	    "as root: the user the network child runs as (no capabilities)" },
	{ "hide_from_slot_users", CFG_STRING, "/home,/root", 0, 0,
	    "directories a slot user's job sees empty (a private mount "
	    "namespace; comma list, empty: none)" },
	{ "max_job_pids", CFG_INT, "4096", 0, INT32_MAX,
	    "processes and threads a job may have at once (0: no cap)" },
	{ "start", CFG_STRING, "", 0, 0,
	    "the owner's policy: which jobs may start here, an expression "
	    "over the machine (MY) and the job (TARGET); empty: any" },
	{ "rank", CFG_STRING, "", 0, 0,
	    "the jobs this machine prefers, a number over the job (TARGET); "
	    "empty: 0" },
	{ "machine_attributes", CFG_STRING, "", 0, 0,
	    "the site's attributes in the machine ad: Name = value; ..." },
	{ "cgroup_favordynmods", CFG_BOOL, "yes", 0, 0,
	    "as root with v1 job groups: add favordynmods to the cgroup2 "
	    "mount, so job starts skip a 10-20 ms RCU wait" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

#define STARTD_TICK_MS		250
#define STARTD_LEAVE_POLL_MS	50
#define STARTD_BYE_FLUSH_MS	500

static struct event	*leave_ev;
static int64_t		 leave_deadline;	/* mono ms */
static int		 leave_bye;

/*
 * What -n must check beyond each key's syntax: the owner hours, the
 * token's form, and that the scheduler is pinned (or insecure said so),
 * not both.  Every problem is a line of ERR, all of them reported.
 */
static int
startd_check(const struct cfg *cfg, char *err, size_t errlen)
{
	struct calendar	*cal;
	struct cred	 c;
	const char	*token = cfg_str(cfg, "token"), *errstr;
	const char	*fp = cfg_str(cfg, "fingerprint");
	char		 origin[1200], hide[300], why[1024];
	uint8_t		 pin[TLS_FP_LEN];
	int		 bad = 0;

	if (*token != '\0' && (cred_parse(token, &c, &errstr) == -1 ||
	    c.kind != CRED_TOKEN)) {
		cfg_err_add(err, errlen, "%s: token: not a pool token (cq pool "
		    "token prints one: cqt1.ID.SECRET)",
		    cfg_origin(cfg, "token"));
		bad = 1;
	}
	explicit_bzero(&c, sizeof c);

	snprintf(origin, sizeof origin, "%s: owner_hours",
	    cfg_origin(cfg, "owner_hours"));
	if ((cal = calendar_parse(cfg_str(cfg, "owner_hours"), origin,
	    why, sizeof why)) == NULL) {
		cfg_err_add(err, errlen, "%s", why);
		bad = 1;
	}
	calendar_free(cal);
	if (jobuser_hide_check(cfg_str(cfg, "hide_from_slot_users"), hide,
	    sizeof hide) == -1) {
		cfg_err_add(err, errlen, "%s: hide_from_slot_users: %s",
		    cfg_origin(cfg, "hide_from_slot_users"), hide);
		bad = 1;
	}
	if (strlen(cfg_str(cfg, "slot_user")) >= JOBUSER_NAME_MAX / 2 - 8 ||
	    strpbrk(cfg_str(cfg, "slot_user"), ":/ \t") != NULL) {
		cfg_err_add(err, errlen, "%s: slot_user: not a short user name "
		    "prefix", cfg_origin(cfg, "slot_user"));
		bad = 1;
	}
	if (machine_check(cfg, why, sizeof why) == -1) {
		cfg_err_add(err, errlen, "%s", why);
		bad = 1;
	}
	if (*fp != '\0' && tls_fp_parse(fp, pin, &errstr) == -1) {
		cfg_err_add(err, errlen, "%s: fingerprint: %s",
		    cfg_origin(cfg, "fingerprint"), errstr);
		bad = 1;
	}
	if (*fp != '\0' && cfg_bool(cfg, "insecure")) {
		cfg_err_add(err, errlen, "%s: insecure = yes, but a fingerprint "
		    "is set (%s): choose one", cfg_origin(cfg, "insecure"),
		    cfg_origin(cfg, "fingerprint"));
		bad = 1;
	}
	if (*fp == '\0' && !cfg_bool(cfg, "insecure")) {
		cfg_err_add(err, errlen, "no scheduler fingerprint: run `cq "
		    "pool fingerprint` on the scheduler and set `fingerprint = "
		    "<it>` here (or cq.fingerprint=<it> on the kernel command "
		    "line); `insecure = yes` on both sides means plain TCP");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * The agent's subtree of the job cgroups: its name and a hash of its state
 * directory, so that two agents of the same name on one machine (two test
 * suites) never sweep each other's jobs, and a restarted agent finds what
 * its previous life left.
 */
static void
startd_ident(void)
{
	const char	*dir = cfg_str(st->cfg, "state_dir");
	char		 real[PATH_MAX], ident[64];
	uint32_t	 h = 2166136261U;	/* FNV-1a */
	const char	*p;

	if (realpath(dir, real) != NULL)
		dir = real;
	for (p = dir; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619U;
	snprintf(ident, sizeof ident, "%.32s.%08x", st->name, h);
	jobctl_ident(ident);
}

static void
startd_tick(evutil_socket_t fd, short ev, void *arg)
{
	jobs_eval();
	lease_tick();
	absence_tick(clock_now_ms());
}

static void
startd_activity(void *arg)
{
	jobs_eval_owner();
}

/* Leaving: done once every job's end is acknowledged (or time is up). */
static void
startd_leave(evutil_socket_t fd, short ev, void *arg)
{
	struct timeval	tv = { 0, STARTD_LEAVE_POLL_MS * 1000 };
	int64_t		now = clock_mono_ms();

	if (!leave_bye && (jobs_held() == 0 || !link_up() ||
	    now >= leave_deadline)) {
		if (jobs_held() > 0)
			log_warnx("leaving with %d job(s) not acknowledged",
			    jobs_held());
		/*
		 * Ends kept on disk: no goodbye, which would make the
		 * scheduler requeue their jobs at once.  To it the agent is
		 * disconnected, its lease runs, and an agent back within
		 * it reports them (docs/durability.md).
		 */
		if (jobs_kept() > 0)
			log_warnx("leaving without a goodbye: %d job end(s) "
			    "kept in the state directory, reported when the "
			    "agent starts again", jobs_kept());
		else
			link_bye("agent shutting down");
		leave_bye = 1;
		/* A moment for the goodbye to go out. */
		leave_deadline = now + STARTD_BYE_FLUSH_MS;
		evtimer_add(leave_ev, &tv);
		return;
	}
	if (leave_bye && (link_pending() == 0 || now >= leave_deadline)) {
		event_base_loopbreak(st->base);
		return;
	}
	evtimer_add(leave_ev, &tv);
}

/* SIGTERM, SIGINT or SIGHUP, as the parent passes it on. */
static void
startd_signal(int sig)
{
	struct timeval	tv = { 0, 0 };
	int		n;

	if (st->stopping) {
		log_info("signal %d again: leaving now", (int)sig);
		event_base_loopbreak(st->base);
		return;
	}
	st->stopping = 1;
	/* Nothing new starts here: the slots drain as their jobs leave. */
	owner_drain(1);
	jobs_eval();		/* free slots say DRAINING now, not at the tick */
	n = jobs_vacate_all("agent shutting down", AGENTMSG_KILL_SHUTDOWN);
	log_info("signal %d: leaving; %d job(s) vacated", (int)sig, n);
	leave_deadline = clock_mono_ms() +
	    owner_policy()->max_vacate_ms + 1000;
	evtimer_add(leave_ev, &tv);
}

int
main(int argc, char **argv)
{
	struct event	*tick;
	struct event_config *evcfg;
	struct timeval	 tick_tv = { 0, STARTD_TICK_MS * 1000 };
	char		 err[1024];
	struct sysinfo	 si;
	char		 host[256], fshost[256], indir[PATH_MAX];
	char		 agentdir[PATH_MAX];
	int		 foreground, verbose, sock, sbxsock;
	int64_t		 mem, ncpu;

	st = xcalloc(1, sizeof *st);
	/* A netbooted desktop gets cq.schedd=, cq.fingerprint=... this way. */
	st->cfg = cfg_daemon("cq-startd", startd_keys, argc, argv,
	    "/proc/cmdline", startd_check, &foreground, &verbose);
	log_init("cq-startd", 1, verbose);
	st->name = cfg_str(st->cfg, "name");
	if (*st->name == '\0') {
		if (gethostname(host, sizeof host) == -1)
			fatal("gethostname");
		host[sizeof host - 1] = '\0';
		st->name = host;
	}
	st->fs_domain = cfg_str(st->cfg, "filesystem_domain");
	if (*st->fs_domain == '\0') {
		if (gethostname(fshost, sizeof fshost) == -1)
			strlcpy(fshost, "localhost", sizeof fshost);
		fshost[sizeof fshost - 1] = '\0';
		st->fs_domain = fshost;
	}
	ncpu = cfg_int(st->cfg, "cpus");
	if (ncpu == 0)
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	st->nslots = (int)cfg_int(st->cfg, "slots");
	if (st->nslots == 0)
		st->nslots = (int)ncpu;
	/* More slots than cores is allowed (short jobs); each has one. */
	st->slot_cpus = ncpu / st->nslots > 0 ? ncpu / st->nslots : 1;
	mem = cfg_int(st->cfg, "memory");
	if (mem == 0 && sysinfo(&si) == 0)
		mem = (int64_t)((uint64_t)si.totalram * si.mem_unit >> 20);
	st->slot_memory_mb = mem / st->nslots;
	machine_init(st->cfg, ncpu, mem);

	/* As root, the network child keeps its files in state_dir/agent. */
	if (drop_prepare(cfg_str(st->cfg, "agent_user"), cfg_str(st->cfg,
	    "state_dir"), agentdir, sizeof agentdir, err, sizeof err) == -1 ||
	    enroll_init(agentdir, cfg_str(st->cfg, "token"), err,
	    sizeof err) == -1)
		fatalx("%s", err);
	if (ends_open(agentdir, err, sizeof err) == -1)
		fatalx("%s", err);
	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("cq-startd", 0, verbose);
	}
	signal(SIGPIPE, SIG_IGN);
	startd_ident();
	jobctl_favordynmods(cfg_bool(st->cfg, "cgroup_favordynmods"));
	if (jobctl_init() == -1)
		log_warn("cannot become a child subreaper");
	if (jobctl_program_path() == NULL)
		fatalx("no job init (cq-jobinit): no job could start here");
	/* Once, before the loop: `criu check` takes about 0.1 s. */
	st->criu_path = cfg_str(st->cfg, "criu_path");
	if (*st->criu_path != '\0' && geteuid() != 0)
		log_warnx("criu_path is set, but CRIU needs root: no "
		    "transparent checkpoints");
	else
		st->criu = criu_available(st->criu_path);
	/* Both processes decide whom a job runs as, the parent for good. */
	jobuser_init(cfg_str(st->cfg, "slot_user"),
	    cfg_str(st->cfg, "hide_from_slot_users"), st->nslots);
	priv_set_sandbox_dir(cfg_str(st->cfg, "sandbox_dir"));
	priv_set_local_socket(cfg_str(st->cfg, "local_socket"));
	/* Input devices need root: the parent opens them for the child. */
	if (activity_input_dir(cfg_str(st->cfg, "activity"), indir,
	    sizeof indir))
		priv_set_input_dir(indir);
	/* From here on, the network child; the parent never returns. */
	sock = priv_fork(&sbxsock);
	psbxc_init(sbxsock);
	/* Precise timers: the coarse clock's 4 ms tick stretches short ones. */
	if ((evcfg = event_config_new()) == NULL ||
	    event_config_set_flag(evcfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1 ||
	    (st->base = event_base_new_with_config(evcfg)) == NULL)
		fatalx("event_base_new");
	event_config_free(evcfg);
	if ((st->dns = evdns_base_new(st->base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL)
		st->dns = evdns_base_new(st->base, 0);
	privc_init(st->base, sock, &jobs_privc_cbs, startd_signal);
	act_input_set_opener(privc_input_open);

	if (owner_init(st->cfg, startd_activity, NULL, err, sizeof err) == -1)
		fatalx("%s", err);
	if (local_init(cfg_str(st->cfg, "local_socket")) == -1)
		exit(1);
	sandbox_init();
	jobs_init();
	lease_init();
	link_init();
	/* Nothing from here on needs root: the child becomes agent_user. */
	drop_now();
	absence_init(agentdir);
	leave_ev = evtimer_new(st->base, startd_leave, NULL);
	tick = event_new(st->base, -1, EV_PERSIST, startd_tick, NULL);
	event_add(tick, &tick_tv);
	log_info("ready: %s with %d slots of %lld cpus and %lld MiB, "
	    "scheduler %s", st->name, st->nslots, (long long)st->slot_cpus,
	    (long long)st->slot_memory_mb,
	    cfg_str(st->cfg, "schedd"));
	event_base_dispatch(st->base);

	jobs_shutdown();
	ends_close();
	privc_shutdown();	/* the parent kills what is left, and exits */
	link_shutdown();
	lease_shutdown();
	enroll_shutdown();
	local_shutdown();
	absence_shutdown();
	owner_shutdown();
	machine_shutdown();
	event_free(tick);
	event_free(leave_ev);
	evdns_base_free(st->dns, 0);
	event_base_free(st->base);
	cfg_free(st->cfg);
	free(st);
	log_info("stopped");
	return 0;
}
