/*
 * ssh.c: `cq -H ssh://[USER@]HOST[:PORT]` over libssh2.  One session per
 * process, opened at the first channel and closed at exit; each client
 * connection is one channel on it running `cq proxy` (cmd-proxy.c) on the
 * far side, so the scheduler there sees the SSH login as the peer.
 *
 * The host key is checked as OpenSSH does, before anything is sent
 * (ssh-known.c): an unknown host or a different key ends the connection
 * and never goes on.  Authentication tries the ssh-agent (SSH_AUTH_SOCK) and then the key
 * files ~/.ssh/id_ed25519, id_ecdsa and id_rsa without a passphrase; no
 * password is ever asked for.  Everything blocks (this is the CLI); the
 * handshake and authentication are bounded by SSH_SETUP_TIMEOUT.  Linked
 * into cq-ssh only (main-ssh.c); called by client.c (frames over a
 * channel, through struct client_ssh) and main-ssh.c (ssh_relay for
 * commands that must run on the far side).
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "ssh.h"
#include "ssh-known.h"
#include "xmalloc.h"

#define SSH_SETUP_TIMEOUT	30	/* s: connect, handshake, auth */
#define SSH_STDERR_MAX		4096	/* bytes of remote stderr kept */

struct ssh_sess {
	LIBSSH2_SESSION	*s;
	int		 fd;
	char		 url[1024];
	char		 user[256];
	char		 host[256];
	int		 port;
	char		 kname[300];	/* HOST or [HOST]:PORT */
};

struct ssh_chan {
	struct ssh_sess	*sess;
	LIBSSH2_CHANNEL	*ch;
	char		 err[2048];
};

static struct ssh_sess	*ssh_the_sess;

static const char *
ssh_last_error(LIBSSH2_SESSION *s)
{
	char	*msg = NULL;

	libssh2_session_last_error(s, &msg, NULL, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown error";
}

/* Split URL into user, host and port. */
static int
ssh_url_parse(const char *url, char *user, size_t ulen, char *host,
    size_t hlen, int *port, const char **errstr)
{
	const char	*p, *at, *h, *hend, *colon;
	char		 pbuf[16];
	size_t		 n;

	*errstr = NULL;
	if (strncmp(url, "ssh://", 6) != 0) {
		*errstr = "expected ssh://[USER@]HOST[:PORT]";
		return -1;
	}
	p = url + 6;
	for (h = p; *h != '\0'; h++)
		if ((unsigned char)*h <= ' ' || *h == 0x7f || *h == '/' ||
		    *h == '\\' || *h == '\'' || *h == '"') {
			*errstr = "a character that does not belong in "
			    "ssh://[USER@]HOST[:PORT]";
			return -1;
		}
	user[0] = '\0';
	if ((at = strchr(p, '@')) != NULL) {
		n = (size_t)(at - p);
		if (n == 0 || n >= ulen || memchr(p, ':', n) != NULL) {
			*errstr = "bad user name";
			return -1;
		}
		memcpy(user, p, n);
		user[n] = '\0';
		p = at + 1;
	}
	if (*p == '[') {
		h = p + 1;
		if ((hend = strchr(h, ']')) == NULL) {
			*errstr = "missing ']' after an IPv6 address";
			return -1;
		}
		colon = hend[1] == ':' ? hend + 1 : NULL;
		if (hend[1] != '\0' && colon == NULL) {
			*errstr = "unexpected text after ']'";
			return -1;
		}
	} else {
		h = p;
		colon = strchr(p, ':');
		hend = colon != NULL ? colon : p + strlen(p);
	}
	n = (size_t)(hend - h);
	if (n == 0 || n >= hlen || h[0] == '-' || memchr(h, '@', n) != NULL) {
		*errstr = "bad host name";
		return -1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	*port = 22;
	if (colon != NULL) {
		if (strlcpy(pbuf, colon + 1, sizeof pbuf) >= sizeof pbuf) {
			*errstr = "bad port";
			return -1;
		}
		*port = (int)strtonum(pbuf, 1, 65535, errstr);
		if (*errstr != NULL) {
			*errstr = "bad port";
			return -1;
		}
	}
	return 0;
}

int
ssh_url_check(const char *url, const char **errstr)
{
	char	user[256], host[256];
	int	port;

	return ssh_url_parse(url, user, sizeof user, host, sizeof host, &port,
	    errstr);
}

int
ssh_quote(char *buf, size_t len, const char *s)
{
	size_t	o = 0;

	/* 'it'\''s': each ' closes, escapes and reopens. */
	if (len < 3)
		return -1;
	buf[o++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			if (o + 4 >= len)
				return -1;
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			if (o + 1 >= len)
				return -1;
			buf[o++] = *s;
		}
	}
	if (o + 2 > len)
		return -1;
	buf[o++] = '\'';
	buf[o] = '\0';
	return 0;
}

/* A blocking TCP connection to HOST:PORT within SSH_SETUP_TIMEOUT. */
static int
ssh_tcp_connect(struct ssh_sess *ss)
{
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd;
	char		 pbuf[16];
	socklen_t	 sl;
	int		 fd = -1, rc, err = 0, fl, one = 1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(pbuf, sizeof pbuf, "%d", ss->port);
	if ((rc = getaddrinfo(ss->host, pbuf, &hints, &res)) != 0) {
		fprintf(stderr, "cq: %s: cannot resolve %s: %s\n", ss->url,
		    ss->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			err = 0;
		else if (errno != EINPROGRESS)
			err = errno;
		else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rc = poll(&pfd, 1, SSH_SETUP_TIMEOUT * 1000);
			sl = sizeof err;
			if (rc == 0)
				err = ETIMEDOUT;
			else if (rc == -1)
				err = errno;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &sl) == -1)
				err = errno;
		}
		if (err == 0) {
			fcntl(fd, F_SETFL, fl);
			/* Small requests and replies: no Nagle delay. */
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof one);
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fprintf(stderr, "cq: %s: cannot connect to %s port %d: %s\n",
		    ss->url, ss->host, ss->port, strerror(err));
	return fd;
}

