/*
 * cmd-proxy.c: `cq proxy`, the far end of `cq -H ssh://...` (ssh.c runs
 * it over an SSH channel).  It connects to this host's scheduler socket
 * (CQ_SOCKET, else the default) and copies bytes both ways between its
 * stdin/stdout and that socket, without looking at them: the scheduler
 * checks the frames as it does for any local client, and sees this
 * process's uid through SO_PEERCRED, which is the SSH login's.  Each
 * direction has one bounded buffer and is read only when its buffer has
 * room, so a slow side stalls the other instead of growing memory.
 * stdin's EOF is passed on as a half-close once its buffer is written;
 * it exits when the scheduler closes (after writing what it sent) or
 * when either side fails.  Errors go to stderr, one line, exit 1: the
 * client shows that line.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cq.h"
#include "msg.h"

#define PROXY_BUF	65536

struct proxy_dir {
	int		 from, to;
	const char	*from_name, *to_name;
	char		 buf[PROXY_BUF];
	size_t		 off, len;	/* pending bytes: buf[off..off+len) */
	int		 eof;		/* FROM said EOF */
};

/* Read what fits from D's source; -1 on error (printed). */
static int
proxy_fill(struct proxy_dir *d)
{
	ssize_t	n;

	if (d->off > 0 && d->len == 0)
		d->off = 0;
	n = read(d->from, d->buf + d->off + d->len,
	    sizeof d->buf - d->off - d->len);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		fprintf(stderr, "cq proxy: reading %s: %s\n", d->from_name,
		    strerror(errno));
		return -1;
	}
	if (n == 0)
		d->eof = 1;
	d->len += (size_t)n;
	return 0;
}

/* Write what is pending in D; -1 on error (printed unless EPIPE). */
static int
proxy_drain(struct proxy_dir *d)
{
	ssize_t	n;

	n = write(d->to, d->buf + d->off, d->len);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		if (errno != EPIPE && errno != ECONNRESET)
			fprintf(stderr, "cq proxy: writing %s: %s\n",
			    d->to_name, strerror(errno));
		return -1;
	}
	d->off += (size_t)n;
	d->len -= (size_t)n;
	if (d->len == 0)
		d->off = 0;
	return 0;
}

/* The local scheduler's socket; -1, said so. */
static int
proxy_connect(const char *path)
{
	int	fd;

	if ((fd = client_connect_unix(path, ROLE_SCHEDD, 1)) == -1)
		fprintf(stderr, "cq proxy: the scheduler is not running here "
		    "(cannot reach %s: %s)\n", path, strerror(errno));
	return fd;
}

int
cmd_proxy(int argc, char **argv)
{
	static struct proxy_dir	 up, down;	/* stdin->sock, sock->stdout */
	struct pollfd		 pfd[3];
	const char		*path;
	int			 sock, n, rc = CQ_EXIT_FAIL, wr_shut = 0;

	if (argc != 1)
		return cq_usage("proxy");
	path = client_socket_path();
	if ((sock = proxy_connect(path)) == -1)
		return CQ_EXIT_FAIL;
	signal(SIGPIPE, SIG_IGN);
	up.from = STDIN_FILENO;
	up.to = sock;
	up.from_name = "stdin";
	up.to_name = path;
	down.from = sock;
	down.to = STDOUT_FILENO;
	down.from_name = path;
	down.to_name = "stdout";
	for (;;) {
		/* The scheduler closed and all it said is out: done. */
		if (down.eof && down.len == 0) {
			rc = CQ_EXIT_OK;
			break;
		}
		/* Our client is gone and all it said is in: half-close. */
		if (up.eof && up.len == 0 && !wr_shut) {
			shutdown(sock, SHUT_WR);
			wr_shut = 1;
		}
		memset(pfd, 0, sizeof pfd);
		pfd[0].fd = !up.eof && up.off + up.len < sizeof up.buf ?
		    STDIN_FILENO : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = sock;
		pfd[1].events = (!down.eof && down.off + down.len <
		    sizeof down.buf ? POLLIN : 0) | (up.len > 0 ? POLLOUT : 0);
		pfd[2].fd = down.len > 0 ? STDOUT_FILENO : -1;
		pfd[2].events = POLLOUT;
		if (pfd[1].events == 0)
			pfd[1].fd = -1;
		if ((n = poll(pfd, 3, -1)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "cq proxy: poll: %s\n",
			    strerror(errno));
			break;
		}
		/* POLLHUP/POLLERR: the read or write below reports it. */
		if (pfd[0].revents != 0 && proxy_fill(&up) == -1)
			break;
		if ((pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    (pfd[1].events & POLLIN) && proxy_fill(&down) == -1)
			break;
		if ((pfd[1].revents & (POLLOUT | POLLERR | POLLHUP)) &&
		    up.len > 0 && proxy_drain(&up) == -1)
			break;
		if (pfd[2].revents != 0 && proxy_drain(&down) == -1)
			break;
	}
	close(sock);
	return rc;
}
