/*
 * client.c: blocking request/reply with the scheduler, over its unix
 * socket or, with `cq -H ssh://...` (client_set_host), over an SSH channel
 * to `cq proxy` on the scheduler's host (ssh.c, through the functions
 * cq-ssh gives, so the plain cq links no libssh2); the frames are the same
 * either way.  The command line may block, so this is plain read/write,
 * but it speaks the same frames and checks replies with the same message
 * table as the daemons (a reply is untrusted input too).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "frame.h"
#include "jsonx.h"
#include "msg.h"
#include "xfer.h"
#include "xmalloc.h"

struct client {
	int		 fd;		/* the unix socket, or -1 */
	struct ssh_chan	*chan;		/* or the SSH channel */
	uint32_t	 reqid;
	int		 from;		/* the role replies must come from */
};

/* The scheduler's host as ssh://..., NULL for this one (cq -H). */
static const char		*client_host;
static const struct client_ssh	*client_ssh;

void
client_set_host(const char *url, const struct client_ssh *ssh)
{
	client_host = url;
	client_ssh = ssh;
}

const char *
client_home(void)
{
	static char	 home[PATH_MAX];
	const char	*h;
	struct passwd	*pw;

	if ((h = getenv("CQ_HOME")) != NULL && *h != '\0')
		return h;
	if ((h = getenv("HOME")) == NULL || *h == '\0') {
		if ((pw = getpwuid(getuid())) == NULL)
			return "/tmp/cq";
		h = pw->pw_dir;
	}
	snprintf(home, sizeof home, "%s/.local/state/cq", h);
	return home;
}

const char *
client_socket_path(void)
{
	static char	 path[PATH_MAX];
	const char	*s;

	if ((s = getenv("CQ_SOCKET")) != NULL && *s != '\0')
		return s;
	snprintf(path, sizeof path, "%s/schedd.sock", client_home());
	if (access(path, F_OK) == 0)
		return path;
	return "/run/cq/schedd.sock";
}

