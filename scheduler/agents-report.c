/*
 * agents-report.c: what agents tell the scheduler, checked and applied:
 * the ad at connect (slots and the jobs an agent still holds: adopted when
 * they are their job's current run, given to this machine and slot,
 * killed as stale otherwise), started and exited reports (only for a
 * job's current run on this machine, so a completion is counted once;
 * with their files and notes for the event log), slot state changes and
 * heartbeats (the owner's idle time and the load, for cq status).  An
 * agent is believed only about runs it was given: a claim on a run given
 * to another machine, or never given, changes nothing and is refused and
 * logged (agents_refuse(), which closes a link that keeps lying).
 * Called by agents.c's message handler, which decodes every report but
 * the ad into its struct (common/agentmsg.c, agentmsg-ad.c) first: what
 * arrives here has every member checked, and nothing below reads JSON.
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

#include "agentmsg.h"
#include "agents-int.h"
#include "agents.h"
#include "autocluster.h"
#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "log.h"
#include "machinead.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "schedd.h"
#include "spool.h"
#include "jobdesc.h"
#include "jobend.h"
#include "store.h"
#include "xmalloc.h"



/* J's slot, as its run was given: "slotN@name" names slot SID of M. */
static int
agents_ad_slot_ok(const struct job *j, const struct machine *m, int64_t sid)
{
	char	want[128];

	snprintf(want, sizeof want, "slot%lld@%s", (long long)sid, m->name);
	return j->machine != NULL && strcmp(j->machine, want) == 0;
}

static struct job *
agents_find_job(const char *id)
{
	uint32_t	cluster;
	int64_t		proc;

	if (job_id_parse(id, &cluster, &proc) == 0 && proc >= 0)
		return queue_find(cluster, (uint32_t)proc);
	return NULL;
}

/*
 * Refuse the jobs an ad from P claims that are not M's: runs never given
 * or given to another machine.  1 if that closed P (before the ad
 * changed anything).
 */
static int
agents_ad_lies(struct machine *m, struct peer *p, const struct agentmsg_ad *ad)
{
	const struct agentmsg_ad_job	*e;
	char				 why[160];
	size_t				 i;

	for (i = 0; i < ad->njobs; i++) {
		e = &ad->jobs[i];
		if (agents_run_foreign(agents_find_job(e->job), m, e->run, why,
		    sizeof why) && agents_refuse(m, p, "holding in its ad",
		    e->job, e->run, why))
			return 1;
	}
	return 0;
}

/* Adopt what is ours of the jobs AD says M holds; kill what is stale. */
static void
agents_ad_jobs(struct machine *m, const struct agentmsg_ad *ad)
{
	const struct agentmsg_ad_job	*e;
	struct job			*j;
	struct slot			*s;
	char				 why[160];
	size_t				 i;

	for (i = 0; i < ad->njobs; i++) {
		e = &ad->jobs[i];
		s = e->slot <= m->nslots ? m->slots[e->slot - 1] : NULL;
		j = agents_find_job(e->job);
		/* Refused above: another machine's run is not touched. */
		if (agents_run_foreign(j, m, e->run, why, sizeof why))
			continue;
		/* Only a run given to this machine, in that slot. */
		if (j != NULL && s != NULL && s->job == NULL &&
		    j->run == e->run && agents_job_on(j, m) &&
		    agents_ad_slot_ok(j, m, e->slot) && j->slot == NULL) {
			s->job = j;
			slots_first_state(s, SLOT_CLAIMED);
			j->slot = s;
			log_info("agent %s: adopted job %s run %u",
			    m->name, e->job, e->run);
			if (j->state == JOB_REMOVED && !e->exited)
				agents_kill(s, j);
			continue;
		}
		if (s != NULL && s->stale_job[0] == '\0') {
			strlcpy(s->stale_job, e->job, sizeof s->stale_job);
			s->stale_run = e->run;
			slots_first_state(s, SLOT_CLAIMED);
		}
		if (!e->exited) {
			log_info("agent %s: job %s run %u is stale, killing",
			    m->name, e->job, e->run);
			agents_send_kill(m, e->job, e->run);
		}
	}
}

