/*
 * owners.c: the number of jobs each owner (uid) has in the queue, kept as
 * jobs enter and leave memory (owners_hold and owners_drop from queue.c's
 * queue_insert and queue_forget, like clusters.c), so the submit check of
 * max_jobs_per_owner (ctl.c) costs one tree lookup, not a walk of the
 * queue.  A removed job on its way out still counts until it is gone.
 * An owner with no job left is forgotten.  Domain code: no libevent, no
 * SQLite, no JSON.
 */
#include "config.h"

#include <sys/tree.h>

#include <stdlib.h>

#include "owners.h"
#include "xmalloc.h"

struct owner_node {
	uid_t			 uid;
	uint64_t		 njobs;
	RB_ENTRY(owner_node)	 entry;
};

int	owners_cmp(struct owner_node *, struct owner_node *);

int
owners_cmp(struct owner_node *a, struct owner_node *b)
{
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return 0;
}

RB_HEAD(owner_tree, owner_node);
RB_PROTOTYPE(owner_tree, owner_node, entry, owners_cmp);
RB_GENERATE(owner_tree, owner_node, entry, owners_cmp);

static struct owner_tree	owners_tree = RB_INITIALIZER(&owners_tree);

static struct owner_node *
owners_find(uid_t uid)
{
	struct owner_node	key;

	key.uid = uid;
	return RB_FIND(owner_tree, &owners_tree, &key);
}

void
owners_hold(uid_t uid)
{
	struct owner_node	*n;

	if ((n = owners_find(uid)) == NULL) {
		n = xcalloc(1, sizeof *n);
		n->uid = uid;
		RB_INSERT(owner_tree, &owners_tree, n);
	}
	n->njobs++;
}

void
owners_drop(uid_t uid)
{
	struct owner_node	*n;

	if ((n = owners_find(uid)) == NULL || n->njobs == 0)
		return;
	if (--n->njobs == 0) {
		RB_REMOVE(owner_tree, &owners_tree, n);
		free(n);
	}
}

uint64_t
owners_jobs(uid_t uid)
{
	struct owner_node	*n = owners_find(uid);

	return n != NULL ? n->njobs : 0;
}

void
owners_shutdown(void)
{
	struct owner_node	*n, *next;

	RB_FOREACH_SAFE(n, owner_tree, &owners_tree, next) {
		RB_REMOVE(owner_tree, &owners_tree, n);
		free(n);
	}
}
