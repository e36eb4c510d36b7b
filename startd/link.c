/*
 * link.c: the agent's side of the agent <-> scheduler conversation.  It
 * connects without blocking (numeric address or a name through evdns),
 * says hello with its name and its proof (enroll.c: its credential, the
 * pool token or a credential request; a credential in the answer is
 * kept), sends its ad (slots and
 * held jobs, so a restarted scheduler can adopt them) and the exits not
 * yet acknowledged, then heartbeats at a quarter of the lease the
 * scheduler announced; a heartbeat also tells what the scheduler cannot
 * know for `cq status`: the load without our jobs and the owner's idle
 * time (since the last activity, or since the agent started).  Each
 * heartbeat carries a request id, which asks the scheduler to answer
 * (heartbeat-ack); the send time of the latest one answered is what the
 * lease counts from (lease.c).  A scheduler that never answers is an
 * older one: once one has answered, every later link is held to it, and
 * until then each heartbeat counts as heard when it is sent.  A broken
 * link is retried with exponential backoff and jitter (a refused hello
 * waits the longest: its configuration or an approval has to change
 * first); the jobs keep running meanwhile, for the lease (lease.c).  A
 * dial the scheduler has not answered within hello_timeout (connect, TLS
 * handshake and hello) is given up and retried the same way, so an agent
 * never waits for ever on a scheduler that accepted and said nothing.  A
 * link on which nothing came for the lease is dropped and dialled again:
 * the scheduler has given up on it, and TCP may take many minutes to say
 * the peer is gone.  The link is TLS, and the
 * hello goes out only once the handshake is done and the scheduler's
 * certificate is the pinned one (tls.c checks it inside the handshake); a
 * scheduler showing another certificate is never spoken to.  Only with
 * insecure = yes is it plain TCP, and the log says so.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>

#include "absence.h"
#include "activity.h"
#include "agentmsg.h"
#include "cfg.h"
#include "clock.h"
#include "enroll.h"
#include "jobs.h"
#include "jsonx.h"
#include "lease.h"
#include "link.h"
#include "machine.h"
#include "log.h"
#include "msg.h"
#include "owner.h"
#include "peer.h"
#include "sandbox.h"
#include "xferq.h"
#include "startd.h"
#include "tls.h"
#include "xmalloc.h"

#define LINK_BACKOFF_MIN_MS	100
#define LINK_BACKOFF_MAX_MS	10000
#define LINK_REFUSED_MS		20000	/* after a refused hello: 10-20 s */
#define LINK_LINGER_US		2000	/* reports wait for company this long */

static struct peer	*link_peer;
/* A connection being made (connect, TLS handshake): freed at shutdown. */
static struct bufferevent *link_connecting;
static struct xferq	*link_xq;	/* files to the scheduler */
static struct event	*link_retry_ev;
static struct event	*link_hello_ev;	/* the hello_timeout of a dial */
static int		 link_gave_up;	/* the hello_timeout closed it */
static struct event	*link_hb_ev;
static int		 link_ready;
static int64_t		 link_backoff_ms = LINK_BACKOFF_MIN_MS;
static int		 link_refused;	/* the last hello was refused */
static int64_t		 link_hb_ms = 5000;
static int64_t		 link_seq;
static int64_t		 link_started;	/* wall ms: the owner idle since */
static struct tls	*link_tls;	/* NULL: insecure, plain TCP */
static int		 link_heard;	/* a message came on this link */
static int		 link_acks;	/* a scheduler answered a heartbeat */
static int		 link_unanswered; /* heartbeats sent, none answered */
static int64_t		 link_ad_sent;	/* lease_now() of this link's first
					   ad, until the scheduler shows it
					   had it; 0: not (or no longer) */
static int64_t		 link_lease_ms;	/* the scheduler's lease, 0: none */
static int64_t		 link_rx;	/* lease_now() of its last message */
static int64_t		 link_hb_at;	/* lease_now() of the last heartbeat */

