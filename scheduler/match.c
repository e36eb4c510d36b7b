/*
 * match.c: idle jobs to free slots, both sides' requirements and rank
 * (match.h).  Jobs are taken in the idle list's order, or the order the
 * context's next() gives (the scheduler's: fair share, share.c); each
 * job's autocluster gets, once
 * per run, the list of free slots slots_judge() finds free for it,
 * ordered by the job's rank (highest first), then the machine's rank of
 * the job, then how well the desktop's expected owner absence suits the
 * job's expected run time (place.c), then the free list's order.  A job
 * takes the first slot of that list still idle; an autocluster whose
 * list runs out is skipped for the rest of the run, so a queue of
 * 100,000 jobs of 50 shapes costs 50 judgements of the free slots, not
 * 100,000; and a machine's slots of one size are judged once (their ads
 * differ only in Name and SlotID).
 * The walk ends when no slot is free.
 */
#include "config.h"

#include <stdlib.h>

#include "autocluster.h"
#include "match.h"
#include "place.h"
#include "schedd.h"
#include "slots.h"
#include "xmalloc.h"

static uint64_t	match_runs;

static int
match_cand_cmp(const void *a, const void *b)
{
	const struct autocluster_cand	*x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->mrank != y->mrank)
		return x->mrank > y->mrank ? -1 : 1;
	if (x->place != y->place)
		return x->place > y->place ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Judge S for AC, once per machine for slots of one size: a machine's
 * slots share their ad but for Name and SlotID, so unless an expression
 * names those the first slot's verdict and ranks hold for the rest.
 */
static int
match_judge(struct match_ctx *mc, struct autocluster *ac, struct slot *s,
    uint64_t run, double *rank, double *mrank)
{
	struct machine	*m = s->machine;

	if (m->memo_run == run && m->memo_ac == ac && !ac->per_slot &&
	    !m->memo_per_slot && slots_same_ad(m->memo_slot, s)) {
		*rank = m->memo_rank;
		*mrank = m->memo_mrank;
		return m->memo_free;
	}
	mc->njudged++;
	if (m->memo_run != run)
		m->memo_per_slot = slots_names_slot(m->ad.start) ||
		    slots_names_slot(m->ad.rank);
	m->memo_run = run;
	m->memo_ac = ac;
	m->memo_slot = s;
	*rank = *mrank = 0;
	if ((m->memo_free = slots_free_for(s, ac, mc->now)))
		slots_rank(s, ac, mc->now, rank, mrank);
	m->memo_rank = *rank;
	m->memo_mrank = *mrank;
	return m->memo_free;
}

/* The free slots free for AC's jobs, best first. */
static void
match_cands(struct match_ctx *mc, struct autocluster *ac, uint64_t run)
{
	struct autocluster_cand	*c;
	struct slot		*s;
	size_t			 n = 0, cap = 0, order = 0;
	double			 rank, mrank;
	int			 ranked = autocluster_rank(ac) != NULL;

	free(ac->cands);
	ac->cands = NULL;
	TAILQ_FOREACH(s, &mc->slots->free, free_entry) {
		order++;
		if (!match_judge(mc, ac, s, run, &rank, &mrank))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			ac->cands = xreallocarray(ac->cands, cap,
			    sizeof *ac->cands);
		}
		c = &ac->cands[n++];
		c->slot = s;
		c->order = order;
		c->rank = rank;
		c->mrank = mrank;
		c->place = place_score(ac->runtime_s, s->machine);
		/* Sorted only if the placement tells slots apart (agents
		 * that advertise no absence: all 0, no sort). */
		if (c->place != ac->cands[0].place)
			ranked = 1;
		if (s->machine->ad.rank != NULL)
			ranked = 1;
	}
	if (ranked && n > 1)
		qsort(ac->cands, n, sizeof *ac->cands, match_cand_cmp);
	ac->ncands = n;
	ac->pos = 0;
}

/* The job after J (NEXT: J's successor on the idle list). */
static struct job *
match_next(struct match_ctx *mc, struct job *next)
{
	return mc->next != NULL ? mc->next(mc->next_arg) : next;
}

int
match_run(struct match_ctx *mc)
{
	struct autocluster	*ac;
	struct job		*j, *next;
	struct slot		*s;
	struct autocluster	**seen = NULL;
	uint64_t		 run = ++match_runs;
	size_t			 nseen = 0, i;
	int			 started = 0;

	mc->njobs = mc->nclusters = mc->njudged = mc->nstarted = 0;
	for (j = match_next(mc, TAILQ_FIRST(mc->idle)); j != NULL;
	    j = match_next(mc, next)) {
		next = TAILQ_NEXT(j, idle_entry);
		if (TAILQ_EMPTY(&mc->slots->free))
			break;
		mc->njobs++;
		ac = autocluster_of(j, mc->attr);
		if (ac->run != run) {
			ac->run = run;
			ac->done = 0;
			mc->nclusters++;
			match_cands(mc, ac, run);
			seen = xreallocarray(seen, nseen + 1, sizeof *seen);
			seen[nseen++] = ac;
		}
		if (ac->done)
			continue;
		s = NULL;
		while (ac->pos < ac->ncands) {
			s = ac->cands[ac->pos++].slot;
			/* Taken by an earlier job of this run? */
			if (slots_idle(s))
				break;
			s = NULL;
		}
		if (s == NULL) {
			ac->done = 1;
			continue;
		}
		mc->start(j, s, mc->arg);
		if (!s->on_free)
			started++;
	}
	/* The lists are this run's only: no memory held between runs. */
	for (i = 0; i < nseen; i++) {
		free(seen[i]->cands);
		seen[i]->cands = NULL;
		seen[i]->ncands = seen[i]->pos = 0;
	}
	free(seen);
	mc->nstarted = (size_t)started;
	return started;
}