static int
client_write_all(struct client *c, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	int		 fd = c->fd;

	if (c->chan != NULL)
		return client_ssh->write(c->chan, buf, len);
	while (len > 0) {
		/* No SIGPIPE: a refused client reads why (client_said). */
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1 &&
		    errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
client_read_all(struct client *c, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;
	int	 fd = c->fd;

	if (c->chan != NULL)
		return client_ssh->read(c->chan, buf, len);
	while (len > 0) {
		if ((n = read(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Say why I/O with the scheduler failed (errno, or the channel's why). */
static void
client_io_error(struct client *c, const char *doing)
{
	if (c->chan != NULL)
		fprintf(stderr, "cq: %s\n", client_ssh->error(c->chan));
	else
		fprintf(stderr, "cq: %s the scheduler: %s\n", doing,
		    strerror(errno));
}

/* One frame of LEN bytes of JSON text at S. */
static int
client_send_text(struct client *c, uint16_t type, const char *s, size_t len)
{
	struct frame_hdr	 hdr;
	uint8_t			 hb[FRAME_HDR_LEN];

	if (len > UINT32_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	hdr.len = (uint32_t)len;
	hdr.type = type;
	hdr.version = FRAME_VERSION;
	hdr.flags = 0;
	hdr.reqid = ++c->reqid;
	frame_hdr_encode(&hdr, hb);
	if (client_write_all(c, hb, sizeof hb) == -1 ||
	    client_write_all(c, s, len) == -1)
		return -1;
	return 0;
}

static int
client_send(struct client *c, uint16_t type, struct json_object *obj)
{
	const char	*s;
	size_t		 len;

	s = jsonx_dump(obj, &len);
	return client_send_text(c, type, s, len);
}

/* A frame's payload (NUL-terminated, caller frees) and its header. */
static char *
client_recv_frame(struct client *c, struct frame_hdr *hdr, int quiet)
{
	uint8_t			 hb[FRAME_HDR_LEN];
	const char		*errstr;
	char			*buf;

	if (client_read_all(c, hb, sizeof hb) == -1) {
		if (!quiet)
			client_io_error(c, "reading from");
		return NULL;
	}
	frame_hdr_decode(hb, hdr);
	if (frame_hdr_check(hdr, c->from, &errstr) == -1) {
		fprintf(stderr, "cq: bad reply from the scheduler: %s\n",
		    errstr);
		return NULL;
	}
	buf = xmalloc(hdr->len + 1);
	if (client_read_all(c, buf, hdr->len) == -1) {
		client_io_error(c, "reading from");
		free(buf);
		return NULL;
	}
	buf[hdr->len] = '\0';
	return buf;
}

static struct json_object *
client_recv_ex(struct client *c, uint16_t *rtype, int quiet)
{
	struct frame_hdr	 hdr;
	struct json_object	*obj;
	const char		*errstr;
	char			*buf;

	if ((buf = client_recv_frame(c, &hdr, quiet)) == NULL)
		return NULL;
	if (msg_decode(hdr.type, buf, hdr.len, &obj, &errstr) == -1) {
		fprintf(stderr, "cq: bad reply from the scheduler: %s\n",
		    errstr);
		free(buf);
		return NULL;
	}
	free(buf);
	*rtype = hdr.type;
	return obj;
}

static struct json_object *
client_recv(struct client *c, uint16_t *rtype)
{
	return client_recv_ex(c, rtype, 0);
}

/*
 * A write failed: the scheduler closed the connection.  It says why
 * before it closes a client over a limit, so print its error if one
 * waits to be read, else the write's.
 */
static void
client_write_failed(struct client *c)
{
	struct json_object	*rep;
	uint16_t		 rtype;
	int			 err = errno;

	if ((err == EPIPE || err == ECONNRESET) &&
	    (rep = client_recv_ex(c, &rtype, 1)) != NULL) {
		if (rtype == MSG_ERROR) {
			fprintf(stderr, "cq: %s\n", jsonx_str(rep, "error",
			    "error"));
			json_object_put(rep);
			return;
		}
		json_object_put(rep);
	}
	errno = err;
	client_io_error(c, "writing to");
}

int
client_call_start(struct client *c, uint16_t type, struct json_object *req)
{
	if (client_send(c, type, req) == -1) {
		client_write_failed(c);
		return -1;
	}
	return 0;
}

int
client_call_start_text(struct client *c, uint16_t type, const char *s,
    size_t len)
{
	if (client_send_text(c, type, s, len) == -1) {
		client_write_failed(c);
		return -1;
	}
	return 0;
}

struct json_object *
client_call_finish(struct client *c, uint16_t *rtype)
{
	struct json_object	*rep;

	if ((rep = client_recv(c, rtype)) == NULL)
		return NULL;
	if (*rtype == MSG_ERROR) {
		fprintf(stderr, "cq: %s\n", jsonx_str(rep, "error", "error"));
		json_object_put(rep);
		return NULL;
	}
	return rep;
}

char *
client_call_finish_text(struct client *c, uint16_t *rtype, size_t *len)
{
	struct frame_hdr	 hdr;
	struct json_object	*rep;
	const char		*errstr;
	char			*buf;

	if ((buf = client_recv_frame(c, &hdr, 0)) == NULL)
		return NULL;
	if (hdr.type == MSG_ERROR) {
		if (msg_decode(hdr.type, buf, hdr.len, &rep, &errstr) == -1)
			fprintf(stderr, "cq: bad reply from the scheduler: "
			    "%s\n", errstr);
		else {
			fprintf(stderr, "cq: %s\n", jsonx_str(rep, "error",
			    "error"));
			json_object_put(rep);
		}
		free(buf);
		return NULL;
	}
	*rtype = hdr.type;
	*len = hdr.len;
	return buf;
}

static int
client_send_raw(struct client *c, uint16_t type, uint32_t reqid,
    const void *buf, size_t len)
{
	struct frame_hdr	 hdr;
	uint8_t			 hb[FRAME_HDR_LEN];

	hdr.len = (uint32_t)len;
	hdr.type = type;
	hdr.version = FRAME_VERSION;
	hdr.flags = FRAME_F_RAW;
	hdr.reqid = reqid;
	frame_hdr_encode(&hdr, hb);
	if (client_write_all(c, hb, sizeof hb) == -1 ||
	    client_write_all(c, buf, len) == -1)
		return -1;
	return 0;
}

int
client_send_data(struct client *c, uint16_t type, const void *buf,
    size_t len)
{
	if (client_send_raw(c, type, c->reqid, buf, len) == -1) {
		client_write_failed(c);
		return -1;
	}
	return 0;
}

int
client_put(struct client *c, const char *rel, const char *path)
{
	static unsigned char	 buf[XFER_CHUNK];
	struct xfer_out		 xo;
	struct json_object	*o, *rep;
	uint16_t		 rtype;
	char			 err[512];
	size_t			 n;

	o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(rel));
	if (path == NULL) {
		json_object_object_add(o, "size", json_object_new_int(0));
		json_object_object_add(o, "mode", json_object_new_int(0755));
		json_object_object_add(o, "dir", json_object_new_boolean(1));
		rep = client_call(c, MSG_PUT, o, &rtype);
		json_object_put(o);
		json_object_put(rep);
		return rep == NULL ? -1 : 0;
	}
	if (xfer_out_open(&xo, path, 0, err, sizeof err) == -1 ||
	    xfer_out_hash(&xo, SIZE_MAX, err, sizeof err) == -1) {
		fprintf(stderr, "cq: %s\n", err);
		xfer_out_close(&xo);
		json_object_put(o);
		return -1;
	}
	json_object_object_add(o, "size", json_object_new_int64(
	    (int64_t)xo.size));
	json_object_object_add(o, "mode", json_object_new_int((int)xo.mode));
	json_object_object_add(o, "sha256", json_object_new_string(xo.sha));
	if (client_send(c, MSG_PUT, o) == -1)
		goto fail;
	while ((n = xfer_out_read(&xo, buf, sizeof buf)) > 0)
		if (client_send_raw(c, MSG_PUT_DATA, c->reqid, buf, n) == -1)
			goto fail;
	xfer_out_close(&xo);
	json_object_put(o);
	if ((rep = client_recv(c, &rtype)) == NULL)
		return -1;
	if (rtype == MSG_ERROR) {
		fprintf(stderr, "cq: %s: %s\n", path,
		    jsonx_str(rep, "error", "error"));
		json_object_put(rep);
		return -1;
	}
	json_object_put(rep);
	return 0;

fail:
	client_io_error(c, "writing to");
	xfer_out_close(&xo);
	json_object_put(o);
	return -1;
}

struct json_object *
client_call(struct client *c, uint16_t type, struct json_object *req,
    uint16_t *rtype)
{
	if (client_call_start(c, type, req) == -1)
		return NULL;
	return client_call_finish(c, rtype);
}

/*
 * No scheduler at PATH: where the socket was looked for, and how to
 * start a personal pool (cq pool up makes one in CQ_HOME).
 */
static void
client_no_pool(const char *path)
{
	const char	*h = getenv("CQ_HOME"), *s = getenv("CQ_SOCKET");

	(void)path;
	if (s != NULL && *s != '\0')
		fprintf(stderr, "cq: no scheduler is running at CQ_SOCKET "
		    "(%s)\n", s);
	else if (h != NULL && *h != '\0')
		fprintf(stderr, "cq: no scheduler is running: no socket at "
		    "%s/schedd.sock (CQ_HOME=%s) nor at /run/cq/schedd.sock\n",
		    h, h);
	else
		fprintf(stderr, "cq: no scheduler is running: no socket at "
		    "%s/schedd.sock (CQ_HOME is not set; that is its default) "
		    "nor at /run/cq/schedd.sock\n", client_home());
	fprintf(stderr, "cq: `cq pool up` starts a personal pool in "
	    "CQ_HOME (%s)\n", client_home());
}

int
client_connect_unix(const char *path, int from, int quiet)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		fprintf(stderr, "cq: socket path too long: %s\n", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		int	 err = errno;

		if (!quiet)
			fprintf(stderr, "cq: cannot reach the %s at %s: %s\n",
			    from == ROLE_AGENT ? "agent" : "scheduler", path,
			    strerror(err));
		if (!quiet && from == ROLE_SCHEDD && (err == ENOENT ||
		    err == ECONNREFUSED))
			client_no_pool(path);
		if (fd != -1)
			close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static struct client *
client_open_ex(const char *path, int from, int quiet)
{
	struct client		*c;
	struct json_object	*hello, *rep;
	struct ssh_chan		*chan = NULL;
	uint16_t		 rtype;
	int			 fd = -1;

	/* A remote scheduler: `cq proxy` there is our socket. */
	if (client_host != NULL && from == ROLE_SCHEDD) {
		if ((chan = client_ssh->exec(client_host, "cq proxy",
		    quiet)) == NULL)
			return NULL;
	} else if ((fd = client_connect_unix(path, from, quiet)) == -1)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->chan = chan;
	c->from = from;
	hello = json_object_new_object();
	json_object_object_add(hello, "version", json_object_new_int(1));
	json_object_object_add(hello, "role", json_object_new_string("client"));
	rep = client_call(c, MSG_HELLO, hello, &rtype);
	json_object_put(hello);
	if (rep == NULL || rtype != MSG_HELLO) {
		json_object_put(rep);
		client_close(c);
		return NULL;
	}
	json_object_put(rep);
	return c;
}

struct client *
client_open(void)
{
	return client_open_ex(client_socket_path(), ROLE_SCHEDD, 0);
}

struct client *
client_open_quiet(void)
{
	return client_open_ex(client_socket_path(), ROLE_SCHEDD, 1);
}

struct client *
client_open_agent(const char *path)
{
	return client_open_ex(path, ROLE_AGENT, 0);
}

void
client_close(struct client *c)
{
	if (c == NULL)
		return;
	if (c->chan != NULL)
		client_ssh->close(c->chan);
	if (c->fd != -1)
		close(c->fd);
	free(c);
}
