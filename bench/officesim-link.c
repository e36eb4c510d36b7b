/*
 * officesim-link.c: the simulated agents' connections.  Each agent is
 * one TCP connection (plain, or TLS pinned as the real agent's) wrapped
 * in a common/peer.c peer: it says hello with the pool token (the
 * scheduler answers with a credential, kept for reconnects), sends its
 * ad and a heartbeat at once, then a heartbeat (with its seq as request
 * id, as startd/link.c does) every lease/4.  Start orders, kills and
 * exit acknowledgements are decoded with agentmsg*.c; slot moves,
 * started and exited reports are encoded with it.  Connections leave
 * from 127.0.0.2, 127.0.0.3, ... (sim->o.sources addresses, bound with
 * IP_BIND_ADDRESS_NO_PORT), so that 50,000 of them are not held to one
 * address's ephemeral ports, and at most sim->o.connects are in flight.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "agentmsg.h"
#include "cfg.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "tls.h"
#include "xmalloc.h"

#include "officesim.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT	24
#endif

static struct sockaddr_in	link_dst;
static int			link_dst_ok;

static void	link_connect(struct sim_agent *);

static void
link_send(struct sim_agent *a, uint16_t type, struct json_object *o)
{
	if (a->peer != NULL && a->link == LINK_READY)
		peer_send(a->peer, type, 0, o);
}

void
link_send_am(struct sim_agent *a, const struct agentmsg *am)
{
	struct json_object	*o;

	if ((o = agentmsg_encode(am)) == NULL)
		fatalx("cannot encode a message of type %u", am->type);
	link_send(a, am->type, o);
	json_object_put(o);
}

void
link_send_slot(struct sim_agent *a, int i)
{
	struct agentmsg	 am;
	struct sim_slot	*s = &a->slots[i];

	memset(&am, 0, sizeof am);
	am.type = MSG_SLOT;
	am.u.slot.slot = i + 1;
	am.u.slot.state = s->ps.state;
	if (s->job[0] != '\0') {
		am.u.slot.has_job = 1;
		strlcpy(am.u.slot.job, s->job, sizeof am.u.slot.job);
		am.u.slot.run = s->run;
	}
	office_mark(a, i, s->ps.state);
	/*
	 * An owner-aware agent's estimate of its owner's absence as the slot
	 * is offered: on the accelerated clock, the heartbeat of lease/4
	 * (real time) would be hours old.
	 */
	if (s->ps.state == SLOT_UNCLAIMED && a->hist != NULL)
		link_heartbeat(a);
	s->offered = s->ps.state == SLOT_UNCLAIMED && sim->idle_jobs > 0 ?
	    clock_mono_ms() : 0;
	link_send_am(a, &am);
}

void
link_send_started(struct sim_agent *a, int i)
{
	struct agentmsg	 am;
	struct sim_slot	*s = &a->slots[i];

	memset(&am, 0, sizeof am);
	am.type = MSG_STARTED;
	strlcpy(am.u.started.job, s->job, sizeof am.u.started.job);
	am.u.started.run = s->run;
	am.u.started.pid = 1000 + a->idx * SIM_MAX_SLOTS + i;
	strlcpy(am.u.started.user, "nobody", sizeof am.u.started.user);
	link_send_am(a, &am);
}

/* The end of run RUN of JOB, which held slot I (already moved on). */
void
link_send_exited(struct sim_agent *a, int i, const char *job, uint32_t run,
    int evicted)
{
	struct agentmsg		*am;

	am = xcalloc(1, sizeof *am);
	am->type = MSG_EXITED;
	strlcpy(am->u.exited.job, job, sizeof am->u.exited.job);
	am->u.exited.run = run;
	am->u.exited.has_slot_state = 1;
	am->u.exited.slot_state = a->slots[i].ps.state;
	am->u.exited.evicted = evicted;
	am->u.exited.has_usage = 1;
	am->u.exited.code = evicted ? -1 : 0;
	am->u.exited.signal = evicted ? 15 : 0;
	link_send_am(a, am);
	free(am);
}

void
link_heartbeat(struct sim_agent *a)
{
	struct agentmsg			 am;
	struct agentmsg_heartbeat	*hb = &am.u.heartbeat;
	struct json_object		*o;

	if (a->link != LINK_READY)
		return;
	if (++a->seq == 0)
		a->seq++;
	memset(&am, 0, sizeof am);
	am.type = MSG_HEARTBEAT;
	hb->has_seq = 1;
	hb->seq = a->seq;
	hb->has_load = 1;
	hb->load = 0;
	hb->owner_idle_ms = -1;
	hb->owner_seen_ms = -1;
	/* The owner's expected absence (common/presence.c), -A only. */
	hb->owner_absence_s = run_expected_absence(a);
	if (hb->owner_absence_s >= 0)
		log_debug("%s: at virtual %.2f h (day %lld), expected owner "
		    "absence %.2f h", a->name, sim->vnow / 3600000.0 -
		    (sim->vnow / SIM_DAY_MS) * 24.0,
		    (long long)(sim->vnow / SIM_DAY_MS),
		    hb->owner_absence_s / 3600.0);
	if (sim->o.mode == SIM_OFFICE) {
		if (a->last_activity > 0) {
			hb->owner_seen_ms = sim->vnow - a->last_activity;
			hb->owner_idle_ms = hb->owner_seen_ms;
		} else
			hb->owner_idle_ms = sim->vnow;
	}
	if ((o = agentmsg_encode(&am)) == NULL)
		fatalx("cannot encode a heartbeat");
	peer_send(a->peer, MSG_HEARTBEAT, a->seq, o);
	json_object_put(o);
}

