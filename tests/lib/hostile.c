/*
 * hostile.c: a misbehaving peer for the integration tests.  It opens N
 * connections to a daemon (TCP: the scheduler's agent port; unix: the
 * client socket) and abuses each one in a single way, taken in turn from
 * the list of kinds below: garbage bytes, an oversize length, a wrong
 * protocol version, an unknown message type, half a header, a payload
 * shorter than its header promised, truncated, deeply nested or trailing
 * JSON, invalid UTF-8, an unknown member after a valid hello, and a peer
 * that floods requests and never reads a reply.  Then it waits for the
 * daemon to close every connection: a read that returns 0 or fails with
 * ECONNRESET, or a write that fails with EPIPE.  Kinds that leave half a
 * frame behind are only dropped by the daemon's partial-frame timeout, so
 * they get the long deadline (-s).  The flood stops at the first of: the
 * daemon closes (pass), the daemon stops taking our bytes for 3 s, i.e.
 * holds us off with back-pressure (pass: its memory is bounded too), -F
 * bytes sent or -f seconds spent (then it must close within -t seconds).
 *
 * One summary line per kind; the exit status is 1 if any connection that
 * should have been closed was still open at its deadline, 2 for bad usage,
 * 3 if the daemon could not be reached at all.  Headers are built with
 * common/frame.h, the daemons' own encoder, so only what we mean to break
 * is broken.  With -S the TCP connections speak TLS first (as agents do;
 * no certificate is checked: the attacker trusts anything), so the abuse
 * reaches the frame parser behind the handshake; the kind plain-tcp then
 * skips TLS and sends a well-formed hello in clear, which the scheduler
 * must drop in the handshake, and silent-handshake connects and never
 * starts the handshake, which the greeting deadline must end.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "msg.h"

#define DEEP_LEVELS	10000
#define FLOOD_CHUNK	(256 * 1024)
#define FLOOD_STALL_MS	3000	/* no byte taken this long: held off */

enum kind {
	K_GARBAGE, K_OVERSIZE, K_VERSION, K_UNKNOWN_TYPE, K_HALF_HEADER,
	K_SHORT_PAYLOAD, K_TRUNC_JSON, K_DEEP_JSON, K_TRAILING, K_BAD_UTF8,
	K_UNKNOWN_MEMBER, K_FLOOD, K_PLAIN, K_SILENT, K_NKINDS
};

static const struct {
	const char	*name;
	int		 slow;		/* only the partial-frame timer drops it */
} kinds[K_NKINDS] = {
	[K_GARBAGE] = { "garbage", 0 },
	[K_OVERSIZE] = { "oversize-length", 0 },
	[K_VERSION] = { "wrong-version", 0 },
	[K_UNKNOWN_TYPE] = { "unknown-type", 0 },
	[K_HALF_HEADER] = { "half-header", 1 },
	[K_SHORT_PAYLOAD] = { "short-payload", 1 },
	[K_TRUNC_JSON] = { "truncated-json", 0 },
	[K_DEEP_JSON] = { "deep-json", 0 },
	[K_TRAILING] = { "trailing-bytes", 0 },
	[K_BAD_UTF8] = { "invalid-utf8", 0 },
	[K_UNKNOWN_MEMBER] = { "unknown-member", 0 },
	[K_FLOOD] = { "no-reader-flood", 0 },
	[K_PLAIN] = { "plain-tcp", 0 },		/* -S only */
	[K_SILENT] = { "silent-handshake", 1 },	/* -S only */
};

enum result { R_PENDING, R_CLOSED, R_HELD, R_OPEN, R_ERROR };

struct conn {
	int		 fd;
	SSL		*ssl;		/* -S: NULL for plain-tcp */
	enum kind	 kind;
	int64_t		 deadline;	/* mono ms */
	enum result	 res;
	const char	*how;
	size_t		 sent;
};