/* The ad from P (agentmsg.c checked every member): M's slots and jobs. */
void
agents_ad(struct peer *p, struct agentmsg_ad *ad)
{
	struct agent_conn	*ac = peer_data(p);
	struct machine		*m;
	struct machinead	 mad;
	struct slot		*s;
	size_t			 i;
	enum slot_state		 st;

	if (strcmp(ac->name, ad->name) != 0) {
		peer_close(p, "ad names another agent");
		return;
	}
	m = agents_get(ac->name);
	if (agents_ad_lies(m, p, ad))
		return;
	if (ad->machine != NULL) {
		/* Taken over from the ad. */
		mad = *ad->machine;
		memset(ad->machine, 0, sizeof *ad->machine);
	} else {
		/* An agent that says nothing of its platform: no Arch,
		 * OpSys or Disk, so it matches no job's requirements. */
		memset(&mad, 0, sizeof mad);
		mad.total_cpus = mad.total_memory_mb = mad.total_disk_kb = -1;
	}
	if (m->peer != NULL && m->peer != p) {
		/* The same credential again: the agent restarted. */
		peer_close(m->peer, "replaced by a new connection");
	}
	if (m->peer != p) {
		free(m->fs_domain);
		m->fs_domain = ac->fs_domain != NULL ?
		    xstrdup(ac->fs_domain) : NULL;
	}
	m->peer = p;
	ac->machine = m;
	agents_online(m);

	m->criu = ad->criu;
	machinead_clear(&m->ad);
	m->ad = mad;
	/* What its start and rank name is significant for grouping jobs. */
	autocluster_significant(m->ad.start);
	autocluster_significant(m->ad.rank);
	/* Rebuild the slot mirror from the ad (a new slot's first state). */
	agents_slots_free(m);
	m->nslots = (int)ad->nslots;
	m->slots = xcalloc((size_t)m->nslots, sizeof *m->slots);
	for (i = 0; i < ad->nslots; i++) {
		s = xcalloc(1, sizeof *s);
		s->machine = m;
		s->id = (int)i + 1;
		s->cpus = ad->slots[i].cpus;
		s->memory_mb = ad->slots[i].memory_mb;
		s->disk_kb = m->ad.total_disk_kb >= 0 ?
		    m->ad.total_disk_kb / m->nslots : -1;
		st = ad->slots[i].state;
		slots_first_state(s, st == SLOT_CLAIMED ? SLOT_UNCLAIMED : st);
		m->slots[i] = s;
	}
	agents_ad_jobs(m, ad);
	agents_requeue_orphans(m, "agent restarted without the job");
	for (i = 0; i < (size_t)m->nslots; i++)
		agents_free_add(m->slots[i]);
	agents_machine_store(m);
	log_info("agent %s: online with %d slots%s", m->name, m->nslots,
	    agents_fingerprint() == NULL ? " (insecure: plain TCP)" : "");
}

/* Events the agent tells with a report of the current run (jobs-criu.c). */
static void
agents_notes(struct job *j, const struct agentmsg_note *notes, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		queue_note(j, notes[i].event, notes[i].detail);
}

/* A run started (or was restored): its notes go to the event log. */
void
agents_started(struct machine *m, const struct agentmsg_started *msg)
{
	const char	*id = msg->job;
	struct job	*j = agents_find_job(id);
	int64_t		 run = msg->run;
	char		 why[160];

	log_debug("agent %s: started %s run %lld pid %lld", m->name, id,
	    (long long)run, (long long)msg->pid);
	if (agents_run_here(j, m, run)) {
		agents_notes(j, msg->notes, msg->nnotes);
		/* Whom the desktop runs it as: its owner or a slot user. */
		if (msg->user[0] != '\0') {
			snprintf(why, sizeof why, "%.64s on slot%d@%.64s",
			    msg->user, j->slot != NULL ? j->slot->id : 0,
			    m->name);
			queue_note(j, "run-as", why);
		}
	} else if (agents_run_foreign(j, m, run, why, sizeof why))
		agents_refuse(m, m->peer, "a start report", id, run, why);
}

/* The agent ended a run (or refused to start it): say why, in the log;
 * STALE: a run given up already, whose end counts for nothing. */
static void
agents_exit_log(const struct machine *m, const struct agentmsg_exited *msg,
    int stale)
{
	static const struct {
		enum agentmsg_kill_reason	 r;
		const char			*text;
	} texts[] = {
		{ AGENTMSG_KILL_OWNER, "the desktop's owner came back" },
		{ AGENTMSG_KILL_LEASE, "its lease: it did not hear the "
		    "scheduler" },
		{ AGENTMSG_KILL_VACATE, "cq vacate" },
		{ AGENTMSG_KILL_SHUTDOWN, "the agent shut down" },
		{ AGENTMSG_KILL_REMOVED, "the scheduler's kill order" },
	};
	const char	*why = "no reason given (an older agent)";
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].r == msg->kill_reason)
			why = texts[i].text;
	log_escape(err, sizeof err, msg->error, strlen(msg->error));
	if (err[0] != '\0')
		log_info("agent %s: job %s run %u not started by the agent: "
		    "%s (%s)%s", m->name, msg->job, msg->run, why, err,
		    stale ? "; a run given up already" : "");
	else
		log_info("agent %s: job %s run %u %s by the agent: %s%s",
		    m->name, msg->job, msg->run, msg->evicted ? "evicted" :
		    "killed", why, stale ? "; a run given up already" : "");
}

