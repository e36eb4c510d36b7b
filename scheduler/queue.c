/*
 * queue.c: the job lifecycle.  This module is the only caller of
 * job_set_state(); each move is written to the store with a row in the
 * job event log inside the loop turn's transaction (commit_begin()), so
 * it is durable before anybody is told.  Jobs live in a tree by id; idle
 * ones also sit on the idle list in matching order (priority, then
 * submission).  A finished job leaves memory; the store keeps it for
 * history.  The end of a run (queue_ended) and the periodic expressions
 * (queue_policy_tick, and queue_policy_due for the jobs that changed in
 * a loop turn) are decided by jobend.c and applied here.
 * A client's request that the store refuses is undone in memory by
 * queue-undo.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "autocluster.h"
#include "clock.h"
#include "clusters.h"
#include "commit.h"
#include "factory.h"
#include "jobad.h"
#include "jobdesc.h"
#include "jobend.h"
#include "log.h"
#include "owners.h"
#include "place.h"
#include "queue.h"
#include "queue-int.h"
#include "schedd.h"
#include "share.h"
#include "spool.h"
#include "store.h"
#include "userlog.h"
#include "xmalloc.h"

int
job_cmp(struct job *a, struct job *b)
{
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	if (a->proc != b->proc)
		return a->proc < b->proc ? -1 : 1;
	return 0;
}

RB_GENERATE(job_tree, job, tree_entry, job_cmp);

struct job *
queue_find(uint32_t cluster, uint32_t proc)
{
	struct job	key;

	key.cluster = cluster;
	key.proc = proc;
	return RB_FIND(job_tree, &sd->jobs, &key);
}

void
queue_walk(void (*cb)(struct job *, void *), void *arg)
{
	struct job	*j, *next;

	RB_FOREACH_SAFE(j, job_tree, &sd->jobs, next)
		cb(j, arg);
}

/* J left the idle list or memory: its cluster's factory has room. */
static void
queue_factory_room(const struct job *j)
{
	struct cluster	*cl;

	if ((cl = clusters_find(j->cluster)) != NULL && cl->nwaiting > 0)
		factory_again();
}

/* Put J on the idle list in matching order. */
void
queue_idle_add(struct job *j)
{
	struct job	*k;

	if (j->on_idle)
		return;
	/* Most jobs go at the end: walk from the tail. */
	TAILQ_FOREACH_REVERSE(k, &sd->idle, job_list, idle_entry) {
		if (k->priority > j->priority ||
		    (k->priority == j->priority && job_cmp(k, j) < 0))
			break;
	}
	if (k == NULL)
		TAILQ_INSERT_HEAD(&sd->idle, j, idle_entry);
	else
		TAILQ_INSERT_AFTER(&sd->idle, k, j, idle_entry);
	j->on_idle = 1;
	j->idle_turn = sd->turns;
	j->idle_rows = sd->answer_rows;
	clusters_idle(j->cluster, 1);
	share_job(j);
	sd->match_wanted = 1;
	schedd_turn_request();
}

void
queue_idle_del(struct job *j)
{
	if (!j->on_idle)
		return;
	TAILQ_REMOVE(&sd->idle, j, idle_entry);
	j->on_idle = 0;
	clusters_idle(j->cluster, 0);
	queue_factory_room(j);
	share_job(j);
}

static void
queue_insert(struct job *j)
{
	RB_INSERT(job_tree, &sd->jobs, j);
	sd->njobs++;
	clusters_hold(j->cluster);
	owners_hold(j->uid);
	if (j->state == JOB_IDLE)
		queue_idle_add(j);
	share_job(j);	/* a running one counts for fair share */
}

/*
 * J is finished and its slot released: it leaves memory (at the end of
 * the client's request that finished it, once that is durable).
 */
static void
queue_forget(struct job *j)
{
	if (queue_request_forget(j))
		return;
	queue_forget_now(j);
}

void
queue_forget_now(struct job *j)
{
	spool_job_gone(j);
	queue_idle_del(j);
	RB_REMOVE(job_tree, &sd->jobs, j);
	sd->njobs--;
	queue_factory_room(j);
	clusters_drop(j->cluster);
	owners_drop(j->uid);
	share_job_gone(j);
	agents_job_gone(j);
	job_free(j);
}

