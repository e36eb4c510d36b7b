/*
 * main.c: cq-startd start-up and signals.  The agent becomes a child
 * subreaper (orphans of jobs are ours to reap), reaps from a SIGCHLD
 * event, and on SIGTERM or SIGINT kills its jobs and leaves.  (Graceful
 * vacate with checkpoints on shutdown comes with the owner policy.)
 */
#include "config.h"

#include <sys/sysinfo.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "cfg.h"
#include "jobctl.h"
#include "jobs.h"
#include "link.h"
#include "log.h"
#include "startd.h"
#include "xmalloc.h"

struct startd	*st;

static const struct cfg_key startd_keys[] = {
	{ "schedd", CFG_HOSTPORT, "127.0.0.1:9618", 0, 0,
	    "scheduler address:port" },
	{ "name", CFG_STRING, "", 0, 0, "agent name (default: host name)" },
	{ "slots", CFG_INT, "0", 0, 1024,
	    "number of slots (0: one per core)" },
	{ "cpus", CFG_INT, "0", 0, 65536,
	    "cores to offer, split between slots (0: all)" },
	{ "memory", CFG_INT, "0", 0, INT32_MAX,
	    "memory to offer in MiB, split between slots (0: all)" },
	{ "token", CFG_STRING, "", 0, 0, "pool token" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static void
startd_signal(evutil_socket_t sig, short ev, void *arg)
{
	if (sig == SIGCHLD) {
		jobs_reap();
		return;
	}
	log_info("signal %d: shutting down", (int)sig);
	st->stopping = 1;
	event_base_loopbreak(st->base);
}

int
main(int argc, char **argv)
{
	struct event	*sigs[4];
	struct sysinfo	 si;
	char		 host[256];
	int		 foreground, verbose, i;
	int64_t		 mem, ncpu;

	st = xcalloc(1, sizeof *st);
	st->cfg = cfg_daemon("cq-startd", startd_keys, argc, argv, &foreground,
	    &verbose);
	log_init("cq-startd", 1, verbose);
	st->name = cfg_str(st->cfg, "name");
	if (*st->name == '\0') {
		if (gethostname(host, sizeof host) == -1)
			fatal("gethostname");
		host[sizeof host - 1] = '\0';
		st->name = host;
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

	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("cq-startd", 0, verbose);
	}
	signal(SIGPIPE, SIG_IGN);
	if (jobctl_init() == -1)
		log_warn("cannot become a child subreaper");
	if ((st->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if ((st->dns = evdns_base_new(st->base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL)
		st->dns = evdns_base_new(st->base, 0);
	sigs[0] = evsignal_new(st->base, SIGTERM, startd_signal, NULL);
	sigs[1] = evsignal_new(st->base, SIGINT, startd_signal, NULL);
	sigs[2] = evsignal_new(st->base, SIGHUP, startd_signal, NULL);
	sigs[3] = evsignal_new(st->base, SIGCHLD, startd_signal, NULL);
	for (i = 0; i < 4; i++)
		evsignal_add(sigs[i], NULL);

	jobs_init();
	link_init();
	log_info("ready: %s with %d slots of %lld cpus and %lld MiB, "
	    "scheduler %s", st->name, st->nslots, (long long)st->slot_cpus,
	    (long long)st->slot_memory_mb,
	    cfg_str(st->cfg, "schedd"));
	event_base_dispatch(st->base);

	jobs_shutdown();
	link_shutdown();
	for (i = 0; i < 4; i++)
		event_free(sigs[i]);
	evdns_base_free(st->dns, 0);
	event_base_free(st->base);
	cfg_free(st->cfg);
	free(st);
	log_info("stopped");
	return 0;
}