/* The heartbeats in flight: seq and lease_now() at sending. */
#define LINK_HB_SENT	8
static struct {
	int64_t	seq;
	int64_t	sent;
} link_hb_sent[LINK_HB_SENT];

static void	link_connect(void);

int
link_up(void)
{
	return link_ready && link_peer != NULL;
}

int
link_send(uint16_t type, struct json_object *obj)
{
	if (!link_up())
		return -1;
	/* What a job and a slot did may wait a moment for company. */
	if (type == MSG_SLOT || type == MSG_STARTED || type == MSG_EXITED)
		return peer_send_later(link_peer, type, obj, LINK_LINGER_US);
	return peer_send(link_peer, type, 0, obj);
}

int
link_send_am(const struct agentmsg *am)
{
	struct json_object	*o;
	int			 rc;

	if (!link_up())
		return -1;
	if ((o = agentmsg_encode(am)) == NULL)
		fatalx("link: cannot encode a message of type %u", am->type);
	rc = link_send(am->type, o);
	json_object_put(o);
	return rc;
}

void
link_send_ad(void)
{
	struct agentmsg_ad	 ad;
	struct json_object	*o;

	if (link_peer == NULL)
		return;
	memset(&ad, 0, sizeof ad);
	agentmsg_text_set(ad.name, sizeof ad.name, st->name);
	jobs_ad_fill(&ad);
	ad.criu = st->criu != 0;
	ad.machine = machine_ad();	/* ours: not the ad's to free */
	o = agentmsg_ad_encode(&ad);
	ad.machine = NULL;
	agentmsg_ad_clear(&ad);
	peer_send(link_peer, MSG_AD, 0, o);
	json_object_put(o);
}

void
link_bye(const char *reason)
{
	struct agentmsg	am;

	memset(&am, 0, sizeof am);
	am.type = MSG_BYE;
	agentmsg_text_set(am.u.bye.text, sizeof am.u.bye.text, reason);
	link_send_am(&am);
}

struct xferq *
link_xferq(void)
{
	if (!link_up())
		return NULL;
	if (link_xq == NULL)
		link_xq = xferq_new(st->base, link_peer, 0);
	return link_xq;
}

size_t
link_pending(void)
{
	return link_peer != NULL ? peer_outq(link_peer) : 0;
}

static void
link_retry_later(void)
{
	struct timeval	tv;
	int64_t		ms;

	if (st->stopping)
		return;
	/* Jitter spreads a building's desktops after a scheduler restart. */
	ms = link_refused ? LINK_REFUSED_MS : link_backoff_ms;
	link_refused = 0;
	ms = ms / 2 + (int64_t)arc4random_uniform((uint32_t)ms / 2 + 1);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(link_retry_ev, &tv);
	link_backoff_ms *= 2;
	if (link_backoff_ms > LINK_BACKOFF_MAX_MS)
		link_backoff_ms = LINK_BACKOFF_MAX_MS;
}

int64_t
link_owner_idle_ms(void)
{
	int64_t	now = clock_now_ms(), last = activity_last();

	if (last > 0 && last <= now)
		return now - last;
	return now > link_started ? now - link_started : 0;
}

