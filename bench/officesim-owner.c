/*
 * officesim-owner.c: a seeded generator of office days.  Each desktop
 * gets a persona from the seed and its number: most are office workers
 * (arrival around 8:30, departure around 17:15, each spread by tens of
 * minutes), some keep later hours (around 10:30 to 19:00, more evenings
 * and weekends), a few are never idle (someone is always at them: a
 * kiosk, a shared lab desktop) and a few are off all week (they never
 * connect).  A working day is its presence minus the lunch break, 0-3
 * meetings of 30-90 minutes on the half hour, and 2-4 short breaks under
 * the policy's 15 idle minutes; some days are holidays or sick days; some
 * evenings bring a short return, some weekend days a visit of a few
 * hours, and now and then the owner comes back shortly after leaving.
 * The same seed gives the same owners whatever the number of agents
 * (each desktop's days depend on the seed, its number and the day only).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#include "officesim.h"

#define MIN_MS	(60LL * 1000)
#define HOUR_MS	(60 * MIN_MS)

struct rng {
	uint64_t	s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_u(struct rng *r)
{
	return (rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [lo, hi). */
static double
rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_u(r);
}

/* Normal (Box-Muller). */
static double
rng_normal(struct rng *r, double mean, double sd)
{
	double	u1 = rng_u(r), u2 = rng_u(r);

	if (u1 < 1e-12)
		u1 = 1e-12;
	return mean + sd * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static double
clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
rng_seed(struct rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
	r->s = seed * 0x2545f4914f6cdd1dULL ^ (a + 1) * 0x9e3779b97f4a7c15ULL ^
	    (b + 7) * 0xd1b54a32d192ed03ULL;
	rng_next(r);
}

enum sim_persona
owner_persona(uint64_t seed, int idx)
{
	struct rng	r;
	double		u;

	rng_seed(&r, seed, idx, 0xfeed);
	u = rng_u(&r);
	if (u < 0.03)
		return PERSONA_NEVER_IDLE;
	if (u < 0.06)
		return PERSONA_OFF;
	if (u < 0.26)
		return PERSONA_LATE;
	return PERSONA_OFFICE;
}

struct stays {
	struct sim_stay	*v;
	size_t		 n, cap;
};

static void
stays_add(struct stays *s, int64_t from, int64_t to)
{
	if (to <= from)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n].from = from;
	s->v[s->n].to = to;
	s->n++;
}

