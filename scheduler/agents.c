/*
 * agents.c: links to the agents.  An agent connects over TCP, says hello
 * (name, protocol version, the pool token when one is set), then sends its
 * ad: its slots and the jobs it still holds.  Jobs it holds for their
 * current run are adopted, so a scheduler restart never starts a second
 * copy; anything else it holds is stale and is killed.  Any message
 * renews the agent's lease; a machine silent for longer than the lease
 * goes OFFLINE and its jobs go back to IDLE.
 *
 * Each slot here mirrors one of the agent's slots.  A slot is on the free
 * list only while its agent is connected, it is UNCLAIMED and holds no
 * job of ours and no stale job.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "agents-int.h"
#include "agents.h"
#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "schedd.h"
#include "spool.h"
#include "jobdesc.h"
#include "store.h"
#include "xmalloc.h"


static struct evconnlistener	*agents_listener;

static struct machine *
agents_find(const char *name)
{
	struct machine	*m;

	TAILQ_FOREACH(m, &sd->machines, entry)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

struct machine *
agents_get(const char *name)
{
	struct machine	*m;

	if ((m = agents_find(name)) != NULL)
		return m;
	m = xcalloc(1, sizeof *m);
	m->name = xstrdup(name);
	m->online = 1;
	m->contact = clock_mono_ms();
	m->first_seen = clock_now_ms();
	m->owner_idle_ms = -1;
	m->owner_seen_ms = -1;
	TAILQ_INSERT_TAIL(&sd->machines, m, entry);
	return m;
}

/* 1 if J's machine field names M. */
int
agents_job_on(const struct job *j, const struct machine *m)
{
	const char	*at;

	if (j->machine == NULL || (at = strchr(j->machine, '@')) == NULL)
		return 0;
	return strcmp(at + 1, m->name) == 0;
}

void
agents_free_add(struct slot *s)
{
	if (s->on_free || s->machine->peer == NULL ||
	    s->state != SLOT_UNCLAIMED || s->job != NULL ||
	    s->stale_job[0] != '\0')
		return;
	TAILQ_INSERT_TAIL(&sd->free_slots, s, free_entry);
	s->on_free = 1;
	sd->match_wanted = 1;
	schedd_turn_request();
}

void
agents_free_del(struct slot *s)
{
	if (!s->on_free)
		return;
	TAILQ_REMOVE(&sd->free_slots, s, free_entry);
	s->on_free = 0;
}

void
agents_slots_free(struct machine *m)
{
	int	i;

	for (i = 0; i < m->nslots; i++) {
		agents_free_del(m->slots[i]);
		if (m->slots[i]->job != NULL)
			m->slots[i]->job->slot = NULL;
		free(m->slots[i]);
	}
	free(m->slots);
	m->slots = NULL;
	m->nslots = 0;
}

void
agents_machine_store(struct machine *m)
{
	struct store_machine	sm;

	sm.name = m->name;
	sm.nslots = m->nslots;
	sm.first_seen = m->first_seen;
	sm.last_seen = clock_now_ms();
	sm.state = m->online ? "online" : "offline";
	if (commit_begin() == -1 || store_machine_put(sd->store, &sm) == -1)
		log_warnx("agent %s: cannot record the machine", m->name);
}

void
agents_expect(struct job *j)
{
	const char	*at;

	if (j->machine == NULL || (at = strchr(j->machine, '@')) == NULL)
		return;
	(void)agents_get(at + 1);
}

/* Every job we hold on M that matches no live slot goes back to IDLE. */
void
agents_requeue_orphans(struct machine *m, const char *why)
{
	struct job	*j, *next;

	RB_FOREACH_SAFE(j, job_tree, &sd->jobs, next) {
		if (j->slot == NULL && agents_job_on(j, m) &&
		    (j->state == JOB_RUNNING || j->state == JOB_SUSPENDED ||
		    j->state == JOB_TRANSFERRING_OUTPUT ||
		    j->state == JOB_REMOVED))
			queue_requeue(j, why);
	}
}