static int	 use_unix;
static const char *host, *port_s, *sock_path, *token = "";
static int	 fast_s = 5, slow_s = 40, flood_s = 20;
static uint64_t	 flood_max = 512ull * 1024 * 1024;
static int	 verbose;
static SSL_CTX	*tls_ctx;	/* -S */

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static __attribute__((noreturn)) void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: hostile [-v] [-k kind,...] [-t fast_s] "
	    "[-s slow_s] [-f flood_s] [-F flood_bytes] [-T token] [-S]\n"
	    "               tcp HOST PORT N | unix PATH N\nkinds:");
	for (i = 0; i < K_NKINDS; i++)
		fprintf(stderr, " %s", kinds[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

static long long
num(const char *s, long long lo, long long hi)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, lo, hi, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "hostile: %s: %s\n", s, errstr);
		usage();
	}
	return v;
}

static uint32_t	rng = 2463534242u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* After a failed SSL call: -1 with errno (EAGAIN: try again), or 0 (EOF). */
static ssize_t
tls_fail(struct conn *c, int n)
{
	switch (SSL_get_error(c->ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno == 0 || errno == EAGAIN)
			errno = ECONNRESET;
		return -1;
	default:
		ERR_clear_error();
		errno = ECONNRESET;	/* the daemon broke the TLS off */
		return -1;
	}
}

/* send(2) or SSL_write on C. */
static ssize_t
io_write(struct conn *c, const void *buf, size_t len)
{
	int	n;

	if (c->ssl == NULL)
		return send(c->fd, buf, len, MSG_NOSIGNAL);
	if (len == 0)
		return 0;
	if ((n = SSL_write(c->ssl, buf, len > INT32_MAX ? INT32_MAX :
	    (int)len)) > 0)
		return n;
	return tls_fail(c, n);
}

/* recv(2) (non-blocking with DONTWAIT) or SSL_read on C. */
static ssize_t
io_read(struct conn *c, void *buf, size_t len, int dontwait)
{
	int	n;

	if (c->ssl == NULL)
		return recv(c->fd, buf, len, dontwait ? MSG_DONTWAIT : 0);
	if (dontwait)
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	if ((n = SSL_read(c->ssl, buf, len > INT32_MAX ? INT32_MAX :
	    (int)len)) > 0)
		return n;
	return tls_fail(c, n);
}

