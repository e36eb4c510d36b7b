/*
 * startd.h: the agent's context.  The one global is `st`.
 *
 * Modules: main (start-up, signals, the tick), link (the connection to
 * the scheduler: hello, ad, heartbeats, reconnect with backoff), enroll
 * (the agent's credential, token or request for its hello), jobs
 * (the jobs this agent holds and their reports), lease (the jobs end
 * before the scheduler's lease on them does), jobctl (spawn, signal,
 * reap: the part that will move into a privileged parent), criu
 * (transparent checkpoints through jobctl).
 */
#ifndef CQ_STARTD_H
#define CQ_STARTD_H

#include <sys/types.h>
#include <stdint.h>

struct cfg;
struct event_base;
struct evdns_base;

struct startd {
	struct event_base	*base;
	struct evdns_base	*dns;
	struct cfg		*cfg;
	const char		*name;
	const char		*fs_domain;	/* filesystem_domain */
	int			 nslots;
	int64_t			 slot_cpus;
	int64_t			 slot_memory_mb;
	int			 stopping;
	const char		*criu_path;	/* "" if none */
	int			 criu;		/* criu_available() */
};

extern struct startd	*st;

#endif
