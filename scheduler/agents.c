/*
 * agents.c: links to the agents.  An agent connects over TCP, says hello
 * (name, protocol version, and its proof: an agent credential, a pool
 * token or a credential request, judged by creds.c), then sends its ad:
 * its slots and the jobs it still holds.  A refused proof that counts as
 * a failure is answered after a delay (a timer: the loop never waits),
 * and an address blocked for failing too often is refused at accept.
 * Every connection has its struct agent_conn (agents-int.h) as the peer's
 * data, on one list, so a revoked credential's links can be found.  Jobs
 * it holds for their current run are adopted, so a scheduler restart
 * never starts a second copy; anything else it holds is stale and is
 * killed.  Any message renews the agent's lease; a machine silent for
 * longer than the lease goes OFFLINE and its jobs go back to IDLE.  A
 * heartbeat sent with a request id is answered (heartbeat-ack), so the
 * agent knows what we heard and can end its jobs before the lease does
 * (startd/lease.c).
 *
 * Each slot here mirrors one of the agent's slots.  A slot is on the free
 * list only while its agent is connected, it is UNCLAIMED and holds no
 * job of ours and no stale job.
 *
 * No message costs a walk over the machines or the jobs: a link's machine
 * is on its agent_conn, a machine is found by name in a tree
 * (sd->machines_by_name), the links by credential in another, a machine
 * keeps the jobs whose machine field names it (agents_job_placed), and
 * the online machines are in order of their last message (sd->live), so
 * the lease looks only at those whose time is up.
 *
 * The links are TLS (tls.c: the key and certificate in STATE_DIR/tls,
 * the fingerprint agents pin in STATE_DIR/fingerprint); the hello
 * deadline starts at accept, so it covers the handshake.  insecure = yes
 * makes them plain TCP, and the log says so.
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
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "agentmsg.h"
#include "agents-int.h"
#include "agents.h"
#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "creds.h"
#include "jobad.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "runas.h"
#include "schedd.h"
#include "spool.h"
#include "statefile.h"
#include "jobdesc.h"
#include "store.h"
#include "tls.h"
#include "xmalloc.h"


/*
 * Connections the kernel holds for us until accepted: a building's
 * desktops redialling together after a restart should not find the queue
 * full (the kernel caps it at net.core.somaxconn).
 */
#define AGENTS_BACKLOG	4096

static struct evconnlistener	*agents_listener;
static size_t			 agents_nmachines;
static struct tls		*agents_tls;	/* NULL: insecure */
static char			 agents_fp[TLS_FP_HEXLEN + 1];
static char			 agents_addr[96];
static TAILQ_HEAD(, agent_conn)	 agents_conns =
    TAILQ_HEAD_INITIALIZER(agents_conns);

/* The links past their hello by the credential they proved (several may
 * share one while an agent reconnects): one lookup, not a walk. */