static void
agents_offline(struct machine *m, const char *why)
{
	int	i;

	log_info("agent %s: offline (%s)", m->name, why);
	m->online = 0;
	for (i = 0; i < m->nslots; i++) {
		struct slot *s = m->slots[i];
		if (s->job != NULL) {
			s->job->slot = NULL;
			s->job = NULL;
		}
		s->stale_job[0] = '\0';
		s->state = SLOT_OFFLINE;
		agents_free_del(s);
	}
	agents_requeue_orphans(m, why);
	agents_machine_store(m);
}

static struct json_object *
agents_jobrun(const struct job *j)
{
	struct json_object	*o;
	char			 id[32];

	snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	o = json_object_new_object();
	json_object_object_add(o, "job", json_object_new_string(id));
	json_object_object_add(o, "run", json_object_new_int64(j->run));
	return o;
}

static void
agents_send_kill_ex(struct machine *m, const char *job, uint32_t run,
    int vacate)
{
	struct json_object	*o;

	if (m->peer == NULL)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "job", json_object_new_string(job));
	json_object_object_add(o, "run", json_object_new_int64(run));
	if (vacate)
		json_object_object_add(o, "vacate",
		    json_object_new_boolean(1));
	commit_later(m->peer, MSG_KILL, 0, o);
}

void
agents_send_kill(struct machine *m, const char *job, uint32_t run)
{
	agents_send_kill_ex(m, job, run, 0);
}

void
agents_start(struct slot *s, struct job *j)
{
	struct json_object	*o, *desc;
	struct jobdesc		 d;
	const char		*errstr;

	agents_free_del(s);
	s->state = SLOT_CLAIMED;
	s->job = j;
	if (jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == -1) {
		/* Our own text: it was checked at submit. */
		fatalx("job %u.%u: stored ad does not parse: %s", j->cluster,
		    j->proc, errstr);
	}
	o = agents_jobrun(j);
	json_object_object_add(o, "slot", json_object_new_int(s->id));
	json_object_object_add(o, "owner", json_object_new_string(j->owner));
	json_object_object_add(o, "uid", json_object_new_int64(j->uid));
	memset(&d, 0, sizeof d);
	if (jobdesc_from_json(desc, &d, &errstr) == 0)
		spool_start(j, s->machine, &d, o);
	jobdesc_free(&d);
	json_object_object_add(o, "desc", desc);
	commit_later(s->machine->peer, MSG_START, 0, o);
}

void
agents_kill(struct slot *s, struct job *j)
{
	char	id[32];

	snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	agents_send_kill(s->machine, id, j->run);
}

void
agents_vacate(struct slot *s, struct job *j)
{
	char	id[32];

	snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	agents_send_kill_ex(s->machine, id, j->run, 1);
}

void
agents_slot_release(struct slot *s)
{
	if (s->job != NULL)
		spool_cancel(s->machine, s->job);
	/* Its state is the agent's word (slot message or exit report). */
	s->job = NULL;
	agents_free_add(s);
}

static int
agents_name_ok(const char *name)
{
	size_t	i, n = strlen(name);

	if (n == 0 || n > AGENT_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '_' && name[i] != '.')
			return 0;
	return 1;
}

static int
agents_token_ok(const char *given)
{
	const char	*want = cfg_str(sd->cfg, "token");
	size_t		 i, n;
	unsigned char	 diff = 0;

	if (want == NULL || *want == '\0')
		return 1;
	if (given == NULL || strlen(given) != strlen(want))
		return 0;
	n = strlen(want);
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(want[i] ^ given[i]);
	return diff == 0;
}