static void
link_heartbeat(evutil_socket_t fd, short ev, void *arg)
{
	struct agentmsg		 am;
	struct agentmsg_heartbeat *hb = &am.u.heartbeat;
	struct json_object	*o;
	int64_t			 now, last;
	double			 load;
	int			 late;

	if (!link_up())
		return;
	/*
	 * A loop that did not run for a while (the agent stopped, starved)
	 * has not read what came meanwhile: it is read first (a start order
	 * past the lease is refused, not lost with the link: jobs.c), and
	 * the next heartbeat judges the link.
	 */
	now = lease_now();
	late = link_hb_at != 0 && now - link_hb_at > 2 * link_hb_ms;
	link_hb_at = now;
	/*
	 * Nothing from the scheduler for its lease: it has given our jobs
	 * up (lease.c has ended them) and this link is dead, whatever TCP
	 * says (a crashed host, a cut that TCP may take many minutes to
	 * notice).  Drop it and dial again, with the backoff.  (Only a
	 * scheduler that answers heartbeats says something every H.)
	 */
	if (!late && link_acks && link_lease_ms > 0 &&
	    lease_now() - link_rx > link_lease_ms) {
		log_warnx("link: nothing from the scheduler for %lld ms (its "
		    "lease is %lld ms): reconnecting",
		    (long long)(lease_now() - link_rx),
		    (long long)link_lease_ms);
		peer_close(link_peer, "the scheduler is silent");
		return;
	}
	/* Its request id is its seq: never 0, which asks for no answer. */
	if ((uint32_t)++link_seq == 0)
		link_seq++;
	memset(&am, 0, sizeof am);
	am.type = MSG_HEARTBEAT;
	hb->has_seq = 1;
	hb->seq = link_seq;
	now = clock_now_ms();
	last = activity_last();
	/* (A load past the bound the scheduler takes is not told.) */
	if ((load = activity_load()) >= 0 && load < AGENTMSG_MAX_LOAD / 2) {
		hb->has_load = 1;
		hb->load = (double)(int64_t)(load * 100 + 0.5) / 100;
	}
	hb->owner_seen_ms = last > 0 && last <= now ? now - last : -1;
	hb->owner_idle_ms = link_owner_idle_ms();
	hb->owner_absence_s = absence_expected_s();
	link_hb_sent[link_seq % LINK_HB_SENT].seq = link_seq;
	link_hb_sent[link_seq % LINK_HB_SENT].sent = lease_now();
	o = agentmsg_encode(&am);
	peer_send(link_peer, MSG_HEARTBEAT, (uint32_t)link_seq, o);
	json_object_put(o);
	if (link_acks) {
		lease_asked(link_hb_sent[link_seq % LINK_HB_SENT].sent);
		return;
	}
	/* No scheduler has answered yet: perhaps an older one. */
	lease_heard(link_hb_sent[link_seq % LINK_HB_SENT].sent);
	if (++link_unanswered == 3)
		log_warnx("link: the scheduler answers no heartbeat (an older "
		    "version?): the lease counts from what the agent sent, "
		    "and a cut of our side of the link alone goes unseen");
}

/* The scheduler heard heartbeat REQID. */
void
link_heartbeat_now(void)
{
	link_heartbeat(-1, 0, NULL);
}

static void
link_heartbeat_ack(uint32_t reqid)
{
	size_t	i;

	if (!link_acks)
		log_info("link: the scheduler answers heartbeats: the lease "
		    "counts from what it heard");
	link_acks = 1;
	for (i = 0; i < LINK_HB_SENT; i++)
		if (link_hb_sent[i].seq != 0 &&
		    (uint32_t)link_hb_sent[i].seq == reqid) {
			lease_heard(link_hb_sent[i].sent);
			return;
		}
	/* Older than the ring: a later answer moves the lease. */
}

static void
link_hello_reply(struct json_object *msg)
{
	struct timeval	tv;
	int64_t		lease = jsonx_int(msg, "lease_ms", 0);

	if (jsonx_int(msg, "version", 0) != 1 ||
	    strcmp(jsonx_str(msg, "role", ""), "schedd") != 0) {
		peer_close(link_peer, "scheduler speaks another version");
		return;
	}
	if (jsonx_get(msg, "credential") != NULL &&
	    enroll_issued(jsonx_str(msg, "credential", "")) == -1) {
		peer_close(link_peer, "bad credential from the scheduler");
		return;
	}
	link_lease_ms = lease > 0 ? lease : 0;
	if (lease > 0) {
		link_hb_ms = lease / 4;
		if (link_hb_ms < 50)
			link_hb_ms = 50;
		lease_set(lease);
	}
	evtimer_del(link_hello_ev);
	link_ready = 1;
	link_backoff_ms = LINK_BACKOFF_MIN_MS;
	link_ad_sent = lease_now();
	link_send_ad();
	link_heartbeat(-1, 0, NULL);	/* the owner's side at once */
	jobs_resend_exits();
	tv.tv_sec = link_hb_ms / 1000;
	tv.tv_usec = (link_hb_ms % 1000) * 1000;
	event_add(link_hb_ev, &tv);
	log_info("link: registered with the scheduler (heartbeat %lld ms)%s",
	    (long long)link_hb_ms, link_tls == NULL ?
	    " (insecure: plain TCP)" : "");
	if (peer_rev(link_peer) != MSG_REV)
		log_info("link: the scheduler speaks protocol revision %d, "
		    "this agent %d: %s", peer_rev(link_peer), MSG_REV,
		    peer_rev(link_peer) < MSG_REV ? "what it does not know "
		    "is not sent to it" : "what this agent does not know is "
		    "ignored");
}