static void
ssh_tried_add(char *tried, size_t len, const char *what)
{
	if (tried[0] != '\0')
		strlcat(tried, ", ", len);
	strlcat(tried, what, len);
}

static int
ssh_auth_agent(struct ssh_sess *ss, char *tried, size_t tlen)
{
	LIBSSH2_AGENT			*agent;
	struct libssh2_agent_publickey	*id, *prev = NULL;
	char				 what[128];
	int				 n = 0, ok = 0;

	if ((agent = libssh2_agent_init(ss->s)) == NULL)
		return -1;
	if (libssh2_agent_connect(agent) != 0 ||
	    libssh2_agent_list_identities(agent) != 0) {
		snprintf(what, sizeof what, "ssh-agent (%s)",
		    ssh_last_error(ss->s));
		ssh_tried_add(tried, tlen, what);
		libssh2_agent_free(agent);
		return -1;
	}
	while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
		n++;
		if (libssh2_agent_userauth(agent, ss->user, id) == 0) {
			ok = 1;
			break;
		}
		prev = id;
	}
	if (!ok) {
		snprintf(what, sizeof what, "ssh-agent (%d key%s)", n,
		    n == 1 ? "" : "s");
		ssh_tried_add(tried, tlen, what);
	}
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return ok ? 0 : -1;
}

/*
 * 1 if the private key file at PATH has a passphrase: PEM's "ENCRYPTED"
 * header, or an OpenSSH key whose cipher is not "none".
 */
static int
ssh_key_encrypted(const char *path)
{
	FILE		*f;
	char		 line[512], b64[256] = "";
	unsigned char	 raw[200];
	int		 in = 0, n, enc = 0;
	uint32_t	 clen;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "ENCRYPTED") != NULL)
			enc = 1;
		if (strncmp(line, "-----BEGIN OPENSSH PRIVATE KEY", 30) == 0)
			in = 1;
		else if (in && strlen(b64) < 200) {
			line[strcspn(line, "\r\n")] = '\0';
			strlcat(b64, line, sizeof b64);
		}
	}
	fclose(f);
	/* "openssh-key-v1\0", then the cipher's name as a string. */
	n = (int)strlen(b64) / 4 * 4;
	b64[n] = '\0';
	if (n >= 40 && EVP_DecodeBlock(raw, (unsigned char *)b64, n) >= 23 &&
	    memcmp(raw, "openssh-key-v1", 15) == 0) {
		clen = (uint32_t)raw[15] << 24 | (uint32_t)raw[16] << 16 |
		    (uint32_t)raw[17] << 8 | raw[18];
		if (clen != 4 || memcmp(raw + 19, "none", 4) != 0)
			enc = 1;
	}
	return enc;
}

