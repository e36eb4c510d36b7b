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
 *
 * Owner-aware placement also chooses the job for the slot
 * (match_choose): the slot the first job would take goes to the job of
 * a window after it, of the same submitter, that suits the slot's
 * expected owner absence best: of the jobs that would lose their work at
 * a vacate, the longest that the absence still covers; else one that
 * keeps its work at a vacate (it checkpoints then); else the shortest.
 * The first job then waits for its turn again, for at most
 * MATCH_PASS_MAX_MS from the first time it was passed over.
 */
#include "config.h"

#include <stdlib.h>

#include "autocluster.h"
#include "match.h"
#include "place.h"
#include "schedd.h"
#include "slots.h"
#include "xmalloc.h"

/* The window: jobs looked at after the first, and groups among them. */
#define MATCH_WINDOW_JOBS	1024
#define MATCH_WINDOW_GROUPS	8

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

/* The idle job after K that the first job's submitter may start next. */
static struct job *
match_after(struct match_ctx *mc, struct job *k)
{
	if (mc->after != NULL)
		return mc->after(k, mc->next_arg);
	return TAILQ_NEXT(k, idle_entry);
}

/*
 * How well a job of group AC suits a slot of M, whose owner is likely
 * away for A seconds: its class (higher is better), and in *KEY its
 * order within the class (higher is better; 0 for all of class 2).  A
 * job that does not keep its work at a vacate and whose run time A
 * covers comes first (3), the longest first: it needs a desktop free long
 * enough, and the long absences are scarce; then a job that keeps its
 * work there (2: a vacate costs it nothing), in queue order; then the
 * others (1), the shortest first: the likeliest to finish, and the least
 * work lost if not.  -1: its run time is not known and it does not keep
 * its work (not weighed).
 */
static int
match_suit(const struct autocluster *ac, const struct machine *m, int64_t a,
    int64_t *key)
{
	int64_t	r = ac->runtime_s;

	if (place_keeps_on(ac->keeps, m)) {
		*key = 0;
		return 2;
	}
	if (r < 0)
		return -1;
	if (r <= a) {
		*key = r;
		return 3;
	}
	*key = -r;
	return 1;
}

/*
 * Which job takes S, which J (first in turn) would take: the job that
 * suits S best (match_suit) of J and the window after J (the first job of
 * each group among the next MATCH_WINDOW_JOBS, at most
 * MATCH_WINDOW_GROUPS groups), if S meets its requirements; J on a tie.
 * J keeps S if S's expected owner absence or J's suit is not known, if
 * placement is blind, or if J was first passed over MATCH_PASS_MAX_MS ago
 * or more.  The window ends at the first job of a lower priority than J's:
 * a user's job priority is never overridden.
 */
static struct job *
match_choose(struct match_ctx *mc, struct job *j, struct slot *s)
{
	struct autocluster	*groups[MATCH_WINDOW_GROUPS], *ac;
	struct machine		*m = s->machine;
	struct job		*k, *best = j;
	int64_t			 a, key, best_key;
	size_t			 ngroups = 0, n, i;
	int			 cls, best_cls;

	if (place_mode() != PLACE_OWNER_AWARE)
		return j;
	if (j->passed_at != 0 && mc->now - j->passed_at >= MATCH_PASS_MAX_MS)
		return j;
	if (mc->next != NULL && mc->again == NULL)
		return j;	/* J could not be put back in turn */
	if (!m->has_absence || m->owner_absence_s < 0)
		return j;
	a = m->owner_absence_s;
	if ((best_cls = match_suit(j->ac, m, a, &best_key)) < 0)
		return j;
	groups[ngroups++] = j->ac;
	k = j;
	for (n = 0; n < MATCH_WINDOW_JOBS; n++) {
		if ((k = match_after(mc, k)) == NULL)
			break;
		/* The user's own order first: no job of lower priority. */
		if (k->priority < j->priority)
			break;
		ac = autocluster_of(k, mc->attr);
		for (i = 0; i < ngroups; i++)
			if (groups[i] == ac)
				break;
		if (i < ngroups)
			continue;	/* its group's first job was judged */
		if (ngroups == MATCH_WINDOW_GROUPS)
			break;
		groups[ngroups++] = ac;
		if ((cls = match_suit(ac, m, a, &key)) < 0 ||
		    cls < best_cls || (cls == best_cls && (cls == 2 ||
		    key <= best_key)))
			continue;
		mc->njudged++;
		if (!slots_free_for(s, ac, mc->now))
			continue;
		best = k;
		best_cls = cls;
		best_key = key;
	}
	if (best != j) {
		j->passed++;
		if (j->passed_at == 0)
			j->passed_at = mc->now > 0 ? mc->now : 1;
	}
	return best;
}

int
match_run(struct match_ctx *mc)
{
	struct autocluster	*ac;
	struct job		*j, *next, *k;
	struct slot		*s;
	struct autocluster	**seen = NULL;
	uint64_t		 run = ++match_runs;
	size_t			 nseen = 0, i;
	int			 started = 0;

	mc->njobs = mc->nclusters = mc->njudged = mc->nstarted = 0;
	mc->npassed = 0;
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
		k = match_choose(mc, j, s);
		if (k != j) {
			/* J waits for its turn again: the slot stays its
			 * submitter's, the walk asks who is next. */
			ac->pos--;
			mc->npassed++;
			if (mc->next == NULL)
				next = j;
			else
				mc->again(j, mc->next_arg);
		}
		mc->start(k, s, mc->arg);
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
