/*
 * batches.c: the rows of `cq q`'s batch view, summed here so that the
 * reply stays small with 100,000 jobs in the queue.  ctl.c selects the
 * jobs (owner, ids, state) and hands them over in (cluster, proc) order,
 * so the jobs of one cluster arrive together and each cluster is one
 * entry, summed in one pass.  Clusters with the same owner and batch name
 * then merge into one row (sorted by owner, name and id, so merging is a
 * second linear pass).  DONE and TOTAL come from clusters.c: TOTAL is the
 * procs submitted, DONE those no longer in the queue.  RUN counts running
 * and transferring jobs; suspended ones have their own member.
 * UNMATERIALIZED counts a late materialization's procs not in the queue
 * yet (factory.c): part of TOTAL, not of DONE.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "batches.h"
#include "clusters.h"
#include "job.h"
#include "xmalloc.h"

/* The texts are copies: a batch view is summed over several loop turns
 * (ctl-query.c), and its jobs and clusters may go meanwhile. */
struct batch_clu {
	uint32_t	 id;
	char		*owner;
	char		*batch_name;	/* NULL: none */
	int64_t		 submitted;
	uint32_t	 minproc, maxproc;
	int64_t		 total, done, waiting;
	char		*paused;	/* NULL: not paused */
	int64_t		 idle, run, hold, susp, jobs;
};

struct batches {
	struct batch_clu	*c;
	size_t			 n, cap;
	size_t			 njobs;	/* the first, from jobs (by id) */
};

static char *
batches_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct batches *
batches_new(void)
{
	return xcalloc(1, sizeof(struct batches));
}

void
batches_free(struct batches *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->c[i].owner);
		free(b->c[i].batch_name);
		free(b->c[i].paused);
	}
	free(b->c);
	free(b);
}

void
batches_add(struct batches *b, const struct job *j)
{
	struct batch_clu	*e;
	struct cluster		*cl;

	e = b->n > 0 ? &b->c[b->n - 1] : NULL;
	if (e == NULL || e->id != j->cluster) {
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 64;
			b->c = xreallocarray(b->c, b->cap, sizeof *b->c);
		}
		e = &b->c[b->n++];
		b->njobs = b->n;
		memset(e, 0, sizeof *e);
		e->id = j->cluster;
		e->owner = xstrdup(j->owner);
		e->submitted = j->submitted;
		e->minproc = e->maxproc = j->proc;
		if ((cl = clusters_find(j->cluster)) != NULL) {
			e->batch_name = batches_strdup(cl->batch_name);
			e->total = cl->nprocs;
			e->done = (int64_t)cl->nprocs - cl->nlive -
			    cl->nwaiting;
			e->waiting = cl->nwaiting;
			e->paused = batches_strdup(cl->paused);
		}
	}
	if (j->proc < e->minproc)
		e->minproc = j->proc;
	if (j->proc > e->maxproc)
		e->maxproc = j->proc;
	e->jobs++;
	switch (j->state) {
	case JOB_IDLE:
		e->idle++;
		break;
	case JOB_RUNNING:
	case JOB_TRANSFERRING_OUTPUT:
		e->run++;
		break;
	case JOB_HELD:
		e->hold++;
		break;
	case JOB_SUSPENDED:
		e->susp++;
		break;
	default:
		break;
	}
	if (e->total < e->jobs + e->done + e->waiting)
		e->total = e->jobs + e->done + e->waiting;
}