static void
agents_hello(struct peer *p, uint32_t reqid, struct json_object *msg)
{
	struct json_object	*o;
	const char		*name = jsonx_str(msg, "name", "");
	char			 label[128];

	if (jsonx_int(msg, "version", 0) != 1 ||
	    strcmp(jsonx_str(msg, "role", ""), "agent") != 0) {
		peer_send_error(p, reqid, "unsupported version or role");
		peer_close_after_flush(p, "bad hello");
		return;
	}
	if (!agents_name_ok(name)) {
		peer_send_error(p, reqid, "bad agent name");
		peer_close_after_flush(p, "bad agent name");
		return;
	}
	if (!agents_token_ok(jsonx_str(msg, "token", NULL))) {
		peer_send_error(p, reqid, "bad pool token");
		peer_close_after_flush(p, "bad pool token");
		return;
	}
	snprintf(label, sizeof label, "agent %s (%s)", name, peer_label(p));
	peer_set_label(p, label);
	peer_set_deadline(p, 0);
	/*
	 * Remember the name (and after its NUL the filesystem_domain) until
	 * the ad binds us to a machine.
	 */
	{
		const char *dom = jsonx_str(msg, "filesystem_domain", "");
		size_t nl = strlen(name), dl = strlen(dom);
		char *data = xmalloc(nl + dl + 2);

		memcpy(data, name, nl + 1);
		memcpy(data + nl + 1, dom, dl + 1);
		peer_set_data(p, data);
	}
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "role", json_object_new_string("schedd"));
	json_object_object_add(o, "lease_ms",
	    json_object_new_int64(sd->lease_ms));
	peer_send(p, MSG_HELLO, reqid, o);
	json_object_put(o);
}

struct machine *
agents_of(struct peer *p)
{
	struct machine	*m;

	TAILQ_FOREACH(m, &sd->machines, entry)
		if (m->peer == p)
			return m;
	return NULL;
}

void
agents_order(struct machine *m, uint16_t type, struct json_object *o)
{
	if (m->peer != NULL)
		peer_send(m->peer, type, 0, o);
}

struct machine *
agents_machine(const char *name)
{
	return agents_find(name);
}

static void
agents_msg(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg)
{
	struct machine	*m = agents_of(p);

	if (m != NULL)
		m->contact = clock_mono_ms();
	switch (type) {
	case MSG_HELLO:
		if (m != NULL || peer_data(p) != NULL) {
			peer_close(p, "second hello");
			return;
		}
		agents_hello(p, reqid, msg);
		return;
	case MSG_AD:
		agents_ad(p, msg);
		return;
	}
	if (m == NULL) {
		peer_close(p, "message before hello and ad");
		return;
	}
	switch (type) {
	case MSG_HEARTBEAT:
		agents_heartbeat(m, msg);
		break;
	case MSG_STARTED:
		agents_started(m, msg);
		break;
	case MSG_EXITED:
		agents_exited(m, msg);
		break;
	case MSG_SLOT:
		agents_slot(m, msg);
		break;
	case MSG_FILE:
		spool_file(m, reqid, msg);
		break;
	case MSG_DATA:
		spool_data(m, reqid, raw, rawlen);
		break;
	case MSG_FILE_ACK:
		if (!jsonx_bool(msg, "ok", 0))
			log_warnx("agent %s: job %s: file %s: %s", m->name,
			    jsonx_str(msg, "job", ""),
			    jsonx_str(msg, "path", ""),
			    jsonx_str(msg, "error", ""));
		break;
	case MSG_BYE:
		log_info("agent %s: says goodbye (%s)", m->name,
		    jsonx_str(msg, "reason", ""));
		peer_close(p, NULL);
		agents_offline(m, "the agent left");
		break;
	case MSG_ERROR:
		log_warnx("agent %s: error: %s", m->name,
		    jsonx_str(msg, "error", ""));
		break;
	default:
		peer_close(p, "unexpected message type");
		break;
	}
}

static void
agents_closed(struct peer *p, const char *reason, void *arg)
{
	struct machine	*m = agents_of(p);
	int		 i;

	commit_forget_peer(p);
	if (m == NULL) {
		free(peer_data(p));
		return;
	}
	/* Its jobs keep running until the lease says otherwise. */
	spool_link_closed(m);
	m->peer = NULL;
	for (i = 0; i < m->nslots; i++)
		agents_free_del(m->slots[i]);
	log_info("agent %s: disconnected; lease runs %lld s", m->name,
	    (long long)(sd->lease_ms / 1000));
}

