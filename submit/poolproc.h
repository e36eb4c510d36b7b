/*
 * poolproc.h: a personal pool's processes, found by their sockets and
 * checked pid files, and stopped.
 */
#ifndef CQ_POOLPROC_H
#define CQ_POOLPROC_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define POOLPROC_MAX_AGENTS	64

/* What of the pool in a CQ_HOME runs: 0 where nothing does. */
struct poolproc_state {
	pid_t	schedd;
	int	nagents;		/* agents 1..nagents looked at */
	pid_t	agent[POOLPROC_MAX_AGENTS + 1];
};

void	poolproc_sleep_ms(long ms);
/* 1 if PID is a live process (not a zombie). */
int	poolproc_alive(pid_t pid);
/* PID's parent, 0 if unknown. */
pid_t	poolproc_parent(pid_t pid);
/* 1 if PID is alive, its name is COMM and (CONF not NULL) CONF is one of
 * its arguments. */
int	poolproc_is(pid_t pid, const char *comm, const char *conf);
/* The process listening on the unix socket PATH, 0 if none. */
pid_t	poolproc_sock_pid(const char *path);
/* The pid a pid file holds, 0 if none or not a pid. */
pid_t	poolproc_pidfile(const char *path);
/* SIGTERM to each of PIDS (N; 0 entries skipped), then wait up to WAIT_MS
 * for all to end; SIGKILL to the rest.  How many needed the SIGKILL. */
size_t	poolproc_stop(const pid_t *pids, size_t n, int64_t wait_ms);

/* The pool in HOME's scheduler: who listens on HOME/schedd.sock, else
 * the checked pid in HOME/run/schedd.pid; 0 if it does not run. */
pid_t	poolproc_find_schedd(const char *home);
/* Its agent I: the parent of who listens on HOME/run/startd-I.sock, else
 * the checked pid in HOME/run/startd-I.pid; 0 if it does not run. */
pid_t	poolproc_find_agent(const char *home, int i);
/* How many agents the last `cq pool up` gave it (HOME/run/agents), 0. */
int	poolproc_recorded(const char *home);
/* The highest N of a HOME/run/startd-N.pid or .sock, 0 if none. */
int	poolproc_files(const char *home);
/* The scheduler and agents 1..NAGENTS into PS: how many run. */
int	poolproc_survey(const char *home, int nagents,
	    struct poolproc_state *ps);

#endif
