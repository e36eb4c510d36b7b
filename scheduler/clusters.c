/*
 * clusters.c: the clusters that have jobs in memory, in a tree by id.
 * queue.c adds one at submit and at load (from the store's clusters
 * table) and counts its jobs in and out of memory (clusters_hold and
 * clusters_drop from queue_insert and queue_forget), so a cluster lives
 * exactly as long as one of its jobs is in the queue.  ctl.c reads them
 * for the batch view: the batch name, and DONE = nprocs - nlive.  It
 * also learns the run time of the cluster's procs from those that
 * completed (clusters_ran, from queue.c), for the placement (place.c):
 * the median of the latest CLUSTERS_RUNS, rounded to two significant
 * digits, and moved (the cluster's idle jobs are grouped again) only
 * when the median leaves the learned value by more than one step of those
 * digits: by a few per cent.
 * Domain code: no libevent, no SQLite, no JSON.
 */
#include "config.h"

#include <sys/tree.h>

#include <stdlib.h>
#include <string.h>

#include "clusters.h"
#include "xmalloc.h"

struct cluster_node {
	struct cluster		 c;
	RB_ENTRY(cluster_node)	 entry;
};

int	clusters_cmp(struct cluster_node *, struct cluster_node *);

int
clusters_cmp(struct cluster_node *a, struct cluster_node *b)
{
	if (a->c.id != b->c.id)
		return a->c.id < b->c.id ? -1 : 1;
	return 0;
}

RB_HEAD(cluster_tree, cluster_node);
RB_PROTOTYPE(cluster_tree, cluster_node, entry, clusters_cmp);
RB_GENERATE(cluster_tree, cluster_node, entry, clusters_cmp);

static struct cluster_tree	clusters_tree = RB_INITIALIZER(&clusters_tree);

static struct cluster_node *
clusters_node(uint32_t id)
{
	struct cluster_node	key;

	key.c.id = id;
	return RB_FIND(cluster_tree, &clusters_tree, &key);
}

struct cluster *
clusters_find(uint32_t id)
{
	struct cluster_node	*n = clusters_node(id);

	return n != NULL ? &n->c : NULL;
}

static struct cluster_node *
clusters_get(uint32_t id)
{
	struct cluster_node	*n;

	if ((n = clusters_node(id)) != NULL)
		return n;
	n = xcalloc(1, sizeof *n);
	n->c.id = id;
	n->c.runtime_s = -1;
	RB_INSERT(cluster_tree, &clusters_tree, n);
	return n;
}

void
clusters_add(uint32_t id, const char *owner, const char *batch_name,
    uint32_t nprocs, int64_t submitted)
{
	struct cluster_node	*n = clusters_get(id);

	free(n->c.owner);
	free(n->c.batch_name);
	n->c.owner = owner != NULL ? xstrdup(owner) : NULL;
	n->c.batch_name = batch_name != NULL && *batch_name != '\0' ?
	    xstrdup(batch_name) : NULL;
	n->c.nprocs = nprocs;
	n->c.submitted = submitted;
}

void
clusters_hold(uint32_t id)
{
	struct cluster_node	*n = clusters_get(id);

	n->c.nlive++;
	/* Made up (no store row seen): at least its live jobs. */
	if (n->c.nprocs < n->c.nlive)
		n->c.nprocs = n->c.nlive;
}

static void
clusters_free(struct cluster_node *n)
{
	free(n->c.paused);
	free(n->c.owner);
	free(n->c.batch_name);
	free(n);
}

void
clusters_drop(uint32_t id)
{
	struct cluster_node	*n;

	if ((n = clusters_node(id)) == NULL)
		return;
	if (n->c.nlive > 0)
		n->c.nlive--;
	if (n->c.nlive == 0 && n->c.nwaiting == 0) {
		RB_REMOVE(cluster_tree, &clusters_tree, n);
		clusters_free(n);
	}
}

void
clusters_paused(uint32_t id, const char *why)
{
	struct cluster_node	*n;

	if ((n = clusters_node(id)) == NULL)
		return;
	free(n->c.paused);
	n->c.paused = why != NULL ? xstrdup(why) : NULL;
}

void
clusters_idle(uint32_t id, int on)
{
	struct cluster_node	*n;

	if ((n = clusters_node(id)) == NULL)
		return;
	if (on)
		n->c.nidle++;
	else if (n->c.nidle > 0)
		n->c.nidle--;
}

void
clusters_waiting(uint32_t id, uint32_t waiting)
{
	struct cluster_node	*n = clusters_get(id);

	n->c.nwaiting = waiting;
	if (n->c.nlive == 0 && n->c.nwaiting == 0) {
		RB_REMOVE(cluster_tree, &clusters_tree, n);
		clusters_free(n);
	}
}

/* The step of S's two significant digits (1234 -> 100, 97 -> 1). */
static int64_t
clusters_step(int64_t s)
{
	int64_t	unit = 1;

	while (s / unit >= 100)
		unit *= 10;
	return unit;
}

int64_t
clusters_round(int64_t s)
{
	int64_t	unit;

	if (s > CLUSTERS_RUNTIME_MAX)
		s = CLUSTERS_RUNTIME_MAX;
	unit = clusters_step(s);
	return (s + unit / 2) / unit * unit;
}

void
clusters_ran(uint32_t id, int64_t wall_ms)
{
	struct cluster_node	*n;
	int64_t			 v[CLUSTERS_RUNS], x, med;
	uint32_t		 k, m, i;

	if ((n = clusters_node(id)) == NULL || wall_ms < 0)
		return;
	if (wall_ms > CLUSTERS_RUNTIME_MAX)
		wall_ms = CLUSTERS_RUNTIME_MAX;
	n->c.runs[n->c.nruns % CLUSTERS_RUNS] = wall_ms;
	n->c.nruns++;
	m = n->c.nruns < CLUSTERS_RUNS ? n->c.nruns : CLUSTERS_RUNS;
	/* Insertion sort of at most CLUSTERS_RUNS. */
	for (k = 0; k < m; k++) {
		x = n->c.runs[k];
		for (i = k; i > 0 && v[i - 1] > x; i--)
			v[i] = v[i - 1];
		v[i] = x;
	}
	med = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
	med = (med + 500) / 1000;
	/* Kept while the median stays within one step of it: a median at a
	 * rounding edge (994 and 996 s: 990 and 1000) would otherwise flip
	 * it, and regroup the cluster's idle jobs, at every completion. */
	if (n->c.runtime_s >= 0 && med >= n->c.runtime_s -
	    clusters_step(n->c.runtime_s) && med <= n->c.runtime_s +
	    clusters_step(n->c.runtime_s))
		return;
	n->c.runtime_s = clusters_round(med);
}

void
clusters_shutdown(void)
{
	struct cluster_node	*n, *next;

	RB_FOREACH_SAFE(n, cluster_tree, &clusters_tree, next) {
		RB_REMOVE(cluster_tree, &clusters_tree, n);
		clusters_free(n);
	}
}