static void
agents_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct bufferevent	*bev;
	struct peer		*p;
	char			 host[64], label[96];
	int			 one = 1;

	host[0] = '\0';
	if (sa->sa_family == AF_INET)
		evutil_inet_ntop(AF_INET,
		    &((struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
	else if (sa->sa_family == AF_INET6)
		evutil_inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)sa)->sin6_addr, host,
		    sizeof host);
	snprintf(label, sizeof label, "tcp %s fd %d", host, (int)fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	bev = bufferevent_socket_new(sd->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	p = peer_new(sd->base, bev, ROLE_AGENT, label, agents_msg,
	    agents_closed, NULL);
	peer_set_deadline(p, PEER_HELLO_TIMEOUT);
}

/* Out of descriptors: refuse what waits, rest, log once in a while. */
static void
agents_accept_error(struct evconnlistener *l, void *arg)
{
	peer_accept_error(l, "agents", 0);
}

/* Write the address we listen on where pools and tests can find it. */
static void
agents_write_addr(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 host[64], path[1024], tmp[1100], text[96];
	int			 port, out;
	FILE			*f;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		evutil_inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		port = ntohs(sin->sin_port);
		snprintf(text, sizeof text, "%s:%d\n", host, port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		evutil_inet_ntop(AF_INET6, &sin6->sin6_addr, host,
		    sizeof host);
		port = ntohs(sin6->sin6_port);
		snprintf(text, sizeof text, "[%s]:%d\n", host, port);
	}
	log_info("agents: listening on %.*s", (int)strlen(text) - 1, text);
	snprintf(path, sizeof path, "%s/listen.addr", sd->state_dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    (f = fdopen(out, "w")) == NULL) {
		log_warn("%s", tmp);
		if (out != -1)
			close(out);
		return;
	}
	fputs(text, f);
	fflush(f);
	fsync(fileno(f));
	fclose(f);
	if (rename(tmp, path) == -1)
		log_warn("rename %s", path);
}

int
agents_init(void)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	char			 host[256];
	const char		*errstr;
	int			 sl, port;

	memset(&ss, 0, sizeof ss);
	if (cfg_parse_hostport(cfg_str(sd->cfg, "listen"), host, sizeof host,
	    &port, &errstr) == -1) {
		log_warnx("listen: %s", errstr);
		return -1;
	}
	/* Numeric only: the daemon never blocks on a name lookup. */
	if (evutil_inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sl = sizeof *sin;
	} else if (evutil_inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sl = sizeof *sin6;
	} else {
		log_warnx("listen: %s: expected a numeric address", host);
		return -1;
	}
	agents_listener = evconnlistener_new_bind(sd->base, agents_accept,
	    NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC, 128, (struct sockaddr *)&ss, sl);
	if (agents_listener == NULL) {
		log_warn("listen %s", cfg_str(sd->cfg, "listen"));
		return -1;
	}
	evconnlistener_set_error_cb(agents_listener, agents_accept_error);
	agents_write_addr(evconnlistener_get_fd(agents_listener));
	return 0;
}

void
agents_shutdown(void)
{
	struct machine	*m;

	if (agents_listener != NULL)
		evconnlistener_free(agents_listener);
	agents_listener = NULL;
	while ((m = TAILQ_FIRST(&sd->machines)) != NULL) {
		if (m->peer != NULL)
			peer_close(m->peer, NULL);
		agents_slots_free(m);
		spool_link_closed(m);
		TAILQ_REMOVE(&sd->machines, m, entry);
		free(m->fs_domain);
		free(m->name);
		free(m);
	}
}

void
agents_tick(int64_t now)
{
	struct machine	*m;

	TAILQ_FOREACH(m, &sd->machines, entry) {
		if (!m->online || now - m->contact <= sd->lease_ms)
			continue;
		if (m->peer != NULL)
			peer_close(m->peer, "missed its lease");
		agents_offline(m, "missed its lease");
	}
}

void
agents_walk(void (*cb)(struct machine *, void *), void *arg)
{
	struct machine	*m;

	TAILQ_FOREACH(m, &sd->machines, entry)
		cb(m, arg);
}
