/*
 * local.c: the agent's local unix socket.  Its one request is reclaim:
 * the owner wants the desktop now, for a while.  The caller is who the
 * kernel says (SO_PEERCRED); root, the agent's own user, and anybody
 * logged in on this machine's console (a utmp session on a tty or an X
 * display) may reclaim: the person at the keyboard needs no root.  A
 * reclaim vacates every job at once and keeps the slots OWNER until it
 * ends.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmpx.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "clock.h"
#include "jobs.h"
#include "jsonx.h"
#include "local.h"
#include "log.h"
#include "msg.h"
#include "owner.h"
#include "peer.h"
#include "startd.h"
#include "xmalloc.h"

#define LOCAL_MAX_RECLAIM_MS	(24LL * 3600 * 1000)

struct local_client {
	uid_t	uid;
	int	hello;
};

static struct peer_listener	*local_listener;

/* 1 if UID has a session on this machine's console (tty or X display). */
static int
local_console_user(uid_t uid)
{
	struct utmpx	*u;
	struct passwd	*pw;
	char		 name[sizeof u->ut_user + 1];
	int		 found = 0;

	setutxent();
	while (!found && (u = getutxent()) != NULL) {
		if (u->ut_type != USER_PROCESS)
			continue;
		/* Local lines: ttyN, or an X display (":0"); not pts. */
		if (strncmp(u->ut_line, "tty", 3) != 0 && u->ut_line[0] != ':')
			continue;
		memcpy(name, u->ut_user, sizeof u->ut_user);
		name[sizeof u->ut_user] = '\0';
		if ((pw = getpwnam(name)) != NULL && pw->pw_uid == uid)
			found = 1;
	}
	endutxent();
	return found;
}

static void
local_reclaim(struct peer *p, struct local_client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct json_object	*o;
	int64_t			 ms = jsonx_int(msg, "duration_ms", 0);
	int			 n;

	if (c->uid != 0 && c->uid != geteuid() &&
	    !local_console_user(c->uid)) {
		peer_send_error(p, reqid, "permission denied: only the "
		    "person at this desktop (or root) may reclaim it");
		return;
	}
	if (ms < 0 || ms > LOCAL_MAX_RECLAIM_MS) {
		peer_send_error(p, reqid, "reclaim: duration out of range");
		return;
	}
	owner_reclaim(clock_now_ms() + ms);
	n = jobs_vacate_all("reclaimed by its owner",
	    AGENTMSG_KILL_OWNER);
	jobs_eval();
	log_info("local: uid %u reclaimed the desktop for %lld s, %d job(s) "
	    "vacated", (unsigned)c->uid, (long long)(ms / 1000), n);
	o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int(n));
	peer_send(p, MSG_OK, reqid, o);
	json_object_put(o);
}

static void
local_msg(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg)
{
	struct local_client	*c = peer_data(p);

	if (type == MSG_HELLO) {
		if (c->hello)
			peer_close(p, "second hello");
		else if (peer_hello_accept(p, reqid, msg, "client",
		    "agent") == 0)
			c->hello = 1;
		return;
	}
	if (!c->hello || type != MSG_RECLAIM) {
		peer_close(p, "unexpected message");
		return;
	}
	local_reclaim(p, c, reqid, msg);
}

static void
local_closed(struct peer *p, const char *reason, void *arg)
{
	free(peer_data(p));
}

static void
local_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct bufferevent	*bev;
	struct peer		*p;
	struct local_client	*c;
	struct ucred		 cred;
	socklen_t		 cl = sizeof cred;
	char			 label[64];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == -1 ||
	    (bev = bufferevent_socket_new(st->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->uid = cred.uid;
	snprintf(label, sizeof label, "local uid %u pid %ld",
	    (unsigned)cred.uid, (long)cred.pid);
	p = peer_new(st->base, bev, ROLE_CLIENT, label, local_msg,
	    local_closed, NULL);
	peer_set_data(p, c);
	peer_set_outmax(p, 1024 * 1024);
	peer_set_deadline(p, PEER_HELLO_TIMEOUT);
}

int
local_init(const char *path)
{
	if (path == NULL || *path == '\0')
		return 0;
	if ((local_listener = peer_listen_unix(st->base, path, local_accept,
	    NULL, "agent")) == NULL)
		return -1;
	return 0;
}

void
local_shutdown(void)
{
	peer_unlisten(local_listener);
	local_listener = NULL;
}