static void
link_hb_cb(evutil_socket_t fd, short ev, void *arg)
{
	link_heartbeat(arg);
}

static void
link_send_ad(struct sim_agent *a)
{
	struct agentmsg_ad	 ad;
	struct machinead	 m;
	struct json_object	*o;
	int			 i;

	memset(&ad, 0, sizeof ad);
	memset(&m, 0, sizeof m);
	strlcpy(ad.name, a->name, sizeof ad.name);
	ad.nslots = a->nslots;
	ad.slots = xcalloc(a->nslots, sizeof *ad.slots);
	for (i = 0; i < a->nslots; i++) {
		ad.slots[i].id = i + 1;
		ad.slots[i].cpus = 1;
		ad.slots[i].memory_mb = 2048;
		ad.slots[i].state = a->slots[i].ps.state;
	}
	m.arch = "X86_64";
	m.opsys = "LINUX";
	m.total_cpus = a->nslots;
	m.total_memory_mb = 2048LL * a->nslots;
	m.total_disk_kb = 100LL * 1024 * 1024;
	ad.machine = &m;
	run_ad_slots(a, &ad);
	o = agentmsg_ad_encode(&ad);
	ad.machine = NULL;
	agentmsg_ad_clear(&ad);
	peer_send(a->peer, MSG_AD, 0, o);
	json_object_put(o);
}

static void
link_hello_reply(struct sim_agent *a, struct json_object *msg)
{
	struct timeval	tv;
	int64_t		lease = jsonx_int(msg, "lease_ms", 0), hb;

	if (jsonx_get(msg, "credential") != NULL)
		strlcpy(a->cred, jsonx_str(msg, "credential", ""),
		    sizeof a->cred);
	if (lease > 0)
		sim->lease_ms = lease;
	a->link = LINK_READY;
	a->t_ready = clock_mono_ms();
	sim->nready++;
	link_send_ad(a);
	link_heartbeat(a);
	hb = sim->lease_ms > 0 ? sim->lease_ms / 4 : 15000;
	/* Spread the agents over the period, as their boots would be. */
	hb += (a->idx * 7919) % (hb / 4 + 1) - hb / 8;
	tv.tv_sec = hb / 1000;
	tv.tv_usec = (hb % 1000) * 1000;
	if (a->hb == NULL)
		a->hb = event_new(sim->base, -1, EV_PERSIST, link_hb_cb, a);
	event_add(a->hb, &tv);
	run_agent_ready(a);
}

static void
link_msg(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg)
{
	struct sim_agent	*a = arg;
	struct agentmsg		 am;
	struct agentmsg_start	 so;
	const char		*errstr;

	if (type == MSG_HELLO) {
		if (a->link != LINK_HELLO) {
			peer_close(p, "second hello");
			return;
		}
		link_hello_reply(a, msg);
		return;
	}
	if (type == MSG_ERROR) {
		sim->errors++;
		log_warnx("%s: scheduler says: %s", a->name,
		    jsonx_str(msg, "error", ""));
		if (a->link != LINK_READY)
			peer_close(p, "refused by the scheduler");
		return;
	}
	if (a->link != LINK_READY) {
		peer_close(p, "message before hello");
		return;
	}
	switch (type) {
	case MSG_START:
		if (agentmsg_start_decode(msg, &so, &errstr) == -1) {
			log_warnx("%s: a bad start order: %s", a->name,
			    errstr);
			sim->errors++;
			agentmsg_start_clear(&so);
			break;
		}
		run_started_order(a, &so);
		agentmsg_start_clear(&so);
		break;
	case MSG_KILL:
	case MSG_EXIT_ACK:
		if (agentmsg_decode_obj(type, msg, &am, &errstr) == -1) {
			log_warnx("%s: a bad %s: %s", a->name,
			    msg_type_str(type), errstr);
			sim->errors++;
			break;
		}
		if (type == MSG_KILL)
			run_kill_order(a, am.u.kill.job, am.u.kill.run,
			    am.u.kill.vacate);
		else
			run_exit_acked(a, am.u.exit_ack.job,
			    am.u.exit_ack.run);
		break;
	case MSG_HEARTBEAT_ACK:
	case MSG_FILE_ACK:
	case MSG_DRAIN:
	case MSG_VACATE:
		break;
	default:
		peer_close(p, "unexpected message type");
		break;
	}
}

static void
link_retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	link_connect(arg);
}

static void
link_retry_later(struct sim_agent *a, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	if (sim->done)
		return;
	if (a->retry == NULL)
		a->retry = evtimer_new(sim->base, link_retry_cb, a);
	evtimer_add(a->retry, &tv);
}