/* Run time of J since its run began or its last checkpoint, in ms. */
static int64_t
queue_segment(const struct job *j)
{
	int64_t	from = j->started > j->ckpt_time ? j->started : j->ckpt_time;
	int64_t	now = clock_now_ms();

	return from > 0 && now > from ? now - from : 0;
}

/* Jobs whose periodic policy is due at the end of this loop turn. */
static struct queue_due {
	uint32_t	 cluster, proc;
} *queue_due;
static size_t	 queue_ndue, queue_due_cap;
static int	 queue_in_policy;	/* the policy acts: no new checks */

/* J changed: its periodic expressions are checked at the turn's end. */
static void
queue_policy_mark(struct job *j)
{
	if (queue_in_policy || j->policy_due ||
	    !jobend_policy_periodic(j->policy))
		return;
	if (queue_ndue == queue_due_cap) {
		queue_due_cap = queue_due_cap == 0 ? 64 : queue_due_cap * 2;
		queue_due = xreallocarray(queue_due, queue_due_cap,
		    sizeof *queue_due);
	}
	queue_due[queue_ndue].cluster = j->cluster;
	queue_due[queue_ndue++].proc = j->proc;
	j->policy_due = 1;
	schedd_turn_request();
}

/*
 * Write J (unless ROW is 0: its row did not change) and an event.  Inside
 * a client's request a store failure fails the request (rolled back,
 * undone: see queue_request_end); elsewhere it is still fatal (see
 * commit.c).
 */
static void
queue_write(struct job *j, int row, const char *event, const char *detail)
{
	if (commit_begin() == -1 ||
	    (row && store_job_update(sd->store, j) == -1) ||
	    store_event_add(sd->store, j->cluster, j->proc, clock_now_ms(),
	    event, j->run, detail) == -1) {
		if (!commit_request_active())
			fatalx("job %u.%u: cannot record %s", j->cluster,
			    j->proc, event);
		log_warnx("job %u.%u: cannot record %s", j->cluster, j->proc,
		    event);
		commit_request_fail(NULL);
	}
	userlog_event(j);
	share_job(j);	/* fair share and limits: a run begun or ended */
	queue_policy_mark(j);
}

static void
queue_persist(struct job *j, const char *event, const char *detail)
{
	queue_write(j, 1, event, detail);
}

/*
 * What memory kept of a job's events: a held job's hold reason (its
 * newest "held" event) and a running job's pending cq vacate (a "vacate"
 * of the current run, with nothing after it).
 */
static int
queue_load_events(void *arg, int64_t time, const char *event, uint32_t run,
    const char *detail)
{
	struct job	*j = arg;

	/* (A job held by a cq-schedd that kept no reason in its row.) */
	if (strcmp(event, "held") == 0 && j->hold_code == 0) {
		free(j->hold_reason);
		j->hold_reason = xstrdup(detail != NULL ? detail : "");
		j->hold_code = job_hold_code(j->hold_reason);
	}
	j->vacating = strcmp(event, "vacate") == 0 && run == j->run &&
	    detail != NULL && strncmp(detail, QUEUE_VACATE_BY,
	    strlen(QUEUE_VACATE_BY)) == 0;
	return 0;
}

static int
queue_load_one(void *arg, struct job *j)
{
	char	 err[256];

	share_job_attrs_ad(j);
	j->logged = userlog_ad_logged(j->ad);
	if (jobad_policy(j, &j->policy, err, sizeof err) == -1)
		log_warnx("job %u.%u: its policy is ignored: %s", j->cluster,
		    j->proc, err);
	if (j->state == JOB_HELD || j->state == JOB_RUNNING ||
	    j->state == JOB_SUSPENDED)
		store_events(sd->store, j->cluster, j->proc, queue_load_events,
		    j);
	if (j->state == JOB_HELD)
		j->vacating = 0;
	if (j->state == JOB_RUNNING || j->state == JOB_SUSPENDED ||
	    j->state == JOB_TRANSFERRING_OUTPUT ||
	    (j->state == JOB_REMOVED && j->machine != NULL)) {
		/* Its agent gets a lease to come back and claim it (or,
		 * removed, to confirm the kill). */
		agents_expect(j);
	}
	jobad_fill(j);
	queue_insert(j);
	return 0;
}