static int
ssh_auth_files(struct ssh_sess *ss, const char *home, char *tried,
    size_t tlen)
{
	static const char	*names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	char			 priv[PATH_MAX], pub[PATH_MAX + 8];
	char			 what[PATH_MAX + 256];
	size_t			 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(priv, sizeof priv, "%s/.ssh/%s", home, names[i]);
		snprintf(pub, sizeof pub, "%s.pub", priv);
		if (access(priv, F_OK) == -1)
			continue;
		if (libssh2_userauth_publickey_fromfile_ex(ss->s, ss->user,
		    (unsigned int)strlen(ss->user),
		    access(pub, R_OK) == 0 ? pub : NULL, priv, NULL) == 0)
			return 0;
		if (ssh_key_encrypted(priv))
			snprintf(what, sizeof what, "%s (it has a passphrase: "
			    "add it to the ssh-agent)", priv);
#if LIBSSH2_VERSION_NUM < 0x010b00
		else if (strcmp(names[i], "id_rsa") == 0)
			snprintf(what, sizeof what, "%s (%s; libssh2 %s signs "
			    "RSA with SHA-1, which OpenSSH 8.8 and later refuse:"
			    " use an ed25519 or ecdsa key)", priv,
			    ssh_last_error(ss->s), LIBSSH2_VERSION);
#endif
		else
			snprintf(what, sizeof what, "%s (%s)", priv,
			    ssh_last_error(ss->s));
		ssh_tried_add(tried, tlen, what);
	}
	return -1;
}

static int
ssh_auth(struct ssh_sess *ss, const char *home)
{
	const char	*methods, *sock;
	char		 tried[2048] = "";

	methods = libssh2_userauth_list(ss->s, ss->user,
	    (unsigned int)strlen(ss->user));
	if (methods == NULL) {
		if (libssh2_userauth_authenticated(ss->s))
			return 0;
		fprintf(stderr, "cq: %s: %s\n", ss->url,
		    ssh_last_error(ss->s));
		return -1;
	}
	if (strstr(methods, "publickey") != NULL) {
		if ((sock = getenv("SSH_AUTH_SOCK")) != NULL && *sock != '\0' &&
		    ssh_auth_agent(ss, tried, sizeof tried) == 0)
			return 0;
		if (ssh_auth_files(ss, home, tried, sizeof tried) == 0)
			return 0;
	}
	if (tried[0] == '\0')
		snprintf(tried, sizeof tried, "no ssh-agent and no key in "
		    "%s/.ssh (id_ed25519, id_ecdsa, id_rsa)", home);
	fprintf(stderr, "cq: %s: authentication as %s failed: tried %s; the "
	    "server accepts: %s (cq asks for no passwords)\n", ss->url,
	    ss->user, tried, methods);
	return -1;
}

static void
ssh_sess_free(struct ssh_sess *ss)
{
	if (ss == NULL)
		return;
	if (ss->s != NULL) {
		libssh2_session_disconnect(ss->s, "cq done");
		libssh2_session_free(ss->s);
	}
	if (ss->fd != -1)
		close(ss->fd);
	free(ss);
}

static void
ssh_atexit(void)
{
	ssh_sess_free(ssh_the_sess);
	ssh_the_sess = NULL;
	libssh2_exit();
}

static const char *
ssh_home(void)
{
	const char	*h;
	struct passwd	*pw;

	if ((h = getenv("HOME")) != NULL && *h != '\0')
		return h;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_dir;
	return "/";
}

