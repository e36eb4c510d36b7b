/*
 * poolproc.h: a personal pool's processes, found by their sockets and
 * checked pid files, and stopped.
 */
#ifndef CQ_POOLPROC_H
#define CQ_POOLPROC_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

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

#endif