static int
queue_load_cluster(void *arg, uint32_t id, const char *owner,
    const char *batch_name, uint32_t nprocs, int64_t submitted)
{
	clusters_add(id, owner, batch_name, nprocs, submitted);
	return 0;
}

int
queue_load(void)
{
	if (store_clusters_load(sd->store, queue_load_cluster, NULL) == -1)
		return -1;
	if (store_jobs_load(sd->store, queue_load_one, NULL) == -1)
		return -1;
	/* The factories go on from their next proc (after their jobs). */
	if (factory_init() == -1 || factory_load() == -1)
		return -1;
	log_info("queue: %llu unfinished jobs loaded",
	    (unsigned long long)sd->njobs);
	return 0;
}

void
queue_shutdown(void)
{
	struct job	*j, *next;

	RB_FOREACH_SAFE(j, job_tree, &sd->jobs, next) {
		queue_idle_del(j);
		RB_REMOVE(job_tree, &sd->jobs, j);
		agents_job_gone(j);
		job_free(j);
	}
	sd->njobs = 0;
	factory_shutdown();
	clusters_shutdown();
	owners_shutdown();
}

/* Replace each "$(Cluster)"/"$(ClusterId)" in AD by the cluster id. */
static char *
queue_expand_cluster(const char *ad, uint32_t cluster)
{
	static const char	*names[] = { "$(Cluster)", "$(ClusterId)" };
	char			 num[16], *out;
	const char		*p, *hit;
	size_t			 len, i, nl, cap, o = 0;

	if (strstr(ad, "$(Cluster") == NULL)
		return xstrdup(ad);
	snprintf(num, sizeof num, "%u", cluster);
	len = strlen(ad);
	cap = len + 1 + (len / 10 + 1) * strlen(num);
	out = xmalloc(cap);
	p = ad;
	while ((hit = strchr(p, '$')) != NULL) {
		/* Copy up to the next '$' at once: linear in the ad. */
		memcpy(out + o, p, hit - p);
		o += hit - p;
		p = hit;
		nl = 0;
		for (i = 0; i < 2; i++)
			if (strncmp(p, names[i], strlen(names[i])) == 0)
				nl = strlen(names[i]);
		if (nl > 0) {
			memcpy(out + o, num, strlen(num));
			o += strlen(num);
			p += nl;
		} else
			out[o++] = *p++;
	}
	len = strlen(p);
	memcpy(out + o, p, len);
	o += len;
	out[o] = '\0';
	return out;
}

static void
queue_policy_src(const struct jobdesc *d, struct jobend_src *s)
{
	s->on_exit_remove = d->on_exit_remove;
	s->on_exit_hold = d->on_exit_hold;
	s->on_exit_hold_reason = d->on_exit_hold_reason;
	s->on_exit_hold_subcode = d->on_exit_hold_subcode;
	s->periodic_hold = d->periodic_hold;
	s->periodic_hold_reason = d->periodic_hold_reason;
	s->periodic_hold_subcode = d->periodic_hold_subcode;
	s->periodic_release = d->periodic_release;
	s->periodic_remove = d->periodic_remove;
	s->success_exit_code = d->success_exit_code;
	s->retry_until = d->retry_until;
	s->max_retries = d->max_retries;
}

/*
 * The parsed policy of D into *OUT (a reference): the jobs of a submit
 * mostly write the same, so the last one parsed is kept and shared.
 */
static int
queue_policy_get(const struct jobdesc *d, struct jobend_policy **out,
    char *err, size_t errlen)
{
	static struct jobend_policy	*last;
	struct jobend_src		 src;
	char				 why[256];

	queue_policy_src(d, &src);
	if (last != NULL && jobend_policy_same(last, &src)) {
		*out = jobend_policy_ref(last);
		return 0;
	}
	if (jobend_policy_new(&src, out, err != NULL ? err : why,
	    err != NULL ? errlen : sizeof why) == -1)
		return -1;
	if (*out != NULL) {
		jobend_policy_free(last);
		last = jobend_policy_ref(*out);
	}
	return 0;
}