/* Connect, verify the host and authenticate; NULL with a message. */
static struct ssh_sess *
ssh_sess_open(const char *url)
{
	struct ssh_sess	*ss;
	struct ssh_known *k = NULL;
	struct passwd	*pw;
	const char	*errstr, *u, *home = ssh_home();

	ss = xcalloc(1, sizeof *ss);
	ss->fd = -1;
	strlcpy(ss->url, url, sizeof ss->url);
	if (ssh_url_parse(url, ss->user, sizeof ss->user, ss->host,
	    sizeof ss->host, &ss->port, &errstr) == -1) {
		fprintf(stderr, "cq: %s: %s\n", url, errstr);
		goto fail;
	}
	if (ss->user[0] == '\0') {
		if ((u = getenv("USER")) == NULL || *u == '\0')
			u = (pw = getpwuid(getuid())) != NULL ? pw->pw_name :
			    NULL;
		if (u == NULL || strlcpy(ss->user, u, sizeof ss->user) >=
		    sizeof ss->user) {
			fprintf(stderr, "cq: %s: no user name (give "
			    "ssh://USER@HOST)\n", url);
			goto fail;
		}
	}
	if (ss->port == 22)
		snprintf(ss->kname, sizeof ss->kname, "%s", ss->host);
	else
		snprintf(ss->kname, sizeof ss->kname, "[%s]:%d", ss->host,
		    ss->port);
	if (libssh2_init(0) != 0) {
		fprintf(stderr, "cq: %s: libssh2_init failed\n", url);
		goto fail;
	}
	if ((ss->s = libssh2_session_init()) == NULL) {
		fprintf(stderr, "cq: %s: cannot make an SSH session\n", url);
		goto fail;
	}
	libssh2_session_set_blocking(ss->s, 1);
	libssh2_session_set_timeout(ss->s, SSH_SETUP_TIMEOUT * 1000L);
	if ((k = ssh_known_new(ss->s, url, ss->kname, home)) == NULL ||
	    ssh_known_prefs(k) == -1)
		goto fail;
	if ((ss->fd = ssh_tcp_connect(ss)) == -1)
		goto fail;
	if (libssh2_session_handshake(ss->s, ss->fd) != 0) {
		fprintf(stderr, "cq: %s: SSH handshake failed: %s%s%s\n", url,
		    ssh_last_error(ss->s),
		    libssh2_session_last_errno(ss->s) ==
		    LIBSSH2_ERROR_KEX_FAILURE ? " (no algorithm in common "
		    "with the server; with an RSA-only host libssh2 " : "",
		    libssh2_session_last_errno(ss->s) ==
		    LIBSSH2_ERROR_KEX_FAILURE ? LIBSSH2_VERSION " has none: "
		    "see docs/ssh.md)" : "");
		goto fail;
	}
	if (ssh_known_check(k) == -1 || ssh_auth(ss, home) == -1)
		goto fail;
	ssh_known_free(k);
	/* Requests may take long (a big submit): no limit from here on. */
	libssh2_session_set_timeout(ss->s, 0);
	return ss;

fail:
	ssh_known_free(k);
	ssh_sess_free(ss);
	return NULL;
}