/* -S: the TLS handshake on C (blocking, bounded by the socket timeouts). */
static int
tls_start(struct conn *c)
{
	if ((c->ssl = SSL_new(tls_ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 || SSL_connect(c->ssl) != 1) {
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
	SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return 0;
}

static int
dial(void)
{
	struct sockaddr_un	sun;
	struct sockaddr_in	sin;
	struct timeval		tv = { 5, 0 };
	int			fd, one = 1;

	if (use_unix) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		if (strlcpy(sun.sun_path, sock_path, sizeof sun.sun_path) >=
		    sizeof sun.sun_path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			return -1;
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
			goto fail;
	} else {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)num(port_s, 1, 65535));
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
			errno = EINVAL;
			return -1;
		}
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return -1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
			goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return fd;
fail:
	close(fd);
	return -1;
}

/* Write everything; -1 with errno (EPIPE/ECONNRESET: the daemon closed). */
static int
send_all(struct conn *c, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = io_write(c, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_frame(struct conn *c, uint16_t type, uint8_t version, uint32_t len,
    const void *payload, size_t paylen)
{
	struct frame_hdr	hdr;
	uint8_t			hb[FRAME_HDR_LEN];

	hdr.len = len;
	hdr.type = type;
	hdr.version = version;
	hdr.flags = 0;
	hdr.reqid = rnd();
	frame_hdr_encode(&hdr, hb);
	if (send_all(c, hb, sizeof hb) == -1)
		return -1;
	if (paylen > 0 && send_all(c, payload, paylen) == -1)
		return -1;
	return 0;
}

static int
send_json(struct conn *c, uint16_t type, const char *json)
{
	size_t	len = strlen(json);

	return send_frame(c, type, FRAME_VERSION, (uint32_t)len, json, len);
}

static void
hello_text(char *buf, size_t len, int idx)
{
	if (use_unix)
		snprintf(buf, len, "{\"version\":1,\"role\":\"client\"}");
	else if (*token != '\0')
		snprintf(buf, len, "{\"version\":1,\"role\":\"agent\","
		    "\"name\":\"hostile-%d-%d\",\"token\":\"%s\"}",
		    (int)getpid(), idx, token);
	else
		snprintf(buf, len, "{\"version\":1,\"role\":\"agent\","
		    "\"name\":\"hostile-%d-%d\"}", (int)getpid(), idx);
}

/* Say hello and read the daemon's hello back: 0, or -1 if refused. */
static int
say_hello(struct conn *c, int idx)
{
	struct frame_hdr	hdr;
	uint8_t			hb[FRAME_HDR_LEN];
	char			buf[4096];
	size_t			got;
	ssize_t			n;

	hello_text(buf, sizeof buf, idx);
	if (send_json(c, MSG_HELLO, buf) == -1)
		return -1;
	for (got = 0; got < sizeof hb; got += (size_t)n)
		if ((n = io_read(c, hb + got, sizeof hb - got, 0)) <= 0)
			return -1;
	frame_hdr_decode(hb, &hdr);
	if (hdr.len > sizeof buf)
		return -1;
	for (got = 0; got < hdr.len; got += (size_t)n)
		if ((n = io_read(c, buf + got, hdr.len - got, 0)) <= 0)
			return -1;
	return hdr.type == MSG_HELLO ? 0 : -1;
}

/*
 * Send requests and never read a reply.  1: the daemon closed; 2: it held
 * us off; 0: flood_max bytes sent or flood_s seconds spent first; -1: the
 * flood never started (C->how says why).
 */
static int
flood(struct conn *c, int idx)
{
	char		*one, *buf, id[4100], ad[512];
	size_t		 olen, n, off, pos;
	struct pollfd	 pfd;
	int64_t		 end = now_ms() + (int64_t)flood_s * 1000, stalled = 0;
	ssize_t		 w;
	int		 fl;

	if (say_hello(c, idx) == -1) {
		c->how = "hello refused";
		return -1;
	}
	if (use_unix) {
		/* Queries are answered at once, each with the whole queue. */
		one = strdup("{\"what\":\"jobs\"}");
		n = strlen(one);
		olen = FRAME_HDR_LEN + n;
	} else {
		/*
		 * An agent whose one slot is its owner's (so no job is ever
		 * sent here) that reports exits of jobs with long names: each
		 * is acknowledged, name and all.
		 */
		snprintf(ad, sizeof ad, "{\"name\":\"hostile-%d-%d\",\"slots\":"
		    "[{\"id\":1,\"cpus\":1,\"memory_mb\":0,\"state\":\"OWNER\"}],"
		    "\"jobs\":[]}", (int)getpid(), idx);
		if (send_json(c, MSG_AD, ad) == -1) {
			c->how = "ad refused";
			return -1;
		}
		memset(id, 'x', 4000);
		id[4000] = '\0';
		if ((one = malloc(4200)) == NULL)
			return -1;
		snprintf(one, 4200, "{\"job\":\"%s\",\"run\":1}", id);
		n = strlen(one);
		olen = FRAME_HDR_LEN + n;
	}
	/* A chunk of back-to-back frames. */
	if ((buf = malloc(FLOOD_CHUNK + olen)) == NULL)
		return -1;
	for (off = 0; off + olen <= FLOOD_CHUNK; off += olen) {
		struct frame_hdr	hdr = { (uint32_t)n,
		    use_unix ? MSG_QUERY : MSG_EXITED, FRAME_VERSION, 0, 0 };
		hdr.reqid = (uint32_t)(off / olen + 1);
		frame_hdr_encode(&hdr, (uint8_t *)buf + off);
		memcpy(buf + off + FRAME_HDR_LEN, one, n);
	}
	free(one);
	fl = fcntl(c->fd, F_GETFL);
	fcntl(c->fd, F_SETFL, fl | O_NONBLOCK);
	pos = 0;
	for (;;) {
		/* Stop only between frames, or the rest would be a half frame. */
		if (pos == 0 && (c->sent >= flood_max || now_ms() > end)) {
			free(buf);
			return 0;
		}
		w = io_write(c, buf + pos, off - pos);
		if (w > 0) {
			c->sent += (size_t)w;
			pos = (pos + (size_t)w) % off;
			stalled = 0;
			continue;
		}
		if (w == -1 && (errno == EPIPE || errno == ECONNRESET)) {
			c->how = errno == EPIPE ? "EPIPE on write" :
			    "ECONNRESET on write";
			free(buf);
			return 1;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR) {
			c->how = strerror(errno);
			free(buf);
			return -1;
		}
		/*
		 * The daemon is not taking our bytes.  If that lasts, it holds
		 * us off (back-pressure), which bounds its memory as well as a
		 * close would.
		 */
		if (stalled == 0)
			stalled = now_ms();
		else if (now_ms() - stalled > FLOOD_STALL_MS) {
			c->how = "held off: the daemon stopped reading";
			free(buf);
			return 2;
		}
		pfd.fd = c->fd;
		pfd.events = POLLOUT;
		(void)poll(&pfd, 1, 200);
		if (pfd.revents & (POLLHUP | POLLERR)) {
			c->how = "hang-up while flooding";
			free(buf);
			return 1;
		}
	}
}

/* Send one abuse on C; the close is checked later. */
static void
abuse(struct conn *c, int idx)
{
	char		 buf[8192], *deep;
	uint8_t		 g[256];
	size_t		 i, n;
	uint16_t	 big_type = use_unix ? MSG_QUERY : MSG_AD;
	int		 rc = 0;
	static int	 ngarbage;

	switch (c->kind) {
	case K_GARBAGE:
		for (i = 0; i < sizeof g; i++)
			g[i] = (uint8_t)rnd();
		if (ngarbage++ % 2 == 0) {
			/* Bytes from nowhere: not a header at all. */
			if (g[6] == FRAME_VERSION)
				g[6] = FRAME_VERSION + 1;
			rc = send_all(c, g, sizeof g);
		} else {
			/* A good header around garbage for the JSON parser. */
			g[0] = '{';
			rc = send_frame(c, MSG_HELLO, FRAME_VERSION,
			    sizeof g, g, sizeof g);
		}
		break;
	case K_OVERSIZE:
		rc = send_frame(c, MSG_HELLO, FRAME_VERSION, 0xFFFFFFF0u,
		    "{\"version\":1", 12);
		break;
	case K_VERSION:
		hello_text(buf, sizeof buf, idx);
		n = strlen(buf);
		rc = send_frame(c, MSG_HELLO, FRAME_VERSION + 1,
		    (uint32_t)n, buf, n);
		break;
	case K_UNKNOWN_TYPE:
		rc = send_frame(c, 999, FRAME_VERSION, 2, "{}", 2);
		break;
	case K_HALF_HEADER: {
		struct frame_hdr	hdr = { 30, MSG_HELLO, FRAME_VERSION,
		    0, 1 };
		uint8_t			hb[FRAME_HDR_LEN];

		frame_hdr_encode(&hdr, hb);
		rc = send_all(c, hb, FRAME_HDR_LEN / 2);
		break;
	}
	case K_SHORT_PAYLOAD:
		rc = send_frame(c, MSG_HELLO, FRAME_VERSION, 1000,
		    "{\"version\"", 10);
		break;
	case K_TRUNC_JSON:
		snprintf(buf, sizeof buf, "{\"version\":1,\"role\":\"cli");
		rc = send_json(c, MSG_HELLO, buf);
		break;
	case K_DEEP_JSON:
		/* Above hello's maximum length: a type that allows 1 MiB. */
		n = strlen("{\"what\":") + 2 * DEEP_LEVELS + 1;
		if ((deep = malloc(n + 1)) == NULL) {
			c->res = R_ERROR;
			c->how = "out of memory";
			return;
		}
		memcpy(deep, "{\"what\":", 8);
		memset(deep + 8, '[', DEEP_LEVELS);
		memset(deep + 8 + DEEP_LEVELS, ']', DEEP_LEVELS);
		deep[n - 1] = '}';
		deep[n] = '\0';
		rc = send_json(c, big_type, deep);
		free(deep);
		break;
	case K_TRAILING:
		hello_text(buf, sizeof buf, idx);
		strlcat(buf, " {}", sizeof buf);
		rc = send_json(c, MSG_HELLO, buf);
		break;
	case K_BAD_UTF8:
		snprintf(buf, sizeof buf,
		    "{\"version\":1,\"role\":\"agent\",\"name\":\"\xff\xfe\xc0\x80\"}");
		rc = send_json(c, MSG_HELLO, buf);
		break;
	case K_UNKNOWN_MEMBER:
		if (say_hello(c, idx) == -1) {
			c->res = R_ERROR;
			c->how = "hello refused";
			return;
		}
		rc = send_json(c, use_unix ? MSG_QUERY : MSG_HEARTBEAT,
		    use_unix ? "{\"what\":\"jobs\",\"bogus\":1}" :
		    "{\"seq\":1,\"bogus\":2}");
		break;
	case K_PLAIN:
		/* An agent's good hello, in clear, to a TLS port. */
		hello_text(buf, sizeof buf, idx);
		rc = send_json(c, MSG_HELLO, buf);
		break;
	case K_SILENT:
		break;
	case K_FLOOD:
		switch (flood(c, idx)) {
		case 1:
			c->res = R_CLOSED;
			break;
		case 2:
			c->res = R_HELD;
			break;
		case -1:
			c->res = R_ERROR;
			break;
		}
		return;
	default:
		break;
	}
	if (rc == -1) {
		if (errno == EPIPE || errno == ECONNRESET) {
			/* Closed before we finished: that is a close. */
			c->res = R_CLOSED;
			c->how = "closed while sending";
		} else {
			c->res = R_ERROR;
			c->how = strerror(errno);
		}
	}
}

/* Read and discard; 1 once the daemon has closed, 0 if still open. */
static int
drained(struct conn *c)
{
	char	buf[65536];
	ssize_t	n;

	for (;;) {
		n = io_read(c, buf, sizeof buf, 1);
		if (n > 0)
			continue;
		if (n == 0) {
			c->how = "EOF";
			return 1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		c->how = errno == ECONNRESET ? "ECONNRESET" : strerror(errno);
		return 1;
	}
}

int
main(int argc, char **argv)
{
	struct conn	*conns;
	struct pollfd	*pfds;
	enum kind	 only[K_NKINDS];
	char		*list, *word;
	size_t		 nonly = 0, i, k;
	int		 ch, nconn, pending, bad = 0, n;
	int64_t		 t;

	while ((ch = getopt(argc, argv, "F:f:k:Ss:T:t:v")) != -1) {
		switch (ch) {
		case 'F':
			flood_max = (uint64_t)num(optarg, 1, 1ll << 40);
			break;
		case 'f':
			flood_s = (int)num(optarg, 1, 3600);
			break;
		case 'k':
			list = optarg;
			while ((word = strsep(&list, ",")) != NULL) {
				for (k = 0; k < K_NKINDS; k++)
					if (strcmp(word, kinds[k].name) == 0)
						break;
				if (k == K_NKINDS || nonly == K_NKINDS)
					usage();
				only[nonly++] = (enum kind)k;
			}
			break;
		case 'S':
			if ((tls_ctx = SSL_CTX_new(TLS_client_method())) ==
			    NULL)
				return 3;
			SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
			SSL_CTX_set_options(tls_ctx,
			    SSL_OP_IGNORE_UNEXPECTED_EOF);
			break;
		case 's':
			slow_s = (int)num(optarg, 1, 3600);
			break;
		case 'T':
			token = optarg;
			break;
		case 't':
			fast_s = (int)num(optarg, 1, 3600);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 4 && strcmp(argv[0], "tcp") == 0) {
		host = argv[1];
		port_s = argv[2];
		(void)num(port_s, 1, 65535);
	} else if (argc == 3 && strcmp(argv[0], "unix") == 0) {
		use_unix = 1;
		sock_path = argv[1];
	} else
		usage();
	nconn = (int)num(argv[argc - 1], 1, 10000);
	if (use_unix && tls_ctx != NULL)
		usage();
	if (nonly == 0)
		for (k = 0; k < K_NKINDS; k++)
			if ((k != K_PLAIN && k != K_SILENT) ||
			    tls_ctx != NULL)
				only[nonly++] = (enum kind)k;
	for (k = 0; k < nonly; k++)
		if ((only[k] == K_PLAIN || only[k] == K_SILENT) &&
		    tls_ctx == NULL)
			usage();	/* kinds about the TLS: -S */
	signal(SIGPIPE, SIG_IGN);
	rng ^= (uint32_t)getpid();

	conns = calloc((size_t)nconn, sizeof *conns);
	pfds = calloc((size_t)nconn, sizeof *pfds);
	if (conns == NULL || pfds == NULL)
		return 3;
	for (n = 0; n < nconn; n++) {
		struct conn *c = &conns[n];

		c->kind = only[(size_t)n % nonly];
		if ((c->fd = dial()) == -1 || (tls_ctx != NULL &&
		    c->kind != K_PLAIN && c->kind != K_SILENT &&
		    tls_start(c) == -1)) {
			fprintf(stderr, "hostile: connect %s: %s\n", use_unix ?
			    sock_path : host, strerror(errno));
			return 3;
		}
		abuse(c, n);
		c->deadline = now_ms() + 1000 *
		    (int64_t)(kinds[c->kind].slow ? slow_s : fast_s);
		if (verbose)
			fprintf(stderr, "hostile: #%d %s sent%s%s\n", n,
			    kinds[c->kind].name, c->how ? ": " : "",
			    c->how ? c->how : "");
	}

	/* Wait for every close; each connection has its own deadline. */
	for (;;) {
		pending = 0;
		t = now_ms();
		for (n = 0; n < nconn; n++) {
			struct conn *c = &conns[n];

			pfds[n].fd = -1;
			if (c->res != R_PENDING)
				continue;
			if (drained(c)) {
				c->res = R_CLOSED;
				continue;
			}
			if (t > c->deadline) {
				c->res = R_OPEN;
				continue;
			}
			pfds[n].fd = c->fd;
			pfds[n].events = POLLIN;
			pending++;
		}
		if (pending == 0)
			break;
		(void)poll(pfds, (nfds_t)nconn, 100);
	}

	for (k = 0; k < nonly; k++) {
		int	tot = 0, closed = 0, held = 0, open = 0, err = 0;
		size_t	sent = 0;

		/* Summarize each distinct kind once. */
		for (i = 0; i < k; i++)
			if (only[i] == only[k])
				break;
		if (i < k)
			continue;
		for (n = 0; n < nconn; n++) {
			if (conns[n].kind != only[k])
				continue;
			tot++;
			sent += conns[n].sent;
			if (conns[n].res == R_CLOSED)
				closed++;
			else if (conns[n].res == R_HELD)
				held++;
			else if (conns[n].res == R_OPEN) {
				open++;
				fprintf(stderr, "hostile: #%d %s: still open "
				    "after %d s\n", n, kinds[only[k]].name,
				    kinds[only[k]].slow ? slow_s : fast_s);
			} else {
				err++;
				fprintf(stderr, "hostile: #%d %s: %s\n", n,
				    kinds[only[k]].name, conns[n].how ?
				    conns[n].how : "error");
			}
		}
		if (tot == 0)
			continue;
		printf("%-16s %3d conns: %3d closed, %d NOT closed, %d errors",
		    kinds[only[k]].name, tot, closed, open, err);
		if (only[k] == K_FLOOD)
			printf(" (%d held off; %.1f MiB sent)", held,
			    (double)sent / 1048576);
		printf("%s\n", open + err > 0 ? "  FAIL" : "");
		bad += open + err;
	}
	for (n = 0; n < nconn; n++) {
		SSL_free(conns[n].ssl);
		if (conns[n].fd != -1)
			close(conns[n].fd);
	}
	SSL_CTX_free(tls_ctx);
	free(conns);
	free(pfds);
	return bad > 0 ? 1 : 0;
}