int
queue_policy_check(const struct jobdesc *d, char *err, size_t errlen)
{
	struct jobend_policy	*p;

	if (queue_policy_get(d, &p, err, errlen) == -1)
		return -1;
	jobend_policy_free(p);
	return 0;
}

/* The CMD column: the executable and its arguments, cut at a bound. */
static char *
queue_cmdline(const struct jobdesc *d)
{
	char	buf[512];
	size_t	i;

	strlcpy(buf, d->executable != NULL ? d->executable : "", sizeof buf);
	for (i = 0; i < d->argc; i++) {
		if (strlcat(buf, " ", sizeof buf) >= sizeof buf ||
		    strlcat(buf, d->argv[i], sizeof buf) >= sizeof buf)
			break;
	}
	return xstrdup(buf);
}

/* A new idle job of CLUSTER from its description D and wire text AD. */
static struct job *
queue_job_new(uid_t uid, const char *owner, uint32_t cluster,
    const struct jobdesc *d, const char *ad, int64_t now)
{
	struct job	*j;
	char		*cmd;

	j = job_new();
	j->cluster = cluster;
	j->proc = d->proc;
	j->state = JOB_IDLE;
	j->uid = uid;
	j->owner = xstrdup(owner);
	j->request_cpus = d->request_cpus;
	j->request_memory_mb = d->request_memory_mb;
	j->priority = (int)d->priority;
	share_job_attrs(j, d);
	j->logged = d->log != NULL;
	j->request_disk_kb = d->request_disk_kb;
	if (d->requirements != NULL)
		j->requirements = xstrdup(d->requirements);
	if (d->rank != NULL)
		j->rank = xstrdup(d->rank);
	j->runtime_s = jobad_runtime(d->custom);
	j->keeps = place_keeps(jobdesc_xfer_wanted(d),
	    d->checkpoint_exit_code, d->checkpoint);
	cmd = queue_cmdline(d);
	j->cmd = queue_expand_cluster(cmd, cluster);
	free(cmd);
	j->ad = queue_expand_cluster(ad, cluster);
	j->submitted = now;
	j->entered = now;
	if (d->hold) {
		/* hold = true: as condor_submit's, until cq release; the
		 * row keeps why, and the user log has only the submit
		 * event, as HTCondor's. */
		j->state = JOB_HELD;
		j->hold_reason = xstrdup(QUEUE_HOLD_SUBMITTED);
		j->hold_code = JOBEND_HOLD_SUBMITTED;
	}
	return j;
}

/*
 * Enter the N jobs DESCS/ADS of CLUSTER (procs from DESCS[0].proc on):
 * the store first, so that a refusal leaves nothing in memory.
 */
static int
queue_enter(uid_t uid, const char *owner, uint32_t cluster,
    struct jobdesc *descs, char **ads, size_t n, int64_t now)
{
	struct job	**v;
	size_t		 i;
	int		 rc = -1;

	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		v[i] = queue_job_new(uid, owner, cluster, &descs[i], ads[i],
		    now);
		if (queue_policy_get(&descs[i], &v[i]->policy, NULL, 0) == -1 ||
		    queue_find(v[i]->cluster, v[i]->proc) != NULL ||
		    store_job_insert(sd->store, v[i]) == -1 ||
		    store_event_add(sd->store, v[i]->cluster, v[i]->proc, now,
		    "submit", 0, NULL) == -1)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		userlog_event(v[i]);
		queue_insert(v[i]);
		queue_policy_mark(v[i]);
		v[i] = NULL;
	}
	sd->nsubmitted += n;
	queue_request_entered(cluster, n > 0 ? descs[0].proc : 0, n);
	rc = 0;
fail:
	/* The caller rolls the request back. */
	for (i = 0; i < n; i++)
		job_free(v[i]);
	free(v);
	return rc;
}

int
queue_submit(uid_t uid, const char *owner, const char *batch_name,
    struct jobdesc *descs, char **ads, size_t n, uint32_t *cluster)
{
	int64_t		 now = clock_now_ms();

