/*
 * fairshare.c: the submitters' usage and the fair-share order of the idle
 * jobs (fairshare.h).  Usage follows HTCondor's formula: over a time dt
 * in which a submitter ran c cores steadily,
 *	RUP <- b * RUP + (1 - b) * c,	b = 0.5 ^ (dt / halflife)
 * which is exact for any split of dt, so it is applied whenever c is about
 * to change (and when asked), never on a timer.  RUP never goes below
 * 0.5.  The order gives each free slot to the submitter whose running
 * cores times EUP are smallest: with equal EUPs the submitters take turns,
 * and in steady state their cores are inversely proportional to their
 * EUPs, as HTCondor's shares are.  A submitter's own jobs keep their
 * order (priority, higher first, then submission).  Invariants: a job is
 * on its submitter's idle list iff j->on_sub; s->cores is the sum of the
 * request_cpus of the jobs counted running.  Called by share.c; the
 * unit tests drive it with their own clock.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fairshare.h"
#include "job.h"
#include "xmalloc.h"

int
fairshare_cmp(struct fs_submitter *a, struct fs_submitter *b)
{
	return strcmp(a->name, b->name);
}

RB_GENERATE(fs_tree, fs_submitter, entry, fairshare_cmp);

struct fairshare *
fairshare_new(int64_t halflife_ms, double default_factor)
{
	struct fairshare	*fs;

	fs = xcalloc(1, sizeof *fs);
	fs->halflife_ms = halflife_ms > 0 ? halflife_ms :
	    FAIRSHARE_HALFLIFE_MS;
	fs->default_factor = default_factor >= 1 ? default_factor :
	    FAIRSHARE_FACTOR;
	RB_INIT(&fs->subs);
	return fs;
}

void
fairshare_free(struct fairshare *fs)
{
	struct fs_submitter	*s, *next;

	if (fs == NULL)
		return;
	RB_FOREACH_SAFE(s, fs_tree, &fs->subs, next) {
		RB_REMOVE(fs_tree, &fs->subs, s);
		free(s->name);
		free(s);
	}
	free(fs);
}

struct fs_submitter *
fairshare_find(struct fairshare *fs, const char *name)
{
	struct fs_submitter	key;

	key.name = (char *)name;
	return RB_FIND(fs_tree, &fs->subs, &key);
}

struct fs_submitter *
fairshare_get(struct fairshare *fs, const char *name, int64_t now)
{
	struct fs_submitter	*s;

	if ((s = fairshare_find(fs, name)) != NULL)
		return s;
	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->rup = FAIRSHARE_MIN_RUP;
	s->updated = now;
	s->dirty = 1;
	TAILQ_INIT(&s->idle);
	RB_INSERT(fs_tree, &fs->subs, s);
	return s;
}

struct fs_submitter *
fairshare_first(struct fairshare *fs)
{
	return RB_MIN(fs_tree, &fs->subs);
}

struct fs_submitter *
fairshare_next(struct fairshare *fs, struct fs_submitter *s)
{
	return RB_NEXT(fs_tree, &fs->subs, s);
}

struct fs_submitter *
fairshare_restore(struct fairshare *fs, const char *name, double rup,
    double accumulated, int64_t updated, double factor)
{
	struct fs_submitter	*s;

	s = fairshare_get(fs, name, updated);
	s->rup = isfinite(rup) && rup > FAIRSHARE_MIN_RUP ? rup :
	    FAIRSHARE_MIN_RUP;
	s->accumulated = isfinite(accumulated) && accumulated > 0 ?
	    accumulated : 0;
	s->updated = updated;
	s->factor = isfinite(factor) && factor >= 1 &&
	    factor <= FAIRSHARE_MAX_FACTOR ? factor : 0;
	s->dirty = 0;
	return s;
}

double
fairshare_factor(const struct fairshare *fs, const struct fs_submitter *s)
{
	if (s->factor >= 1)
		return s->factor;
	if (s->conf_factor >= 1)
		return s->conf_factor;
	return fs->default_factor;
}

double
fairshare_eup(const struct fairshare *fs, const struct fs_submitter *s)
{
	double	rup = s->rup > FAIRSHARE_MIN_RUP ? s->rup : FAIRSHARE_MIN_RUP;

	return rup * fairshare_factor(fs, s);
}

void
fairshare_decay(struct fairshare *fs, struct fs_submitter *s, int64_t now)
{
	double	dt, b;

	if (s->updated == 0) {
		/* Made before time counted (loading the queue). */
		s->updated = now;
		s->dirty = 1;
		return;
	}
	if (now <= s->updated)
		return;		/* a clock that went back: wait for it */
	dt = (double)(now - s->updated);
	b = exp2(-dt / (double)fs->halflife_ms);
	s->rup = b * s->rup + (1 - b) * (double)s->cores;
	if (s->rup < FAIRSHARE_MIN_RUP)
		s->rup = FAIRSHARE_MIN_RUP;
	s->accumulated += (double)s->cores * dt / 1000.0;
	s->updated = now;
	s->dirty = 1;
}