int
batches_has(const struct batches *b, uint32_t cluster)
{
	size_t	lo = 0, hi = b->njobs, mid;

	/* The entries of jobs came in id order: a binary search. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->c[mid].id == cluster)
			return 1;
		if (b->c[mid].id < cluster)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
batches_add_cluster(struct batches *b, const struct cluster *cl)
{
	struct batch_clu	*e;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->c = xreallocarray(b->c, b->cap, sizeof *b->c);
	}
	e = &b->c[b->n++];
	memset(e, 0, sizeof *e);
	e->id = cl->id;
	e->owner = xstrdup(cl->owner != NULL ? cl->owner : "");
	e->batch_name = batches_strdup(cl->batch_name);
	e->submitted = cl->submitted;
	e->total = cl->nprocs;
	e->waiting = cl->nwaiting;
	e->paused = batches_strdup(cl->paused);
	e->done = (int64_t)cl->nprocs - cl->nlive - cl->nwaiting;
	if (e->done < 0)
		e->done = 0;
}

/* Order for merging: owner, then named batches by name, then id. */
static int
batches_cmp(const void *va, const void *vb)
{
	const struct batch_clu	*a = va, *b = vb;
	int			 r;

	if ((r = strcmp(a->owner, b->owner)) != 0)
		return r;
	if ((a->batch_name == NULL) != (b->batch_name == NULL))
		return a->batch_name == NULL ? 1 : -1;
	if (a->batch_name != NULL &&
	    (r = strcmp(a->batch_name, b->batch_name)) != 0)
		return r;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/* Rows in order of their first cluster. */
static int
batches_row_cmp(const void *va, const void *vb)
{
	struct json_object	*a = *(struct json_object *const *)va;
	struct json_object	*b = *(struct json_object *const *)vb;
	int64_t			 x, y;

	x = json_object_get_int64(json_object_object_get(a, "cluster"));
	y = json_object_get_int64(json_object_object_get(b, "cluster"));
	return x < y ? -1 : x > y;
}

static void
batches_put(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

/* One row from the sorted clusters C[0..N-1] of one batch. */
static struct json_object *
batches_row(const struct batch_clu *c, size_t n)
{
	struct json_object	*o;
	struct batch_clu	 sum;
	char			 ids[64], name[32];
	size_t			 i;

	memset(&sum, 0, sizeof sum);
	sum.submitted = c[0].submitted;
	for (i = 0; i < n; i++) {
		sum.total += c[i].total;
		sum.done += c[i].done;
		sum.waiting += c[i].waiting;
		sum.idle += c[i].idle;
		sum.run += c[i].run;
		sum.hold += c[i].hold;
		sum.susp += c[i].susp;
		sum.jobs += c[i].jobs;
		if (c[i].submitted < sum.submitted)
			sum.submitted = c[i].submitted;
	}
	if (n == 1 && c[0].jobs == 0)
		snprintf(ids, sizeof ids, "%u", c[0].id);	/* none made */
	else if (n > 1)
		snprintf(ids, sizeof ids, "%u.%u ... %u.%u", c[0].id,
		    c[0].minproc, c[n - 1].id, c[n - 1].maxproc);
	else if (c[0].minproc != c[0].maxproc)
		snprintf(ids, sizeof ids, "%u.%u-%u", c[0].id, c[0].minproc,
		    c[0].maxproc);
	else
		snprintf(ids, sizeof ids, "%u.%u", c[0].id, c[0].minproc);
	snprintf(name, sizeof name, "ID: %u", c[0].id);
	o = json_object_new_object();
	json_object_object_add(o, "owner", json_object_new_string(c[0].owner));
	json_object_object_add(o, "batch_name", c[0].batch_name != NULL ?
	    json_object_new_string(c[0].batch_name) : NULL);
	json_object_object_add(o, "name", json_object_new_string(
	    c[0].batch_name != NULL ? c[0].batch_name : name));
	batches_put(o, "cluster", c[0].id);
	batches_put(o, "clusters", (int64_t)n);
	batches_put(o, "submitted", sum.submitted);
	batches_put(o, "done", sum.done);
	batches_put(o, "run", sum.run);
	batches_put(o, "idle", sum.idle);
	batches_put(o, "hold", sum.hold);
	batches_put(o, "suspended", sum.susp);
	batches_put(o, "total", sum.total);
	batches_put(o, "unmaterialized", sum.waiting);
	for (i = 0; i < n; i++)
		if (c[i].paused != NULL) {
			json_object_object_add(o, "paused",
			    json_object_new_string(c[i].paused));
			batches_put(o, "paused_cluster", c[i].id);
			break;
		}
	batches_put(o, "jobs", sum.jobs);
	json_object_object_add(o, "job_ids", json_object_new_string(ids));
	return o;
}

struct json_object *
batches_rows(struct batches *b)
{
	struct json_object	**rows, *arr;
	size_t			  i, k, nrows = 0;

	arr = json_object_new_array();
	if (b->n == 0)
		return arr;
	qsort(b->c, b->n, sizeof *b->c, batches_cmp);
	rows = xcalloc(b->n, sizeof *rows);
	for (i = 0; i < b->n; i = k) {
		k = i + 1;
		if (b->c[i].batch_name != NULL)
			while (k < b->n && b->c[k].batch_name != NULL &&
			    strcmp(b->c[k].owner, b->c[i].owner) == 0 &&
			    strcmp(b->c[k].batch_name,
			    b->c[i].batch_name) == 0)
				k++;
		rows[nrows++] = batches_row(&b->c[i], k - i);
	}
	qsort(rows, nrows, sizeof *rows, batches_row_cmp);
	for (i = 0; i < nrows; i++)
		json_object_array_add(arr, rows[i]);
	free(rows);
	return arr;
}