	if (commit_begin() == -1)
		return -1;
	if (store_cluster_new(sd->store, uid, owner, now, batch_name,
	    (uint32_t)n, cluster) == -1)
		return -1;
	if (queue_enter(uid, owner, *cluster, descs, ads, n, now) == -1)
		return -1;
	clusters_add(*cluster, owner, batch_name, (uint32_t)n, now);
	return 0;
}

int
queue_materialize(uid_t uid, const char *owner, uint32_t cluster,
    struct jobdesc *descs, char **ads, size_t n)
{
	if (commit_begin() == -1)
		return -1;
	return queue_enter(uid, owner, cluster, descs, ads, n, clock_now_ms());
}

void
queue_start(struct job *j, struct slot *s)
{
	char	 detail[256];

	if (job_set_state(j, JOB_RUNNING) == -1)
		return;
	queue_idle_del(j);
	/* What the loop made it wait (with a slot free: ctl-answer.c). */
	if (sd->turns - j->idle_turn > sd->start_wait_turns_max)
		sd->start_wait_turns_max = sd->turns - j->idle_turn;
	if (sd->answer_rows - j->idle_rows > sd->start_wait_rows_max)
		sd->start_wait_rows_max = sd->answer_rows - j->idle_rows;
	j->run++;
	j->nstarts++;
	j->started = clock_now_ms();
	j->slot = s;
	free(j->machine);
	xasprintf(&j->machine, "slot%d@%s", s->id, s->machine->name);
	agents_job_placed(j);
	snprintf(detail, sizeof detail, "%s", j->machine);
	queue_persist(j, "execute", detail);
	sd->nstarted++;
	agents_start(s, j);
}

/* Detach J from its slot (if any) and give the slot back. */
static void
queue_release_slot(struct job *j)
{
	if (j->slot != NULL) {
		agents_slot_release(j->slot);
		j->slot = NULL;
	}
}

void
queue_exited(struct job *j, const struct exit_info *ei)
{
	char	 detail[512];

	if (j->vacating && ei->signal != 0 && (j->state == JOB_RUNNING ||
	    j->state == JOB_SUSPENDED)) {
		/*
		 * cq vacate: the kill was an eviction, it runs again.  (A run
		 * that ended by itself before the kill landed is an end.)
		 */
		queue_requeue(j, "vacated by cq vacate");
		return;
	}
	if (j->state == JOB_HELD) {
		/* A hold killed the run: the job waits for a release. */
		queue_release_slot(j);
		queue_persist(j, "held-exit", NULL);
		return;
	}
	j->finished = clock_now_ms();
	j->exit_code = ei->code;
	j->exit_signal = ei->signal;
	j->utime_ms = ei->utime_ms;
	j->stime_ms = ei->stime_ms;
	j->maxrss_kb = ei->maxrss_kb;
	queue_release_slot(j);
	if (j->state == JOB_REMOVED) {
		/* A removal waited for the kill to land. */
		queue_persist(j, "aborted-exit", NULL);
		queue_forget(j);
		return;
	}
	if (ei->error != NULL) {
		snprintf(detail, sizeof detail, "could not start: %s",
		    ei->error);
		if (job_set_state(j, JOB_HELD) == -1)
			return;
		free(j->hold_reason);
		j->hold_reason = xstrdup(detail);
		j->hold_code = JOBEND_HOLD_START;
		j->hold_subcode = 0;
		queue_persist(j, "held", detail);
		return;
	}
	if (job_set_state(j, JOB_COMPLETED) == -1)
		return;
	j->ncompletions++;
	j->goodput_ms += queue_segment(j);
	clusters_ran(j->cluster, j->goodput_ms);
	if (ei->signal != 0)
		snprintf(detail, sizeof detail, "signal %d", ei->signal);
	else
		snprintf(detail, sizeof detail, "exit %d", ei->code);
	queue_persist(j, "terminate", detail);
	sd->ncompleted++;
	queue_forget(j);
}

void
queue_suspend(struct job *j, int on, const char *why)
{
	if (on && j->state == JOB_RUNNING) {
		if (job_set_state(j, JOB_SUSPENDED) == 0)
			queue_persist(j, "suspend", why);
	} else if (!on && j->state == JOB_SUSPENDED) {
		if (job_set_state(j, JOB_RUNNING) == 0)
			queue_persist(j, "unsuspend", why);
	}
}