void
fairshare_decay_all(struct fairshare *fs, int64_t now)
{
	struct fs_submitter	*s;

	RB_FOREACH(s, fs_tree, &fs->subs)
		fairshare_decay(fs, s, now);
}

void
fairshare_run(struct fairshare *fs, struct job *j, int on, int64_t now)
{
	struct fs_submitter	*s;
	int64_t			 cpus = j->request_cpus > 0 ?
				    j->request_cpus : 1;

	s = fairshare_get(fs, j->submitter, now < 0 ? 0 : now);
	if (now >= 0)
		fairshare_decay(fs, s, now);
	if (on) {
		s->cores += cpus;
		s->running++;
	} else {
		s->cores -= cpus;
		s->running--;
		if (s->cores < 0)
			s->cores = 0;
		if (s->running < 0)
			s->running = 0;
	}
	s->dirty = 1;
}

/* 1 if A comes before B in a submitter's own order. */
static int
fairshare_before(const struct job *a, const struct job *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster;
	return a->proc < b->proc;
}

void
fairshare_idle(struct fairshare *fs, struct job *j, int on)
{
	struct fs_submitter	*s;
	struct job		*k;

	s = fairshare_get(fs, j->submitter, 0);
	if (!on) {
		if (!j->on_sub)
			return;
		if (s->cursor == j)
			s->cursor = TAILQ_NEXT(j, sub_entry);
		TAILQ_REMOVE(&s->idle, j, sub_entry);
		j->on_sub = 0;
		s->nidle--;
		return;
	}
	if (j->on_sub)
		return;
	/* Most jobs go at the end: walk from the tail. */
	TAILQ_FOREACH_REVERSE(k, &s->idle, fs_jobs, sub_entry)
		if (fairshare_before(k, j))
			break;
	if (k == NULL)
		TAILQ_INSERT_HEAD(&s->idle, j, sub_entry);
	else
		TAILQ_INSERT_AFTER(&s->idle, k, j, sub_entry);
	j->on_sub = 1;
	s->nidle++;
}

void
fairshare_walk_begin(struct fairshare *fs, struct fairshare_walk *w,
    int (*ok)(const struct job *, void *), void *arg)
{
	struct fs_submitter	*s;

	w->fs = fs;
	w->ok = ok;
	w->arg = arg;
	RB_FOREACH(s, fs_tree, &fs->subs)
		s->cursor = TAILQ_FIRST(&s->idle);
}

/* -1 if A's turn comes before B's, 1 if after. */
static int
fairshare_turn_cmp(const struct fairshare *fs, const struct fs_submitter *a,
    const struct fs_submitter *b)
{
	double	ea = fairshare_eup(fs, a), eb = fairshare_eup(fs, b);
	double	wa = (double)a->cores * ea, wb = (double)b->cores * eb;

	if (wa != wb)
		return wa < wb ? -1 : 1;
	if (ea != eb)
		return ea < eb ? -1 : 1;
	return strcmp(a->name, b->name) < 0 ? -1 : 1;
}

int
fairshare_place(struct fairshare *fs, const struct fs_submitter *s,
    int *nwaiting)
{
	struct fs_submitter	*o;
	int			 place = 1;

	*nwaiting = 0;
	RB_FOREACH(o, fs_tree, &fs->subs) {
		if (o->nidle == 0 && o != s)
			continue;
		(*nwaiting)++;
		if (o != s && fairshare_turn_cmp(fs, o, s) < 0)
			place++;
	}
	return place;
}

int64_t
fairshare_ahead(const struct fs_submitter *s, const struct job *j)
{
	const struct job	*k;
	int64_t			 n = 0;

	TAILQ_FOREACH(k, &s->idle, sub_entry) {
		if (k == j)
			return n;
		n++;
	}
	return -1;
}

struct job *
fairshare_walk_next(struct fairshare_walk *w)
{
	struct fs_submitter	*s, *best;
	struct job		*j;

	for (;;) {
		best = NULL;
		RB_FOREACH(s, fs_tree, &w->fs->subs) {
			if (s->cursor == NULL)
				continue;
			if (best == NULL ||
			    fairshare_turn_cmp(w->fs, s, best) < 0)
				best = s;
		}
		if (best == NULL)
			return NULL;
		j = best->cursor;
		best->cursor = TAILQ_NEXT(j, sub_entry);
		if (w->ok != NULL && !w->ok(j, w->arg))
			continue;
		return j;
	}
}

struct job *
fairshare_walk_after(struct fairshare_walk *w, struct job *j)
{
	if (!j->on_sub)
		return NULL;
	while ((j = TAILQ_NEXT(j, sub_entry)) != NULL)
		if (w->ok == NULL || w->ok(j, w->arg))
			return j;
	return NULL;
}

void
fairshare_walk_again(struct fairshare_walk *w, struct job *j)
{
	struct fs_submitter	*s;

	if (!j->on_sub || (s = fairshare_find(w->fs, j->submitter)) == NULL)
		return;
	s->cursor = j;
}