struct ssh_chan *
ssh_exec(const char *url, const char *cmd, int quiet)
{
	struct ssh_chan	*c;
	LIBSSH2_CHANNEL	*ch;
	int		 fd, saved;

	if (ssh_the_sess == NULL) {
		/* Quiet (the shell's completion): the messages go nowhere. */
		if (quiet && (fd = open("/dev/null", O_WRONLY)) != -1) {
			saved = dup(STDERR_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
			ssh_the_sess = ssh_sess_open(url);
			if (saved != -1) {
				dup2(saved, STDERR_FILENO);
				close(saved);
			}
		} else
			ssh_the_sess = ssh_sess_open(url);
		if (ssh_the_sess == NULL)
			return NULL;
		atexit(ssh_atexit);
	}
	if ((ch = libssh2_channel_open_session(ssh_the_sess->s)) == NULL ||
	    libssh2_channel_exec(ch, cmd) != 0) {
		if (!quiet)
			fprintf(stderr, "cq: %s: cannot run '%s': %s\n", url,
			    cmd, ssh_last_error(ssh_the_sess->s));
		if (ch != NULL)
			libssh2_channel_free(ch);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->sess = ssh_the_sess;
	c->ch = ch;
	return c;
}

/* The channel ended: collect its stderr and exit status into c->err. */
static void
ssh_chan_ended(struct ssh_chan *c)
{
	char	 buf[SSH_STDERR_MAX + 1], tmp[1024], *line, *nl;
	size_t	 len = 0;
	ssize_t	 n;
	int	 status;

	while ((n = libssh2_channel_read_stderr(c->ch, tmp, sizeof tmp)) > 0) {
		if (len + (size_t)n > SSH_STDERR_MAX)
			n = (ssize_t)(SSH_STDERR_MAX - len);
		memcpy(buf + len, tmp, (size_t)n);
		len += (size_t)n;
	}
	buf[len] = '\0';
	libssh2_channel_close(c->ch);
	libssh2_channel_wait_closed(c->ch);
	status = libssh2_channel_get_exit_status(c->ch);
	/* The first line that says something. */
	for (line = buf; *line == '\n' || *line == ' '; line++)
		;
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	if (status == 127)
		snprintf(c->err, sizeof c->err, "%s: no cq on the PATH of %s "
		    "there (the remote shell said: %.300s)", c->sess->url,
		    c->sess->user, *line != '\0' ? line : "nothing");
	else if (*line != '\0')
		snprintf(c->err, sizeof c->err, "%s: %.500s", c->sess->url,
		    line);
	else if (status == 0)
		snprintf(c->err, sizeof c->err, "%s: the scheduler closed the "
		    "connection", c->sess->url);
	else
		snprintf(c->err, sizeof c->err, "%s: cq proxy there exited "
		    "with status %d", c->sess->url, status);
}

int
ssh_write(struct ssh_chan *c, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = libssh2_channel_write(c->ch, p, len)) < 0) {
			if (libssh2_channel_eof(c->ch))
				ssh_chan_ended(c);
			else
				snprintf(c->err, sizeof c->err, "%s: %s",
				    c->sess->url, ssh_last_error(c->sess->s));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ssh_read(struct ssh_chan *c, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = libssh2_channel_read(c->ch, p, len);
		if (n < 0) {
			snprintf(c->err, sizeof c->err, "%s: %s",
			    c->sess->url, ssh_last_error(c->sess->s));
			return -1;
		}
		/* EOF (libssh2_channel_eof() says 0 while stderr waits). */
		if (n == 0) {
			ssh_chan_ended(c);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *
ssh_chan_error(struct ssh_chan *c)
{
	return c->err[0] != '\0' ? c->err : "SSH channel error";
}

/* Wait until the session's socket is ready the way libssh2 needs. */
static void
ssh_wait_socket(struct ssh_sess *ss)
{
	struct pollfd	pfd;
	int		dir;

	pfd.fd = ss->fd;
	pfd.events = 0;
	pfd.revents = 0;
	dir = libssh2_session_block_directions(ss->s);
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		pfd.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		pfd.events |= POLLOUT;
	if (pfd.events == 0)
		pfd.events = POLLIN;
	poll(&pfd, 1, 1000);
}

int
ssh_relay(struct ssh_chan *c)
{
	char	 buf[16384];
	ssize_t	 n;
	int	 i, done[2] = { 0, 0 }, busy, status;
	FILE	*to;

	/* The command reads nothing from us. */
	libssh2_channel_send_eof(c->ch);
	libssh2_session_set_blocking(c->sess->s, 0);
	while (!done[0] || !done[1]) {
		busy = 0;
		for (i = 0; i < 2; i++) {
			if (done[i])
				continue;
			n = i == 0 ? libssh2_channel_read(c->ch, buf,
			    sizeof buf) : libssh2_channel_read_stderr(c->ch,
			    buf, sizeof buf);
			to = i == 0 ? stdout : stderr;
			if (n > 0) {
				busy = 1;
				if (fwrite(buf, 1, (size_t)n, to) !=
				    (size_t)n)
					goto fail;
				fflush(to);
			} else if (n == 0)
				done[i] = 1;
			else if (n != LIBSSH2_ERROR_EAGAIN) {
				fprintf(stderr, "cq: %s: %s\n", c->sess->url,
				    ssh_last_error(c->sess->s));
				goto fail;
			}
		}
		if (!busy && (!done[0] || !done[1]))
			ssh_wait_socket(c->sess);
	}
	libssh2_session_set_blocking(c->sess->s, 1);
	libssh2_channel_close(c->ch);
	libssh2_channel_wait_closed(c->ch);
	status = libssh2_channel_get_exit_status(c->ch);
	if (status == 127) {
		fprintf(stderr, "cq: %s: no cq on the PATH of %s there\n",
		    c->sess->url, c->sess->user);
		return -1;
	}
	return status < 0 || status > 255 ? 255 : status;

fail:
	libssh2_session_set_blocking(c->sess->s, 1);
	return -1;
}

void
ssh_chan_close(struct ssh_chan *c)
{
	if (c == NULL)
		return;
	libssh2_channel_close(c->ch);
	libssh2_channel_free(c->ch);
	free(c);
}