static int
agents_cred_cmp(struct agent_conn *a, struct agent_conn *b)
{
	int	c = strcmp(a->cred_id, b->cred_id);

	if (c != 0)
		return c;
	/* A search key (no peer) sorts before the links of its id. */
	if (a->peer == NULL || b->peer == NULL)
		return a->peer == NULL ? (b->peer == NULL ? 0 : -1) : 1;
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

RB_HEAD(agent_cred_tree, agent_conn);
RB_PROTOTYPE(agent_cred_tree, agent_conn, cred_entry, agents_cred_cmp);
RB_GENERATE(agent_cred_tree, agent_conn, cred_entry, agents_cred_cmp);
static struct agent_cred_tree	 agents_by_cred =
    RB_INITIALIZER(&agents_by_cred);

/* The first link that proved credential ID, or NULL. */
static struct agent_conn *
agents_cred_first(const char *id)
{
	struct agent_conn	 key, *ac;

	memset(&key, 0, sizeof key);
	strlcpy(key.cred_id, id, sizeof key.cred_id);
	ac = RB_NFIND(agent_cred_tree, &agents_by_cred, &key);
	return ac != NULL && strcmp(ac->cred_id, id) == 0 ? ac : NULL;
}

static int
agents_name_cmp(struct machine *a, struct machine *b)
{
	return strcmp(a->name, b->name);
}

RB_PROTOTYPE(machine_tree, machine, name_entry, agents_name_cmp);
RB_GENERATE(machine_tree, machine, name_entry, agents_name_cmp);

static struct machine *
agents_find(const char *name)
{
	struct machine	key;

	key.name = (char *)name;
	return RB_FIND(machine_tree, &sd->machines_by_name, &key);
}

/* M was heard from now: the last in line for the lease. */
static void
agents_contact(struct machine *m)
{
	m->contact = clock_mono_ms();
	if (!m->online)
		return;
	TAILQ_REMOVE(&sd->live, m, live_entry);
	TAILQ_INSERT_TAIL(&sd->live, m, live_entry);
}

void
agents_online(struct machine *m)
{
	if (!m->online) {
		m->online = 1;
		TAILQ_INSERT_TAIL(&sd->live, m, live_entry);
	}
	agents_contact(m);
}

struct machine *
agents_get(const char *name)
{
	struct machine	*m;

	if ((m = agents_find(name)) != NULL)
		return m;
	m = xcalloc(1, sizeof *m);
	m->name = xstrdup(name);
	m->first_seen = clock_now_ms();
	m->owner_idle_ms = -1;
	m->owner_seen_ms = -1;
	TAILQ_INIT(&m->jobs);
	TAILQ_INSERT_TAIL(&sd->machines, m, entry);
	RB_INSERT(machine_tree, &sd->machines_by_name, m);
	agents_nmachines++;
	/* A machine of a job loaded as running: its lease runs now. */
	agents_online(m);
	return m;
}

void
agents_job_placed(struct job *j)
{
	struct machine	*m = NULL;
	const char	*at;

	if (j->machine != NULL && (at = strchr(j->machine, '@')) != NULL)
		m = agents_get(at + 1);
	if (j->on == m)
		return;
	agents_job_gone(j);
	if ((j->on = m) != NULL)
		TAILQ_INSERT_TAIL(&m->jobs, j, on_entry);
}

void
agents_job_gone(struct job *j)
{
	if (j->on != NULL)
		TAILQ_REMOVE(&j->on->jobs, j, on_entry);
	j->on = NULL;
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

int
agents_run_here(const struct job *j, const struct machine *m, int64_t run)
{
	return j != NULL && (int64_t)j->run == run && j->slot != NULL &&
	    j->slot->machine == m && agents_job_on(j, m);
}

int
agents_run_foreign(const struct job *j, const struct machine *m,
    int64_t run, char *why, size_t whylen)
{
	if (j == NULL)
		return 0;	/* gone: a late report, or nothing to harm */
	if (run < 1 || run > (int64_t)j->run) {
		snprintf(why, whylen, "the job has had %u run(s)", j->run);
		return 1;
	}
	/* Each run number goes to one machine, and j->machine names it. */
	if (run == (int64_t)j->run && j->machine != NULL &&
	    !agents_job_on(j, m)) {
		snprintf(why, whylen, "that run was given to %s", j->machine);
		return 1;
	}
	return 0;
}

int
agents_refuse(struct machine *m, struct peer *p, const char *what,
    const char *id, int64_t run, const char *why)
{
	char	eid[64], ewhat[160];

	log_escape(eid, sizeof eid, id, strlen(id));
	log_escape(ewhat, sizeof ewhat, what, strlen(what));
	m->lies++;
	log_warnx("agent %s: refused %s for job %s run %lld: %s (refusal %d; "
	    "the link closes at %d)", m->name, ewhat, eid, (long long)run,
	    why, m->lies, AGENTS_MAX_LIES);
	if (m->lies < AGENTS_MAX_LIES || p == NULL)
		return 0;
	peer_close(p, "too many claims on runs it was not given");
	return 1;
}

void
agents_free_add(struct slot *s)
{
	slots_refresh(&sd->slots, s);
}

void
agents_free_del(struct slot *s)
{
	slots_unlist(&sd->slots, s);
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
agents_slot_state(struct slot *s, enum slot_state to)
{
	slots_set_state(&sd->slots, s, to);
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
	agents_job_placed(j);
}

/* Every job we hold on M that matches no live slot goes back to IDLE. */
void
agents_requeue_orphans(struct machine *m, const char *why)
{
	struct job	*j, *next;

	/* M's list: the jobs whose machine field named M when it was set. */
	TAILQ_FOREACH_SAFE(j, &m->jobs, on_entry, next) {
		if (!agents_job_on(j, m)) {
			agents_job_gone(j);	/* moved on since */
			continue;
		}
		if (j->slot == NULL &&
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
	if (m->online)
		TAILQ_REMOVE(&sd->live, m, live_entry);
	m->online = 0;
	for (i = 0; i < m->nslots; i++) {
		struct slot *s = m->slots[i];
		if (s->job != NULL) {
			s->job->slot = NULL;
			s->job = NULL;
		}
		s->stale_job[0] = '\0';
		agents_slot_state(s, SLOT_OFFLINE);
	}
	agents_requeue_orphans(m, why);
	agents_machine_store(m);
}

static void
agents_send_kill_ex(struct machine *m, const char *job, uint32_t run,
    int vacate)
{
	struct agentmsg	 am;

	if (m->peer == NULL)
		return;
	am.type = MSG_KILL;
	memset(&am.u.kill, 0, sizeof am.u.kill);	/* its member only */
	strlcpy(am.u.kill.job, job, sizeof am.u.kill.job);
	am.u.kill.run = run;
	am.u.kill.vacate = vacate;
	commit_later(m->peer, MSG_KILL, 0, agentmsg_encode(&am));
}

void
agents_send_kill(struct machine *m, const char *job, uint32_t run)
{
	agents_send_kill_ex(m, job, run, 0);
}

void
agents_start(struct slot *s, struct job *j)
{
	struct agentmsg_start	 so;
	const struct jobdesc	*d;
	const char		*errstr, *user, *desc = NULL;
	char			*text;
	size_t			 desclen, len;
	uid_t			 uid;
	gid_t			 gid;

	agents_slot_state(s, SLOT_CLAIMED);
	s->job = j;
	agents_free_del(s);
	memset(&so, 0, sizeof so);
	snprintf(so.job, sizeof so.job, "%u.%u", j->cluster, j->proc);
	so.run = j->run;
	so.slot = s->id;
	/* Whom it runs as: a job of root's as root_job_user (runas.c). */
	runas_job(j, &user, &uid, &gid);
	strlcpy(so.owner, user, sizeof so.owner);
	so.uid = uid;
	if (jobad_desc(j, &d, &desc, &desclen, &errstr) == -1) {
		/* Our own text, checked at submit: the agent refuses it. */
		log_warnx("job %u.%u: stored description: %s", j->cluster,
		    j->proc, errstr);
		agentmsg_text_set(so.desc_error, sizeof so.desc_error, errstr);
	} else {
		/* Borrowed from jobad.c until the order is written. */
		so.desc = *d;
		spool_start(j, s->machine, &so.desc, &so);
	}
	/* What the machine's start names of the job, for the agent's own
	 * check of it. */
	jobad_start_attrs(j, s->machine->ad.start, &so);
	/* Written as the agent's revision reads it, without json-c. */
	text = agentmsg_start_text(&so, desc, desclen,
	    peer_rev(s->machine->peer), &len);
	commit_later_text(s->machine->peer, MSG_START, 0, text, len);
	memset(&so.desc, 0, sizeof so.desc);
	agentmsg_start_clear(&so);
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

/* A refusal's time has come: answer and close. */
static void
agents_hello_refuse_now(evutil_socket_t fd, short ev, void *arg)
{
	struct agent_conn	*ac = arg;

	peer_send_error(ac->peer, ac->reqid, ac->error);
	peer_close_after_flush(ac->peer, "hello refused");
}

/* Refuse AC's hello with ERROR, after DELAY_MS (0: at once). */
static void
agents_hello_refuse(struct agent_conn *ac, uint32_t reqid, const char *error,
    int64_t delay_ms)
{
	struct timeval	tv;

	ac->state = AGENT_CONN_REFUSED;
	ac->reqid = reqid;
	strlcpy(ac->error, error, sizeof ac->error);
	if (delay_ms <= 0 || (ac->delay_ev = evtimer_new(sd->base,
	    agents_hello_refuse_now, ac)) == NULL) {
		agents_hello_refuse_now(-1, 0, ac);
		return;
	}
	/* The timer is the deadline now. */
	peer_set_deadline(ac->peer, 0);
	tv.tv_sec = delay_ms / 1000;
	tv.tv_usec = (delay_ms % 1000) * 1000;
	evtimer_add(ac->delay_ev, &tv);
}

static void
agents_hello(struct peer *p, uint32_t reqid, struct json_object *msg)
{
	struct agent_conn	*ac = peer_data(p);
	struct json_object	*o;
	struct creds_result	 r;
	const char		*name = jsonx_str(msg, "name", "");
	const char		*dom = jsonx_str(msg, "filesystem_domain", "");
	char			 label[128], tcp[96], why[160];
	int64_t			 left, secs;

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
	/* Until it proves that name, the logs call it a claim. */
	strlcpy(tcp, peer_label(p), sizeof tcp);
	snprintf(label, sizeof label, "agent hello as %s (%s)", name, tcp);
	peer_set_label(p, label);
	if ((left = creds_blocked(ac->addr)) > 0) {
		log_warnx("agent %s from %s: refused: the address is blocked "
		    "for %lld s more after failed proofs", name, ac->addr,
		    (long long)((left + 999) / 1000));
		snprintf(why, sizeof why, "too many failed proofs from %s: "
		    "try again later", ac->addr);
		agents_hello_refuse(ac, reqid, why, 0);
		return;
	}
	creds_hello(ac->addr, name, jsonx_str(msg, "credential", NULL),
	    jsonx_str(msg, "token", NULL), jsonx_str(msg, "request", NULL),
	    &r);
	if (!r.ok) {
		agents_hello_refuse(ac, reqid, r.error, r.failed ? r.delay_ms : 0);
		return;
	}
	snprintf(label, sizeof label, "agent %s (%s)", name, tcp);
	peer_set_label(p, label);
	if (peer_rev(p) != MSG_REV)
		log_info("%s: protocol revision %d, this scheduler's %d: %s",
		    label, peer_rev(p), MSG_REV, peer_rev(p) < MSG_REV ?
		    "what it does not know is not sent to it" :
		    "what this scheduler does not know is ignored");
	/*
	 * Its ad is due within the lease (the agent sends it with the
	 * hello's answer): a link that proved the name and went silent
	 * would otherwise count as its agent connected for ever, and an
	 * auto-approved name never be granted again (creds.c).
	 */
	secs = (sd->lease_ms + 999) / 1000;
	peer_set_deadline(p, secs > PEER_HELLO_TIMEOUT ? (int)secs :
	    PEER_HELLO_TIMEOUT);
	ac->state = AGENT_CONN_HELLO;
	ac->name = xstrdup(name);
	ac->fs_domain = *dom != '\0' ? xstrdup(dom) : NULL;
	strlcpy(ac->cred_id, r.cred_id, sizeof ac->cred_id);
	RB_INSERT(agent_cred_tree, &agents_by_cred, ac);
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "role", json_object_new_string("schedd"));
	json_object_object_add(o, "rev", json_object_new_int(MSG_REV));
	json_object_object_add(o, "lease_ms",
	    json_object_new_int64(sd->lease_ms));
	if (r.issued[0] != '\0') {
		/* Its credential, once the store holds it. */
		json_object_object_add(o, "credential",
		    json_object_new_string(r.issued));
		explicit_bzero(r.issued, sizeof r.issued);
		commit_later(p, MSG_HELLO, reqid, o);
		return;
	}
	peer_send(p, MSG_HELLO, reqid, o);
	json_object_put(o);
}

int
agents_cred_connected(const char *id)
{
	return agents_cred_first(id) != NULL;
}

void
agents_cred_revoked(const char *id, const char *why)
{
	struct agent_conn	*ac, *next;

	for (ac = agents_cred_first(id); ac != NULL &&
	    strcmp(ac->cred_id, id) == 0; ac = next) {
		/* Closing takes AC out of the tree, not NEXT. */
		next = RB_NEXT(agent_cred_tree, &agents_by_cred, ac);
		peer_close(ac->peer, why);
	}
}

struct machine *
agents_of(struct peer *p)
{
	struct agent_conn	*ac = peer_data(p);

	/* The connection's machine, unless a newer link replaced it. */
	if (ac == NULL || ac->machine == NULL || ac->machine->peer != p)
		return NULL;
	return ac->machine;
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
agents_heartbeat_ack(struct peer *p, uint32_t reqid,
    const struct agentmsg_heartbeat *hb)
{
	struct agentmsg_heartbeat_ack	 ack;
	char				 text[64];
	size_t				 n;

	/* agentmsg_encode()'s text, without json-c: one per heartbeat. */
	memset(&ack, 0, sizeof ack);
	ack.has_seq = hb->has_seq;
	ack.seq = hb->seq;
	if ((n = agentmsg_heartbeat_ack_text(&ack, text, sizeof text)) > 0)
		peer_send_text(p, MSG_HEARTBEAT_ACK, reqid, text, n);
}

/* What M's agent tells, decoded once (agentmsg.c), to its handler; its
 * texts are logged escaped and cut. */
static void
agents_report(struct peer *p, struct machine *m, uint16_t type,
    uint32_t reqid, const struct agentmsg *am)
{
	char	text[256], path[256];

	switch (type) {
	case MSG_HEARTBEAT:
		agents_heartbeat(m, &am->u.heartbeat);
		/*
		 * Heard: its lease runs from now, after it sent this.  Only
		 * an agent that asks (a request id) gets the answer: an
		 * older one would close the link on an unknown type.
		 */
		if (reqid != 0)
			agents_heartbeat_ack(p, reqid, &am->u.heartbeat);
		break;
	case MSG_STARTED:
		agents_started(m, &am->u.started);
		break;
	case MSG_EXITED:
		agents_exited(m, &am->u.exited);
		break;
	case MSG_SLOT:
		agents_slot(m, &am->u.slot);
		break;
	case MSG_FILE:
		spool_file(m, reqid, &am->u.file);
		break;
	case MSG_FILE_ACK:
		if (am->u.file_ack.ok)
			break;
		log_escape(text, sizeof text, am->u.file_ack.error,
		    strlen(am->u.file_ack.error));
		log_escape(path, sizeof path, am->u.file_ack.path,
		    strlen(am->u.file_ack.path));
		log_warnx("agent %s: job %s: file %s: %s", m->name,
		    am->u.file_ack.job, path, text);
		break;
	case MSG_BYE:
		log_escape(text, sizeof text, am->u.bye.text,
		    strlen(am->u.bye.text));
		log_info("agent %s: says goodbye (%s)", m->name, text);
		peer_close(p, NULL);
		agents_offline(m, "the agent left");
		break;
	case MSG_ERROR:
		log_escape(text, sizeof text, am->u.error.text,
		    strlen(am->u.error.text));
		log_warnx("agent %s: error: %s", m->name, text);
		break;
	}
}

static void
agents_msg(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg)
{
	struct agentmsg		 am;
	struct agentmsg_ad	 ad;
	struct agent_conn	*ac = peer_data(p);
	struct machine		*m = agents_of(p);
	const char		*errstr;
	char			 why[256];

	if (ac->state == AGENT_CONN_REFUSED) {
		peer_close(p, "message after a refused hello");
		return;
	}
	if (m != NULL)
		agents_contact(m);
	switch (type) {
	case MSG_HELLO:
		if (ac->state != AGENT_CONN_NEW) {
			peer_close(p, "second hello");
			return;
		}
		agents_hello(p, reqid, msg);
		return;
	case MSG_AD:
		if (ac->state != AGENT_CONN_HELLO) {
			peer_close(p, "ad before hello");
			return;
		}
		if (agentmsg_ad_decode(msg, &ad, &errstr) == -1) {
			snprintf(why, sizeof why, "bad ad: %s", errstr);
			peer_close(p, why);
			return;
		}
		/* Its ad came: the machine's lease watches it from now. */
		peer_set_deadline(p, 0);
		agents_ad(p, &ad);
		agentmsg_ad_clear(&ad);
		return;
	}
	if (m == NULL) {
		peer_close(p, "message before hello and ad");
		return;
	}
	if (type == MSG_DATA) {
		spool_data(m, reqid, raw, rawlen);
		return;
	}
	if (!agentmsg_from_agent(type)) {
		peer_close(p, "unexpected message type");
		return;
	}
	/* Checked against msg.c's table by the peer (msg_decode_rev). */
	if (agentmsg_decode_msg(type, msg, &am, &errstr) == -1) {
		snprintf(why, sizeof why, "bad %s message: %s",
		    msg_type_str(type), errstr);
		peer_close(p, why);
		return;
	}
	agents_report(p, m, type, reqid, &am);
}

static void
agents_closed(struct peer *p, const char *reason, void *arg)
{
	struct agent_conn	*ac = peer_data(p);
	struct machine		*m = agents_of(p);
	int			 i;

	commit_forget_peer(p);
	TAILQ_REMOVE(&agents_conns, ac, entry);
	if (ac->state == AGENT_CONN_HELLO)
		RB_REMOVE(agent_cred_tree, &agents_by_cred, ac);
	if (ac->delay_ev != NULL)
		event_free(ac->delay_ev);
	free(ac->name);
	free(ac->fs_domain);
	free(ac);
	if (m == NULL)
		return;
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
	static int64_t		 logged;
	static unsigned		 quiet;
	static int		 inherits = -1;
	struct bufferevent	*bev;
	struct ssl_st		*ssl;
	struct agent_conn	*ac;
	struct peer		*p;
	char			 host[64], label[96];
	int64_t			 left, now;
	int			 one = 1;

	host[0] = '\0';
	if (sa->sa_family == AF_INET)
		evutil_inet_ntop(AF_INET,
		    &((struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
	else if (sa->sa_family == AF_INET6)
		evutil_inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)sa)->sin6_addr, host,
		    sizeof host);
	if ((left = creds_blocked(host)) > 0) {
		/* At most a line a second, however fast they come. */
		if ((now = clock_mono_ms()) - logged >= 1000) {
			log_warnx("agents: connection from %s refused: blocked "
			    "for %lld s more after failed proofs (%u more "
			    "refused since the last line)", host,
			    (long long)((left + 999) / 1000), quiet);
			logged = now;
			quiet = 0;
		} else
			quiet++;
		close(fd);
		return;
	}
	snprintf(label, sizeof label, "tcp %s fd %d", host, (int)fd);
	/*
	 * No delay for small frames.  Linux gives an accepted socket the
	 * listener's setting (agents_init): asked once, then set only where
	 * the system does not.
	 */
	if (inherits == -1) {
		int		v = 0;
		socklen_t	vl = sizeof v;

		inherits = getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v,
		    &vl) == 0 && v != 0;
	}
	if (!inherits)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (agents_tls != NULL) {
		if ((ssl = tls_ssl_new(agents_tls)) == NULL) {
			log_warnx("agents: %s: cannot start TLS", label);
			close(fd);
			return;
		}
		/* From here the bufferevent owns SSL and FD. */
		bev = bufferevent_openssl_socket_new(sd->base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (bev == NULL) {
			log_warnx("agents: %s: cannot start TLS", label);
			return;
		}
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	} else if ((bev = bufferevent_socket_new(sd->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		return;
	}
	/* A plain link's replies are written at once (peer_new_plain). */
	p = (agents_tls == NULL ? peer_new_plain : peer_new)(sd->base, bev,
	    ROLE_AGENT, label, agents_msg, agents_closed, NULL);
	ac = xcalloc(1, sizeof *ac);
	ac->peer = p;
	strlcpy(ac->addr, host, sizeof ac->addr);
	TAILQ_INSERT_TAIL(&agents_conns, ac, entry);
	peer_set_data(p, ac);
	peer_set_deadline(p, PEER_HELLO_TIMEOUT);
}

/* Out of descriptors: refuse what waits, rest, log once in a while. */
static void
agents_accept_error(struct evconnlistener *l, void *arg)
{
	peer_accept_error(l, "agents", 0);
}

/* Write the address we listen on where pools and tests can find it. */
static int
agents_write_addr(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 host[64], text[96];
	int			 port;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		log_warn("getsockname");
		return -1;
	}
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
	snprintf(agents_addr, sizeof agents_addr, "%.*s",
	    (int)strlen(text) - 1, text);
	log_info("agents: listening on %s%s", agents_addr,
	    agents_tls == NULL ? " (insecure: plain TCP)" : "");
	return statefile_write(sd->state_dir, "listen.addr", text);
}

/* TLS from STATE_DIR/tls, or nothing with insecure = yes. */
static int
agents_tls_init(void)
{
	char	dir[1024], path[1100], err[1300], text[TLS_FP_HEXLEN + 2];

	if (cfg_bool(sd->cfg, "insecure")) {
		log_warnx("agents: insecure: plain TCP, no TLS; anyone on the "
		    "network can read and forge the agent links");
		/* No fingerprint to pin: scripts must not find an old one. */
		snprintf(path, sizeof path, "%s/fingerprint", sd->state_dir);
		(void)unlink(path);
		return 0;
	}
	snprintf(dir, sizeof dir, "%s/tls", sd->state_dir);
	if ((agents_tls = tls_server_new(dir, err, sizeof err)) == NULL) {
		log_warnx("agents: TLS: %s", err);
		return -1;
	}
	tls_fp_format(tls_fp(agents_tls), agents_fp);
	log_info("agents: TLS, certificate fingerprint SHA256 %s", agents_fp);
	snprintf(text, sizeof text, "%s\n", agents_fp);
	(void)statefile_write(sd->state_dir, "fingerprint", text);
	return 0;
}

const char *
agents_fingerprint(void)
{
	return agents_tls != NULL ? agents_fp : NULL;
}

const char *
agents_listen_addr(void)
{
	return agents_addr;
}

int
agents_init(void)
{
	struct sockaddr_storage	 ss;
	char			 host[256];
	const char		*errstr;
	int			 port, last = 0, one = 1;
	socklen_t		 sl;

	if (agents_tls_init() == -1)
		return -1;
	if (cfg_parse_hostport(cfg_str(sd->cfg, "listen"), host, sizeof host,
	    &port, &errstr) == -1) {
		log_warnx("listen: %s", errstr);
		return -1;
	}
	/* Numeric only: the daemon never blocks on a name lookup. */
	if ((sl = statefile_sockaddr(host, port, &ss)) == 0) {
		log_warnx("listen: %s: expected a numeric address", host);
		return -1;
	}
	/* Any free port, the first time: the agents know the one it was. */
	if (port == 0 && (last = statefile_last_port(sd->state_dir,
	    &ss)) != 0) {
		log_info("listen %s: asking again for port %d, the one the "
		    "agents know (%s/listen.addr)", cfg_str(sd->cfg, "listen"),
		    last, sd->state_dir);
		(void)statefile_sockaddr(host, last, &ss);
	}
	agents_listener = evconnlistener_new_bind(sd->base, agents_accept,
	    NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC, AGENTS_BACKLOG, (struct sockaddr *)&ss,
	    (int)sl);
	if (agents_listener == NULL && last != 0) {
		log_warn("listen %s: port %d, the one the agents know",
		    cfg_str(sd->cfg, "listen"), last);
		log_warnx("free port %d and start again, or remove "
		    "%s/listen.addr to take a new port (the agents then need "
		    "the new address: schedd = in their configuration)", last,
		    sd->state_dir);
		return -1;
	}
	if (agents_listener == NULL) {
		log_warn("listen %s", cfg_str(sd->cfg, "listen"));
		return -1;
	}
	evconnlistener_set_error_cb(agents_listener, agents_accept_error);
	/* What the links accepted from it inherit, where they do. */
	(void)setsockopt(evconnlistener_get_fd(agents_listener), IPPROTO_TCP,
	    TCP_NODELAY, &one, sizeof one);
	/* Nobody would find a scheduler whose listen.addr is another's. */
	if (agents_write_addr(evconnlistener_get_fd(agents_listener)) == -1) {
		log_warnx("%s/listen.addr: cannot say where agents find us "
		    "(it is as it was): not starting", sd->state_dir);
		return -1;
	}
	return 0;
}

void
agents_shutdown(void)
{
	struct agent_conn	*ac;
	struct machine		*m;

	if (agents_listener != NULL) {
		peer_guard_drop(agents_listener);
		evconnlistener_free(agents_listener);
	}
	agents_listener = NULL;
	/* Every link, those not bound to a machine (yet) too. */
	while ((ac = TAILQ_FIRST(&agents_conns)) != NULL)
		peer_close(ac->peer, NULL);
	while ((m = TAILQ_FIRST(&sd->machines)) != NULL) {
		if (m->peer != NULL)
			peer_close(m->peer, NULL);
		agents_slots_free(m);
		spool_link_closed(m);
		while (!TAILQ_EMPTY(&m->jobs))
			agents_job_gone(TAILQ_FIRST(&m->jobs));
		if (m->online)
			TAILQ_REMOVE(&sd->live, m, live_entry);
		RB_REMOVE(machine_tree, &sd->machines_by_name, m);
		TAILQ_REMOVE(&sd->machines, m, entry);
		agents_nmachines--;
		free(m->fs_domain);
		free(m->name);
		machinead_clear(&m->ad);
		free(m);
	}
	tls_free(agents_tls);
	agents_tls = NULL;
}

/* The online machines in order of their last message: only those whose
 * lease ran out are looked at. */
void
agents_tick(int64_t now)
{
	struct machine	*m;

	while ((m = TAILQ_FIRST(&sd->live)) != NULL &&
	    now - m->contact > sd->lease_ms) {
		if (m->peer != NULL)
			peer_close(m->peer, "missed its lease");
		agents_offline(m, "missed its lease");
	}
}

size_t
agents_count(void)
{
	return agents_nmachines;
}

struct machine *
agents_from(const char *name)
{
	struct machine	key;

	if (name == NULL)
		return RB_MIN(machine_tree, &sd->machines_by_name);
	key.name = (char *)name;
	return RB_NFIND(machine_tree, &sd->machines_by_name, &key);
}

struct machine *
agents_after(struct machine *m)
{
	return RB_NEXT(machine_tree, &sd->machines_by_name, m);
}

void
agents_walk(void (*cb)(struct machine *, void *), void *arg)
{
	struct machine	*m;

	TAILQ_FOREACH(m, &sd->machines, entry)
		cb(m, arg);
}