static void
link_msg(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg)
{
	struct agentmsg		 am;
	struct agentmsg_start	 so;
	const char		*errstr;
	char			 why[256];

	link_heard = 1;
	link_rx = lease_now();
	if (type == MSG_HELLO) {
		if (link_ready) {
			peer_close(p, "second hello");
			return;
		}
		link_hello_reply(msg);
		return;
	}
	if (type == MSG_ERROR) {
		log_warnx("link: scheduler says: %s",
		    jsonx_str(msg, "error", ""));
		if (!link_ready) {
			/* Retrying soon would not change its answer. */
			link_refused = 1;
			peer_close(p, "refused by the scheduler");
		}
		return;
	}
	if (!link_ready) {
		peer_close(p, "message before hello");
		return;
	}
	/*
	 * The scheduler sends nothing but its hello and errors to a link
	 * before it has our ad, and the ad renews our lease there: so any
	 * other message (a start, say, ahead of the first heartbeat's
	 * answer) says it heard the ad.
	 */
	if (link_ad_sent != 0) {
		lease_heard(link_ad_sent);
		link_ad_sent = 0;
	}
	switch (type) {
	case MSG_START:
		if (agentmsg_start_decode(msg, &so, &errstr) == -1) {
			log_warnx("link: a bad start order%s%s: %s",
			    so.job[0] != '\0' ? " for job " : "", so.job,
			    errstr);
			jobs_start_refused(&so, errstr);
			break;
		}
		jobs_start(&so);
		agentmsg_start_clear(&so);
		break;
	case MSG_KILL:
	case MSG_EXIT_ACK:
		/* About no job of ours: nothing to do (as for an unknown one). */
		if (agentmsg_decode_obj(type, msg, &am, &errstr) == -1) {
			log_warnx("link: ignored a bad %s message: %s",
			    msg_type_str(type), errstr);
			break;
		}
		if (type == MSG_KILL)
			jobs_kill(am.u.kill.job, am.u.kill.run,
			    am.u.kill.vacate, am.u.kill.vacate ?
			    AGENTMSG_KILL_VACATE : AGENTMSG_KILL_REMOVED);
		else
			jobs_exit_acked(am.u.exit_ack.job, am.u.exit_ack.run,
			    am.u.exit_ack.restart);
		break;
	case MSG_FILE:
		if (agentmsg_decode_obj(MSG_FILE, msg, &am, &errstr) == -1) {
			snprintf(why, sizeof why, "bad file message: %s",
			    errstr);
			peer_close(p, why);
			return;
		}
		sandbox_file(reqid, &am.u.file);
		break;
	case MSG_DATA:
		if (sandbox_data(reqid, raw, rawlen) == -1)
			peer_close(p, "data without a file");
		break;
	case MSG_FILE_ACK:
		break;
	case MSG_HEARTBEAT_ACK:
		link_heartbeat_ack(reqid);
		break;
	case MSG_DRAIN:
		owner_drain(jsonx_bool(msg, "on", 0));
		log_info("link: draining %s", owner_draining() ? "on" : "off");
		jobs_eval();
		break;
	case MSG_VACATE:
		jobs_vacate_all(jsonx_str(msg, "reason", "cq vacate"),
		    AGENTMSG_KILL_VACATE);
		break;
	default:
		peer_close(p, "unexpected message type");
		break;
	}
}