/* An event of J's run that changes nothing of its row (run-as, vacate). */
void
queue_note(struct job *j, const char *event, const char *detail)
{
	queue_write(j, 0, event, detail);
}

void
queue_transferring(struct job *j)
{
	if (j->state == JOB_RUNNING &&
	    job_set_state(j, JOB_TRANSFERRING_OUTPUT) == 0)
		queue_persist(j, "transfer-output", j->machine);
}

void
queue_checkpoint(struct job *j)
{
	char	detail[64];

	j->goodput_ms += queue_segment(j);
	j->ckpt_time = clock_now_ms();
	snprintf(detail, sizeof detail, "version %u%s", j->ckpt_version,
	    j->ckpt_criu ? " (CRIU image)" : "");
	queue_persist(j, "checkpoint", detail);
}

/* J goes back to IDLE, recorded as EVENT ("evict" or "evict-checkpointed"). */
static void
queue_requeue_as(struct job *j, const char *event, const char *why)
{
	j->vacating = 0;
	if (j->state == JOB_HELD) {
		/* Its run is gone; the hold stays. */
		queue_release_slot(j);
		free(j->machine);
		j->machine = NULL;
		queue_persist(j, "evict", why);
		return;
	}
	if (j->state == JOB_REMOVED) {
		/* Nobody will report its end now; it is gone. */
		j->finished = clock_now_ms();
		queue_release_slot(j);
		queue_persist(j, "aborted-lost", why);
		queue_forget(j);
		return;
	}
	if (j->state == JOB_RUNNING || j->state == JOB_SUSPENDED ||
	    j->state == JOB_TRANSFERRING_OUTPUT) {
		/* What ran since the last checkpoint is lost. */
		j->badput_ms += queue_segment(j);
		j->nevictions++;
	}
	if (job_set_state(j, JOB_IDLE) == -1)
		return;
	queue_release_slot(j);
	free(j->machine);
	j->machine = NULL;
	queue_persist(j, event, why);
	queue_idle_add(j);
}

void
queue_requeue(struct job *j, const char *why)
{
	queue_requeue_as(j, "evict", why);
}

void
queue_requeue_checkpointed(struct job *j, const char *why)
{
	queue_requeue_as(j, "evict-checkpointed", why);
}

int
queue_hold_as(struct job *j, int code, int subcode, const char *why)
{
	enum job_state	 was = j->state;

	queue_request_keep(j);
	if (was != JOB_IDLE && was != JOB_RUNNING && was != JOB_SUSPENDED &&
	    was != JOB_TRANSFERRING_OUTPUT)
		return 0;
	if (job_set_state(j, JOB_HELD) == -1)
		return 0;
	queue_idle_del(j);
	j->vacating = 0;
	free(j->hold_reason);
	j->hold_reason = xstrdup(why);
	j->hold_code = code;
	j->hold_subcode = subcode;
	/*
	 * A run that the hold kills is lost since its last checkpoint; it
	 * counts in the cumulative run time (condor_q's RUN_TIME).
	 */
	if (was != JOB_IDLE)
		j->badput_ms += queue_segment(j);
	queue_persist(j, "held", why);
	/* A running job is killed; its slot is kept until it is dead. */
	if (was != JOB_IDLE && j->slot != NULL)
		agents_kill(j->slot, j);
	return 1;
}

int
queue_hold(struct job *j, const char *by)
{
	return queue_hold_as(j, JOBEND_HOLD_USER, 0, by);
}

int
queue_release(struct job *j, const char *by)
{
	if (j->state != JOB_HELD || j->slot != NULL)
		return 0;	/* not held, or its last run not dead yet */
	queue_request_keep(j);
	if (job_set_state(j, JOB_IDLE) == -1)
		return 0;
	free(j->machine);
	j->machine = NULL;
	free(j->hold_reason);
	j->hold_reason = NULL;
	j->hold_code = j->hold_subcode = 0;
	queue_persist(j, "released", by);
	queue_idle_add(j);
	return 1;
}