void
agents_exited(struct machine *m, const struct agentmsg_exited *msg)
{
	struct jobend_run	 re;
	struct job		*j = NULL;
	struct agentmsg		 ack;
	const char		*id = msg->job;
	int64_t			 run = msg->run;
	enum slot_state		 after = msg->slot_state;
	char			 hold[256];
	int			 i, restart = 0;

	j = agents_find_job(id);
	if (agents_run_foreign(j, m, run, hold, sizeof hold)) {
		/* Another machine's run, or none: no effect, no ack. */
		agents_refuse(m, m->peer, "an exit report", id, run, hold);
		return;
	}
	if (msg->has_slot_state &&
	    j != NULL && j->slot != NULL && j->slot->machine == m)
		agents_slot_state(j->slot, after);
	if (agents_run_here(j, m, run)) {
		agents_notes(j, msg->notes, msg->nnotes);
		/* How the run ended, as plain values: jobend.c decides. */
		memset(&re, 0, sizeof re);
		re.code = msg->code;
		re.signal = msg->signal;
		re.core = 0;		/* (no agent reports a core dump) */
		re.utime_ms = msg->utime_ms;
		re.stime_ms = msg->stime_ms;
		re.maxrss_kb = msg->maxrss_kb;
		re.error = msg->error[0] != '\0' ? msg->error : NULL;
		re.evicted = msg->evicted;
		re.kill_reason = msg->kill_reason != AGENTMSG_KILL_NONE ?
		    agentmsg_kill_reason_str(msg->kill_reason) : NULL;
		if (msg->evicted || msg->kill_reason != AGENTMSG_KILL_NONE)
			agents_exit_log(m, msg, 0);
		re.checkpoint = msg->checkpoint;
		re.criu = msg->criu;
		/* A run whose files travel counts them in its report. */
		re.files = msg->has_files ?
		    spool_exited(j, msg->files, msg->checkpoint) : 1;
		re.memory_exceeded = msg->memory_exceeded;
		re.memory_limit_mb = msg->memory_limit_mb;
		re.memory_peak_mb = msg->memory_peak_mb;
		re.missing = msg->missing[0] != '\0' ? msg->missing : NULL;
		restart = queue_ended(j, &re);
	} else {
		log_debug("agent %s: exit of stale %s run %lld", m->name, id,
		    (long long)run);
		if (msg->kill_reason != AGENTMSG_KILL_NONE)
			agents_exit_log(m, msg, 1);
		for (i = 0; i < m->nslots; i++) {
			struct slot *s = m->slots[i];
			if (strcmp(s->stale_job, id) == 0 &&
			    (int64_t)s->stale_run == run) {
				s->stale_job[0] = '\0';
				if (s->job == NULL && msg->has_slot_state)
					agents_slot_state(s, after);
				agents_free_add(s);
			}
		}
	}
	/* Acknowledged only once the completion is durable. */
	ack.type = MSG_EXIT_ACK;
	memset(&ack.u.exit_ack, 0, sizeof ack.u.exit_ack);	/* 23 KB all */
	strlcpy(ack.u.exit_ack.job, id, sizeof ack.u.exit_ack.job);
	ack.u.exit_ack.run = msg->run;
	ack.u.exit_ack.restart = restart;
	commit_later(m->peer, MSG_EXIT_ACK, 0, agentmsg_encode(&ack));
}

/* A slot changed state on the agent (owner activity, policy). */
void
agents_slot(struct machine *m, const struct agentmsg_slot *msg)
{
	struct slot	*s;
	struct job	*j;
	enum slot_state	 to = msg->state;
	int64_t		 sid = msg->slot;
	int64_t		 run = msg->has_job ? (int64_t)msg->run : -1;
	const char	*jid = msg->has_job ? msg->job : NULL;
	char		 why[160], id[32];

	/* agentmsg.c checked the state (never OFFLINE) and the number. */
	if (sid < 1 || sid > m->nslots) {
		peer_close(m->peer, "bad slot message: no such slot");
		return;
	}
	if (jid != NULL && agents_run_foreign(agents_find_job(jid), m, run,
	    why, sizeof why)) {
		agents_refuse(m, m->peer, "a slot report", jid, run, why);
		return;
	}
	s = m->slots[sid - 1];
	agents_slot_state(s, to);
	if ((j = s->job) != NULL)
		snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	/* The job in that slot, if the report names its current run. */
	if (j != NULL && (int64_t)j->run == run &&
	    (jid == NULL || strcmp(jid, id) == 0)) {
		snprintf(why, sizeof why, "slot%d@%s", s->id, m->name);
		if (to == SLOT_SUSPENDED)
			queue_suspend(j, 1, why);
		else if (to == SLOT_CLAIMED)
			queue_suspend(j, 0, why);
		else if (to == SLOT_VACATING)
			queue_note(j, "vacate", why);
	}
	/* The free list follows the mirror (slots.c), whatever the move. */
	agents_free_add(s);
}

/* Keep what a heartbeat tells of the owner for `cq status`. */
void
agents_heartbeat(struct machine *m, const struct agentmsg_heartbeat *msg)
{
	m->hb_mono = clock_mono_ms();
	if (msg->has_load) {
		m->has_load = 1;
		m->load = msg->load;
	}
	m->owner_idle_ms = msg->owner_idle_ms;
	m->owner_seen_ms = msg->owner_seen_ms;
	m->has_absence = msg->owner_absence_s >= 0;
	m->owner_absence_s = msg->owner_absence_s;
}