static void
link_closed(struct peer *p, const char *reason, void *arg)
{
	evtimer_del(link_hello_ev);
	if (!link_heard && link_tls == NULL && !link_gave_up)
		log_warnx("link: the scheduler closed the link before "
		    "answering our hello (insecure: plain TCP; does the "
		    "scheduler want TLS?)");
	xferq_free(link_xq);
	link_xq = NULL;
	link_peer = NULL;
	link_ready = 0;
	link_ad_sent = 0;
	link_hb_at = 0;
	event_del(link_hb_ev);
	sandbox_link_closed();
	jobs_link_lost();
	link_retry_later();
}

/* The connection or its TLS handshake failed: say why, try again later. */
static void
link_failed(struct bufferevent *bev, short what)
{
	const char	*addr = cfg_str(st->cfg, "schedd"), *why;
	uint8_t		 seen[TLS_FP_LEN];
	char		 hex[TLS_FP_HEXLEN + 1], want[TLS_FP_HEXLEN + 1];
	char		 buf[320];

	if (link_tls != NULL && tls_seen(link_tls, seen) &&
	    !tls_fp_equal(seen, tls_fp(link_tls))) {
		tls_fp_format(seen, hex);
		tls_fp_format(tls_fp(link_tls), want);
		log_warnx("link: scheduler at %s presented certificate SHA256 "
		    "%s, expected %s: not talking to it", addr, hex, want);
	} else if (link_tls != NULL &&
	    (why = tls_bev_error(bev, buf, sizeof buf)) != NULL)
		log_warnx("link: scheduler at %s: %s", addr, why);
	else if (link_tls != NULL && (what & BEV_EVENT_EOF))
		log_warnx("link: scheduler at %s closed the connection in the "
		    "TLS handshake (out of file descriptors, or does it run "
		    "with insecure = yes?)", addr);
	else
		log_debug("link: cannot connect to %s", addr);
	if (bev == link_connecting)
		link_connecting = NULL;
	bufferevent_free(bev);
	evtimer_del(link_hello_ev);
	link_retry_later();
}

/*
 * No answer to our hello within hello_timeout of dialling (the connect,
 * the TLS handshake or the hello itself hangs: a scheduler out of
 * descriptors or stopped, a half-open path): give up on this attempt
 * and dial again after the backoff, like any other failure.
 */
static void
link_hello_expired(evutil_socket_t fd, short ev, void *arg)
{
	const char	*addr = cfg_str(st->cfg, "schedd");
	long long	 secs = (long long)(cfg_ms(st->cfg, "hello_timeout") /
			    1000);

	if (link_connecting != NULL) {
		log_warnx("link: scheduler at %s: no connection after %lld s "
		    "(hello_timeout; TLS handshake included): dialling again "
		    "later", addr, secs);
		bufferevent_free(link_connecting);
		link_connecting = NULL;
		link_retry_later();
	} else if (link_peer != NULL && !link_ready) {
		log_warnx("link: scheduler at %s: no answer to our hello in "
		    "%lld s (hello_timeout): dialling again later", addr,
		    secs);
		link_gave_up = 1;
		peer_close(link_peer, "no answer to the hello in time");
		link_gave_up = 0;
	}
}