int
queue_remove(struct job *j, const char *by)
{
	enum job_state	 was = j->state;

	queue_request_keep(j);
	if (job_set_state(j, JOB_REMOVED) == -1)
		return -1;
	j->finished = clock_now_ms();
	queue_persist(j, "aborted", by);
	if (j->slot != NULL) {
		/* Keep the slot until the agent says the job is dead. */
		if (was != JOB_HELD)	/* a hold sent the kill already */
			agents_kill(j->slot, j);
		return 0;
	}
	if (was == JOB_RUNNING && j->machine != NULL) {
		/* Its agent is away; kill it if it comes back. */
		return 0;
	}
	queue_forget(j);
	return 0;
}

int
queue_vacate(struct job *j, const char *by)
{
	/* BY starts with QUEUE_VACATE_BY: queue_load() knows its events. */
	if ((j->state != JOB_RUNNING && j->state != JOB_SUSPENDED) ||
	    j->slot == NULL || j->vacating)
		return 0;
	queue_request_keep(j);
	j->vacating = 1;
	queue_persist(j, "vacate", by);
	/* The vacate signal: a job that checkpoints leaves with it. */
	agents_vacate(j->slot, j);
	return 1;
}

/* The run of J is over: keep its exit values (R) as the job's. */
static void
queue_exit_values(struct job *j, const struct jobend_run *r)
{
	j->finished = clock_now_ms();
	j->exit_code = r->code;
	j->exit_signal = r->signal;
	j->utime_ms = r->utime_ms;
	j->stime_ms = r->stime_ms;
	j->maxrss_kb = r->maxrss_kb;
}

static void
queue_policy_ctx(struct jobend_ctx *ctx, struct job *j)
{
	ctx->now_ms = clock_now_ms();
	ctx->more = jobad_lookup;
	ctx->more_arg = j;
}

int
queue_ended(struct job *j, const struct jobend_run *r)
{
	struct jobend_ctx	 ctx;
	struct jobend_decision	 d;
	struct exit_info	 ei;
	char			 detail[640];

	queue_policy_ctx(&ctx, j);
	jobend_decide(&ctx, j, j->policy, r, &d);
	log_debug("job %u.%u: run %u ended: %s%s%s", j->cluster, j->proc,
	    j->run, jobend_action_str(d.action), d.why[0] != '\0' ? ": " :
	    "", d.why);
	memset(&ei, 0, sizeof ei);
	ei.code = r->code;
	ei.signal = r->signal;
	ei.utime_ms = r->utime_ms;
	ei.stime_ms = r->stime_ms;
	ei.maxrss_kb = r->maxrss_kb;
	ei.error = r->error;
	switch (d.action) {
	case JOBEND_REQUEUE:
		if (d.keep_ckpt) {
			j->ckpt_criu = r->criu;
			queue_checkpoint(j);
			queue_requeue_checkpointed(j, d.why);
		} else
			queue_requeue(j, d.why);
		return 0;
	case JOBEND_RESTART:
		if (d.keep_ckpt) {
			j->ckpt_criu = r->criu;
			queue_checkpoint(j);
		} else
			queue_note(j, "checkpoint-failed", d.why);
		return 1;
	case JOBEND_COMPLETE:
	case JOBEND_NONE:
	case JOBEND_RELEASE:		/* (not at an exit) */
		queue_exited(j, &ei);
		return 0;
	case JOBEND_RETRY:
		/* HTCondor's "Job terminated and was requeued". */
		queue_exit_values(j, r);
		j->ncompletions++;
		j->goodput_ms += queue_segment(j);
		if (job_set_state(j, JOB_IDLE) == -1)
			return 0;
		queue_release_slot(j);
		free(j->machine);
		j->machine = NULL;
		j->vacating = 0;
		queue_persist(j, "requeue", d.why);
		queue_idle_add(j);
		return 0;
	case JOBEND_HOLD:
		if (d.exited) {
			queue_exit_values(j, r);
			j->ncompletions++;
		} else if (r->error != NULL)
			queue_exit_values(j, r);
		j->goodput_ms += queue_segment(j);
		if (job_set_state(j, JOB_HELD) == -1)
			return 0;
		queue_release_slot(j);
		j->vacating = 0;
		free(j->hold_reason);
		j->hold_reason = xstrdup(d.why);
		j->hold_code = d.hold_code;
		j->hold_subcode = d.hold_subcode;
		queue_persist(j, "held", d.why);
		return 0;
	case JOBEND_REMOVE:
		queue_exit_values(j, r);
		j->ncompletions++;
		if (job_set_state(j, JOB_REMOVED) == -1)
			return 0;
		queue_release_slot(j);
		snprintf(detail, sizeof detail, "%s", d.why);
		queue_persist(j, "aborted", detail);
		queue_forget(j);
		return 0;
	}
	return 0;
}

