/*
 * queue-undo.c: a client's request (ctl.c, between commit_request_begin
 * and _end), or a factory's materialization (factory.c), is undone in
 * memory when the store refuses it: queue_request_begin() starts a
 * record, each verb a client can call keeps its job's state before
 * changing it (queue_request_keep), a job the request finishes stays in
 * memory until the request is durable (queue_request_forget), and
 * queue_request_end(0) puts the kept states back and takes out the jobs
 * the request entered (queue_request_entered).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "autocluster.h"
#include "clusters.h"
#include "jobad.h"
#include "owners.h"
#include "queue.h"
#include "queue-int.h"
#include "schedd.h"
#include "share.h"
#include "userlog.h"
#include "xmalloc.h"

/* What a client's request changed, to put back if it is rolled back. */
struct queue_kept {
	struct job	*j;
	enum job_state	 state;
	int		 priority;
	int64_t		 finished;
	char		*machine;
	char		*hold_reason;
	int		 vacating;
	int		 on_idle;
	int		 forget;	/* the request finished it */
	char		*ad;		/* cq qedit: its description before */
	int64_t		 request_cpus, request_memory_mb;
};

static struct {
	int			 active;
	struct queue_kept	*v;
	size_t			 n, cap;
	uint32_t		 cluster;	/* entered by it, 0: none */
	uint32_t		 first_proc;	/* its first proc entered */
	size_t			 nsubmitted;
} queue_req;

void
queue_request_begin(void)
{
	queue_req.active = 1;
	queue_req.n = 0;
	queue_req.cluster = 0;
	queue_req.first_proc = 0;
	queue_req.nsubmitted = 0;
}

/* Keep J's state before a client's request changes it. */
void
queue_request_keep(struct job *j)
{
	struct queue_kept	*k;

	if (!queue_req.active || j->kept)
		return;
	if (queue_req.n == queue_req.cap) {
		queue_req.cap = queue_req.cap ? queue_req.cap * 2 : 64;
		queue_req.v = xreallocarray(queue_req.v, queue_req.cap,
		    sizeof *queue_req.v);
	}
	k = &queue_req.v[queue_req.n++];
	memset(k, 0, sizeof *k);
	k->j = j;
	k->state = j->state;
	k->priority = j->priority;
	k->finished = j->finished;
	k->machine = j->machine != NULL ? xstrdup(j->machine) : NULL;
	k->hold_reason = j->hold_reason != NULL ? xstrdup(j->hold_reason) :
	    NULL;
	k->vacating = j->vacating;
	k->on_idle = j->on_idle;
	k->request_cpus = j->request_cpus;
	k->request_memory_mb = j->request_memory_mb;
	j->kept = queue_req.n;		/* its entry, 1-based */
}

/* The jobs the request entered (of CLUSTER, from proc FIRST) leave memory. */
static void
queue_request_unsubmit(uint32_t cluster, uint32_t first)
{
	struct job	 key, *j, *next;

	key.cluster = cluster;
	key.proc = first;
	for (j = RB_NFIND(job_tree, &sd->jobs, &key); j != NULL &&
	    j->cluster == cluster; j = next) {
		next = RB_NEXT(job_tree, &sd->jobs, j);
		queue_idle_del(j);
		RB_REMOVE(job_tree, &sd->jobs, j);
		sd->njobs--;
		clusters_drop(j->cluster);
		owners_drop(j->uid);
		agents_job_gone(j);
		job_free(j);
	}
	sd->nsubmitted -= queue_req.nsubmitted;
}

void
queue_request_end(int durable)
{
	struct queue_kept	*k;
	struct job		*j;
	size_t			 i;

	if (!queue_req.active)
		return;
	queue_req.active = 0;
	for (i = 0; i < queue_req.n; i++) {
		k = &queue_req.v[i];
		j = k->j;
		j->kept = 0;
		if (durable) {
			if (k->forget)
				queue_forget_now(j);
		} else {
			job_state_restore(j, k->state);
			j->priority = k->priority;
			j->finished = k->finished;
			free(j->machine);
			j->machine = k->machine;
			k->machine = NULL;
			agents_job_placed(j);
			free(j->hold_reason);
			j->hold_reason = k->hold_reason;
			k->hold_reason = NULL;
			j->vacating = k->vacating;
			if (k->ad != NULL) {
				/* cq qedit: its place, submitter, ad. */
				queue_idle_del(j);
				share_job_gone(j);
				free(j->ad);
				j->ad = k->ad;
				k->ad = NULL;
				j->request_cpus = k->request_cpus;
				j->request_memory_mb = k->request_memory_mb;
				share_job_attrs_ad(j);
				j->logged = userlog_ad_logged(j->ad);
				jobad_fill(j);
				autocluster_forget(j);
			}
			if (k->on_idle)
				queue_idle_add(j);
			else
				queue_idle_del(j);
			share_job(j);	/* running again or not */
		}
		free(k->machine);
		free(k->hold_reason);
		free(k->ad);
	}
	queue_req.n = 0;
	if (!durable && queue_req.cluster != 0)
		queue_request_unsubmit(queue_req.cluster,
		    queue_req.first_proc);
	queue_req.cluster = 0;
	if (queue_req.cap > 1024) {
		free(queue_req.v);
		queue_req.v = NULL;
		queue_req.cap = 0;
	}
}

/* J is finished: 1 if it stays in memory until the request is durable. */
int
queue_request_forget(struct job *j)
{
	if (queue_req.active && j->kept > 0 &&
	    j->kept <= queue_req.n &&
	    queue_req.v[j->kept - 1].j == j) {
		queue_req.v[j->kept - 1].forget = 1;
		queue_idle_del(j);
		return 1;
	}
	return 0;
}

/* The request entered N jobs of CLUSTER from proc FIRST on. */
void
queue_request_entered(uint32_t cluster, uint32_t first, size_t n)
{
	if (!queue_req.active)
		return;
	queue_req.cluster = cluster;
	queue_req.first_proc = first;
	queue_req.nsubmitted = n;
}

/* cq qedit: keep J's description AD before the request's first edit. */
void
queue_request_keep_ad(struct job *j)
{
	struct queue_kept	*k;

	if (queue_req.active && j->kept > 0 && (k = &queue_req.v[j->kept -
	    1])->j == j && k->ad == NULL)
		k->ad = xstrdup(j->ad);
}
