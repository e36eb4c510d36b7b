/*
 * statefile.h: small files in the state directory, replaced whole
 * (listen.addr, fingerprint), and the port listen.addr remembers.
 */
#ifndef CQ_STATEFILE_H
#define CQ_STATEFILE_H

#include <sys/socket.h>

#include <stddef.h>

/* DIR/NAME into BUF (LEN bytes, NUL-terminated); -1 if it cannot be read. */
int	statefile_read(const char *dir, const char *name, char *buf,
	    size_t len);
/* Replace DIR/NAME with TEXT atomically (temporary file, fsync, rename,
 * directory fsync); on failure, logged, the old file stays: -1. */
int	statefile_write(const char *dir, const char *name, const char *text);
/* Numeric HOST and PORT into SS: its length, 0 if HOST is not numeric. */
socklen_t statefile_sockaddr(const char *host, int port,
	    struct sockaddr_storage *ss);
/* The port DIR/listen.addr names if it is for WANT's address, else 0. */
int	statefile_last_port(const char *dir,
	    const struct sockaddr_storage *want);

#endif