/* Apply a periodic decision D to J. */
static void
queue_policy_apply(struct job *j, const struct jobend_decision *d)
{
	uint32_t	 cluster = j->cluster, proc = j->proc;
	int		 done = 0;

	queue_in_policy = 1;
	switch (d->action) {
	case JOBEND_HOLD:
		done = queue_hold_as(j, d->hold_code, d->hold_subcode, d->why);
		break;
	case JOBEND_RELEASE:
		/* (Not before the killed run of a held job has ended.) */
		done = queue_release(j, d->why);
		break;
	case JOBEND_REMOVE:
		done = queue_remove(j, d->why) == 0;
		break;
	default:
		break;
	}
	queue_in_policy = 0;
	if (done)
		log_info("job %u.%u: %s: %s", cluster, proc,
		    jobend_action_str(d->action), d->why);
}

/* Check J's periodic expressions now. */
static void
queue_policy_one(struct job *j, void *arg)
{
	struct jobend_ctx	 ctx;
	struct jobend_decision	 d;

	if (!jobend_policy_periodic(j->policy))
		return;
	queue_policy_ctx(&ctx, j);
	if (jobend_periodic(&ctx, j, j->policy, &d) != JOBEND_NONE)
		queue_policy_apply(j, &d);
}

void
queue_policy_tick(void)
{
	queue_walk(queue_policy_one, NULL);
}

void
queue_policy_due(void)
{
	struct queue_due	*due = queue_due;
	struct job		*j;
	size_t			 i, n = queue_ndue;

	/* Checks made now mark nothing new (queue_in_policy). */
	queue_due = NULL;
	queue_ndue = queue_due_cap = 0;
	for (i = 0; i < n; i++) {
		if ((j = queue_find(due[i].cluster, due[i].proc)) == NULL)
			continue;
		j->policy_due = 0;
		queue_policy_one(j, NULL);
	}
	free(due);
}

int
queue_edit(struct job *j, char *ad, const struct jobdesc *d,
    const char *detail)
{
	int			 was_idle = j->on_idle;

	if ((j->state != JOB_IDLE && j->state != JOB_HELD) || j->slot != NULL) {
		free(ad);
		return -1;
	}
	queue_request_keep(j);
	queue_request_keep_ad(j);	/* (the first edit's "before") */
	/* Off the lists in its old order and under its old submitter. */
	queue_idle_del(j);
	share_job_gone(j);
	free(j->ad);
	j->ad = ad;
	j->priority = (int)d->priority;
	j->request_cpus = d->request_cpus;
	j->request_memory_mb = d->request_memory_mb;
	share_job_attrs(j, d);
	j->logged = d->log != NULL;
	jobad_fill(j);		/* requirements, rank, request_disk */
	autocluster_forget(j);	/* grouped again when next matched */
	if (commit_begin() == -1 || store_job_set_ad(sd->store, j) == -1 ||
	    store_event_add(sd->store, j->cluster, j->proc, clock_now_ms(),
	    "qedit", j->run, detail) == -1) {
		if (!commit_request_active())
			fatalx("job %u.%u: cannot record qedit", j->cluster,
			    j->proc);
		/* The request fails; queue_request_end(0) puts J back. */
		log_warnx("job %u.%u: cannot record qedit", j->cluster,
		    j->proc);
		commit_request_fail(NULL);
	}
	/* Its events not read yet go to the log its new ad names. */
	userlog_event(j);
	if (was_idle)
		queue_idle_add(j);
	return 0;
}