static int
stay_cmp(const void *a, const void *b)
{
	const struct sim_stay	*x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* One working day from DAY0 (ms): present [arrive, leave) less breaks. */
static void
owner_workday(struct stays *s, struct rng *r, int64_t day0, int late)
{
	struct sim_stay	 away[12];
	size_t		 naway = 0, i;
	double		 arrive, leave, t, d;
	int		 meetings, breaks;
	int64_t		 at;

	if (late) {
		arrive = clampd(rng_normal(r, 10.5, 1.0), 8, 13);
		leave = clampd(rng_normal(r, 19.0, 1.0), arrive + 4, 23);
	} else {
		arrive = clampd(rng_normal(r, 8.5, 0.67), 6.5, 11);
		leave = clampd(rng_normal(r, 17.25, 0.83), arrive + 4, 21);
	}
	/* Lunch. */
	if (rng_u(r) < 0.75) {
		t = clampd(rng_range(r, 11.5, 13.0), arrive + 0.5, leave - 1);
		d = rng_range(r, 25, 60) / 60;
		away[naway].from = day0 + (int64_t)(t * HOUR_MS);
		away[naway++].to = day0 + (int64_t)((t + d) * HOUR_MS);
	}
	/* Meetings, on the half hour. */
	t = rng_u(r);
	meetings = t < 0.3 ? 0 : t < 0.65 ? 1 : t < 0.9 ? 2 : 3;
	for (i = 0; i < (size_t)meetings; i++) {
		t = floor(rng_range(r, arrive + 0.5, leave - 1) * 2) / 2;
		d = (1 + (int)(rng_u(r) * 3)) * 0.5;
		away[naway].from = day0 + (int64_t)(t * HOUR_MS);
		away[naway++].to = day0 + (int64_t)((t + d) * HOUR_MS);
	}
	/* Short breaks: coffee, a colleague's desk. */
	breaks = 2 + (int)(rng_u(r) * 3);
	for (i = 0; i < (size_t)breaks; i++) {
		t = rng_range(r, arrive, leave);
		d = rng_range(r, 5, 12) / 60;
		away[naway].from = day0 + (int64_t)(t * HOUR_MS);
		away[naway++].to = day0 + (int64_t)((t + d) * HOUR_MS);
	}
	qsort(away, naway, sizeof away[0], stay_cmp);
	at = day0 + (int64_t)(arrive * HOUR_MS);
	for (i = 0; i < naway; i++) {
		if (away[i].to <= at)
			continue;
		stays_add(s, at, away[i].from);
		if (away[i].to > at)
			at = away[i].to;
	}
	stays_add(s, at, day0 + (int64_t)(leave * HOUR_MS));
	/* Back shortly after leaving (a forgotten phone, one more mail). */
	if (rng_u(r) < 0.05) {
		t = leave + rng_range(r, 0.3, 1.0);
		d = rng_range(r, 5, 20) / 60;
		stays_add(s, day0 + (int64_t)(t * HOUR_MS),
		    day0 + (int64_t)((t + d) * HOUR_MS));
	}
}

/*
 * A's owner for DAYS days from Monday 00:00 (virtual 0): the stays,
 * sorted and not overlapping.
 */
void
owner_make(struct sim_agent *a, uint64_t seed, int days)
{
	struct stays	 s;
	struct rng	 r;
	int64_t		 day0;
	double		 t, d, p_eve, p_wkend;
	size_t		 i, j;
	int		 day, late;

	memset(&s, 0, sizeof s);
	a->persona = owner_persona(seed, a->idx);
	if (a->persona == PERSONA_NEVER_IDLE)
		stays_add(&s, 0, (int64_t)days * SIM_DAY_MS);
	if (a->persona == PERSONA_NEVER_IDLE || a->persona == PERSONA_OFF)
		goto done;
	late = a->persona == PERSONA_LATE;
	p_eve = late ? 0.25 : 0.08;
	p_wkend = late ? 0.2 : 0.08;
	for (day = 0; day < days; day++) {
		rng_seed(&r, seed, a->idx, day + 1);
		day0 = (int64_t)day * SIM_DAY_MS;
		if (day % 7 < 5) {
			if (rng_u(&r) >= 0.06)
				owner_workday(&s, &r, day0, late);
			if (rng_u(&r) < p_eve) {
				t = rng_range(&r, 19.5, 23);
				d = rng_range(&r, 10, 40) / 60;
				stays_add(&s, day0 + (int64_t)(t * HOUR_MS),
				    day0 + (int64_t)((t + d) * HOUR_MS));
			}
		} else if (rng_u(&r) < p_wkend) {
			t = rng_range(&r, 10, 16);
			d = rng_range(&r, 1, 3);
			stays_add(&s, day0 + (int64_t)(t * HOUR_MS),
			    day0 + (int64_t)((t + d) * HOUR_MS));
		}
	}
	/* Sorted, overlaps merged. */
	if (s.n > 1)
		qsort(s.v, s.n, sizeof *s.v, stay_cmp);
	for (i = 0, j = 0; i < s.n; i++) {
		if (j > 0 && s.v[i].from <= s.v[j - 1].to) {
			if (s.v[i].to > s.v[j - 1].to)
				s.v[j - 1].to = s.v[i].to;
			continue;
		}
		s.v[j++] = s.v[i];
	}
	s.n = j;
 done:
	a->stays = s.v;
	a->nstays = s.n;
	a->next_stay = 0;
}