static void
link_closed(struct peer *p, const char *reason, void *arg)
{
	struct sim_agent	*a = arg;
	int			 i;

	if (a->link == LINK_READY)
		sim->nready--;
	a->peer = NULL;
	a->link = LINK_OFF;
	if (a->hb != NULL)
		event_del(a->hb);
	/* The scheduler gives our jobs up with the link's lease. */
	if (sim->o.mode == SIM_OFFICE)
		office_link_lost(a);
	for (i = 0; i < a->nslots; i++)
		a->slots[i].job[0] = '\0';
	if (!sim->done) {
		log_info("%s: link closed: %s", a->name,
		    reason != NULL ? reason : "");
		link_retry_later(a, 1000 + a->idx % 1000);
	}
}

static void
link_connect_next(void)
{
	while (sim->nnext < sim->o.nagents &&
	    sim->nconnecting < sim->o.connects) {
		struct sim_agent *a = &sim->agents[sim->nnext++];

		if (a->persona == PERSONA_OFF)
			continue;
		link_connect(a);
	}
}

static void
link_event(struct bufferevent *bev, short what, void *arg)
{
	struct sim_agent	*a = arg;
	struct json_object	*o;
	char			 label[64];
	int			 one = 1;

	sim->nconnecting--;
	a->bev = NULL;
	if (!(what & BEV_EVENT_CONNECTED) || (sim->tls != NULL &&
	    !tls_peer_ok(sim->tls, bufferevent_openssl_get_ssl(bev)))) {
		log_warnx("%s: cannot connect to %s (%s)", a->name,
		    sim->o.schedd, strerror(EVUTIL_SOCKET_ERROR()));
		bufferevent_free(bev);
		sim->errors++;
		a->link = LINK_OFF;
		link_retry_later(a, 1000 + a->idx % 1000);
		link_connect_next();
		return;
	}
	setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one);
	snprintf(label, sizeof label, "scheduler (%s)", a->name);
	/*
	 * A plain link's frames are written at once (peer_new_plain): the
	 * scheduler sees the same frames, and the simulator, which shares
	 * the machine's CPUs with it, spends no epoll_ctl pair per frame.
	 */
	a->peer = (sim->tls != NULL ? peer_new : peer_new_plain)(sim->base,
	    bev, ROLE_SCHEDD, label, link_msg, link_closed, a);
	a->link = LINK_HELLO;
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "role", json_object_new_string("agent"));
	/* The real agent's revision: without it the scheduler takes the
	 * agents for older ones and drops what came later (msg.c), such
	 * as the heartbeat's owner_absence_s. */
	json_object_object_add(o, "rev", json_object_new_int(MSG_REV));
	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "filesystem_domain",
	    json_object_new_string(""));
	if (a->cred[0] != '\0')
		json_object_object_add(o, "credential",
		    json_object_new_string(a->cred));
	else
		json_object_object_add(o, "token",
		    json_object_new_string(sim->o.token));
	peer_send(a->peer, MSG_HELLO, 0, o);
	json_object_put(o);
	link_connect_next();
}

static void
link_connect(struct sim_agent *a)
{
	struct sockaddr_in	 src;
	struct ssl_st		*ssl;
	int			 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		fatal("socket (raise the open-file limit?)");
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(0x7f000002u + a->idx % sim->o.sources);
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&src, sizeof src) == -1)
		fatal("bind to 127.0.0.%d", 2 + a->idx % sim->o.sources);
	if (sim->tls != NULL) {
		if ((ssl = tls_ssl_new(sim->tls)) == NULL)
			fatalx("SSL_new failed");
		a->bev = bufferevent_openssl_socket_new(sim->base, fd, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (a->bev != NULL)
			bufferevent_openssl_set_allow_dirty_shutdown(a->bev, 1);
	} else
		a->bev = bufferevent_socket_new(sim->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (a->bev == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(a->bev, NULL, NULL, link_event, a);
	a->link = LINK_CONNECTING;
	a->t_connect = clock_mono_ms();
	sim->nconnecting++;
	if (bufferevent_socket_connect(a->bev, (struct sockaddr *)&link_dst,
	    sizeof link_dst) == -1 && a->bev != NULL) {
		/* link_event() has not run: count it failed here. */
		bufferevent_free(a->bev);
		a->bev = NULL;
		sim->nconnecting--;
		sim->errors++;
		a->link = LINK_OFF;
		link_retry_later(a, 1000);
	}
}

void
link_start_all(void)
{
	char		 host[256];
	const char	*errstr;
	int		 port;

	if (!link_dst_ok) {
		if (cfg_parse_hostport(sim->o.schedd, host, sizeof host,
		    &port, &errstr) == -1)
			fatalx("-a %s: %s", sim->o.schedd, errstr);
		memset(&link_dst, 0, sizeof link_dst);
		link_dst.sin_family = AF_INET;
		link_dst.sin_port = htons(port);
		if (inet_pton(AF_INET, host, &link_dst.sin_addr) != 1)
			fatalx("-a %s: an IPv4 address is needed", host);
		link_dst_ok = 1;
	}
	link_connect_next();
}
