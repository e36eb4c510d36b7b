/*
 * statefile.c: the small files the scheduler leaves in its state
 * directory for others to read (listen.addr, fingerprint), and the port
 * listen.addr remembers.  A file is replaced whole: written to NAME.tmp,
 * flushed and fsynced, renamed over NAME, and the directory fsynced; a
 * write that fails on the way (a full disk) leaves the old file as it was
 * and the temporary file removed, never an empty or half file.  A file
 * that already says the same is not written again.
 *
 * listen = HOST:0 asks the kernel for any free port.  Agents know the
 * scheduler by the port it got, so after a restart the scheduler asks
 * for that port again: the one listen.addr names, if listen.addr is for
 * the same address.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/util.h>

#include "atomicfile.h"
#include "cfg.h"
#include "log.h"
#include "statefile.h"

#define STATEFILE_MAX	4096

/* DIR/NAME's contents into BUF (LEN bytes, NUL-terminated): -1 if none. */
int
statefile_read(const char *dir, const char *name, char *buf, size_t len)
{
	char	path[1100];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

int
statefile_write(const char *dir, const char *name, const char *text)
{
	char	path[1100], old[STATEFILE_MAX];

	if (statefile_read(dir, name, old, sizeof old) == 0 &&
	    strcmp(old, text) == 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (atomicfile_write(path, text, strlen(text), 0644, 0) == -1) {
		log_warn("%s.tmp: not written (%s kept as it was)", path,
		    path);
		return -1;
	}
	if (atomicfile_sync_dir(path) == -1)
		log_warn("fsync %s", dir);
	return 0;
}

/* HOST (numeric) and PORT into SS; its length, or 0 if HOST is not one. */
socklen_t
statefile_sockaddr(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (evutil_inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return sizeof *sin;
	}
	if (evutil_inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return sizeof *sin6;
	}
	return 0;
}

int
statefile_last_port(const char *dir, const struct sockaddr_storage *want)
{
	struct sockaddr_storage	 ss;
	const struct sockaddr_in *a, *b;
	const struct sockaddr_in6 *a6, *b6;
	char			 text[256], host[128];
	const char		*errstr;
	int			 port;

	if (statefile_read(dir, "listen.addr", text, sizeof text) == -1)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	if (cfg_parse_hostport(text, host, sizeof host, &port,
	    &errstr) == -1 || port == 0 ||
	    statefile_sockaddr(host, port, &ss) == 0) {
		log_warnx("%s/listen.addr: \"%s\" is no address: a new port "
		    "is taken", dir, text);
		return 0;
	}
	if (ss.ss_family != want->ss_family)
		return 0;
	if (ss.ss_family == AF_INET) {
		a = (const struct sockaddr_in *)&ss;
		b = (const struct sockaddr_in *)want;
		if (a->sin_addr.s_addr != b->sin_addr.s_addr)
			return 0;
	} else {
		a6 = (const struct sockaddr_in6 *)&ss;
		b6 = (const struct sockaddr_in6 *)want;
		if (memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof a6->sin6_addr) != 0)
			return 0;
	}
	return port;
}