static void
link_event(struct bufferevent *bev, short what, void *arg)
{
	struct json_object	*o;
	char			 label[320];
	int			 one = 1;

	if (!(what & BEV_EVENT_CONNECTED)) {
		link_failed(bev, what);
		return;
	}
	/* tls.c refused any other certificate in the handshake: again. */
	if (link_tls != NULL && !tls_peer_ok(link_tls,
	    bufferevent_openssl_get_ssl(bev))) {
		link_failed(bev, what);
		return;
	}
	link_connecting = NULL;		/* the peer owns it now */
	setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one);
	setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_KEEPALIVE, &one,
	    sizeof one);
	snprintf(label, sizeof label, "scheduler %s",
	    cfg_str(st->cfg, "schedd"));
	link_heard = 0;
	link_peer = peer_new(st->base, bev, ROLE_SCHEDD, label, link_msg,
	    link_closed, NULL);
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "role", json_object_new_string("agent"));
	json_object_object_add(o, "rev", json_object_new_int(MSG_REV));
	json_object_object_add(o, "name", json_object_new_string(st->name));
	json_object_object_add(o, "filesystem_domain",
	    json_object_new_string(st->fs_domain));
	enroll_hello(o);
	peer_send(link_peer, MSG_HELLO, 0, o);
	json_object_put(o);
}

/* The dial's deadline: its connect, handshake and hello answer. */
static void
link_hello_arm(void)
{
	struct timeval	tv;
	int64_t		ms = cfg_ms(st->cfg, "hello_timeout");

	if (ms <= 0)
		return;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(link_hello_ev, &tv);
}

static void
link_connect(void)
{
	struct bufferevent	*bev;
	struct ssl_st		*ssl;
	char			 host[256];
	const char		*errstr;
	int			 port;

	if (cfg_parse_hostport(cfg_str(st->cfg, "schedd"), host, sizeof host,
	    &port, &errstr) == -1)
		fatalx("schedd: %s", errstr);
	if (link_tls != NULL) {
		if ((ssl = tls_ssl_new(link_tls)) == NULL)
			fatalx("link: SSL_new failed");
		/* The bufferevent owns SSL from here (CLOSE_ON_FREE). */
		bev = bufferevent_openssl_socket_new(st->base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (bev != NULL)
			bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	} else
		bev = bufferevent_socket_new(st->base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(bev, NULL, NULL, link_event, NULL);
	link_connecting = bev;
	link_hello_arm();
	/* A failure may already have come to link_event() and freed BEV. */
	if (bufferevent_socket_connect_hostname(bev, st->dns, AF_UNSPEC, host,
	    port) == -1 && link_connecting == bev) {
		link_connecting = NULL;
		bufferevent_free(bev);
		evtimer_del(link_hello_ev);
		link_retry_later();
	}
}

static void
link_retry(evutil_socket_t fd, short ev, void *arg)
{
	link_connect();
}

int
link_init(void)
{
	uint8_t		 pin[TLS_FP_LEN];
	char		 hex[TLS_FP_HEXLEN + 1];
	const char	*errstr;

	link_started = clock_now_ms();
	/* startd_check() made sure of one of the two. */
	if (cfg_bool(st->cfg, "insecure"))
		log_warnx("link: scheduler %s over plain TCP (insecure: no "
		    "TLS, the scheduler is not authenticated)",
		    cfg_str(st->cfg, "schedd"));
	else {
		if (tls_fp_parse(cfg_str(st->cfg, "fingerprint"), pin,
		    &errstr) == -1)
			fatalx("fingerprint: %s", errstr);
		if ((link_tls = tls_client_new(pin)) == NULL)
			fatalx("link: cannot set up TLS");
		tls_fp_format(pin, hex);
		log_info("link: scheduler %s over TLS, certificate pinned "
		    "SHA256 %s", cfg_str(st->cfg, "schedd"), hex);
	}
	link_retry_ev = evtimer_new(st->base, link_retry, NULL);
	link_hello_ev = evtimer_new(st->base, link_hello_expired, NULL);
	link_hb_ev = event_new(st->base, -1, EV_PERSIST, link_heartbeat, NULL);
	link_connect();
	return 0;
}

void
link_shutdown(void)
{
	if (link_peer != NULL)
		peer_close(link_peer, NULL);
	if (link_connecting != NULL) {
		bufferevent_free(link_connecting);
		link_connecting = NULL;
	}
	event_free(link_retry_ev);
	event_free(link_hello_ev);
	event_free(link_hb_ev);
	tls_free(link_tls);
	link_tls = NULL;
}
