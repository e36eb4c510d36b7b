/*
 * test_fairshare.c: unit tests of fair share (scheduler/fairshare.c):
 * HTCondor's decayed usage with a half-life, effective priorities and
 * factors, the order the walk gives the idle jobs (submitters by running
 * cores times EUP, each one's jobs by priority then submission), and
 * three users sharing a pool over ten days of a fake clock.  Plain C: no
 * loop, no store, no socket.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fairshare.h"
#include "job.h"
#include "xmalloc.h"

#define HOUR	(3600 * 1000LL)
#define DAY	(24 * HOUR)
#define T0	(1700000000000LL)	/* any wall time */

static struct job *
mkjob(const char *submitter, uint32_t cluster, uint32_t proc, int prio,
    int64_t cpus)
{
	struct job	*j = job_new();

	j->cluster = cluster;
	j->proc = proc;
	j->priority = prio;
	j->request_cpus = cpus;
	j->state = JOB_IDLE;
	j->owner = xstrdup(submitter);
	j->submitter = xstrdup(submitter);
	return j;
}

Test(fairshare, usage_decays_with_the_half_life)
{
	struct fairshare	*fs = fairshare_new(DAY, 1000);
	struct fs_submitter	*s;
	struct job		*j = mkjob("alice", 1, 0, 0, 2);

	s = fairshare_get(fs, "alice", T0);
	cr_assert_float_eq(s->rup, 0.5, 1e-9, "a new submitter starts at 0.5");
	cr_assert_float_eq(fairshare_eup(fs, s), 500, 1e-6);
	fairshare_run(fs, j, 1, T0);
	cr_assert_eq(s->cores, 2);
	/* One half-life at 2 cores: halfway from 0.5 to 2. */
	fairshare_decay(fs, s, T0 + DAY);
	cr_assert_float_eq(s->rup, 1.25, 1e-9, "rup %f", s->rup);
	cr_assert_float_eq(s->accumulated, 2.0 * 86400, 1e-6);
	/* The formula is exact for any split of the time. */
	fairshare_decay(fs, s, T0 + DAY + DAY / 3);
	fairshare_decay(fs, s, T0 + 2 * DAY);
	cr_assert_float_eq(s->rup, 1.625, 1e-9, "rup %f", s->rup);
	/* Stopped: it decays toward 0 but never under the floor. */
	fairshare_run(fs, j, 0, T0 + 2 * DAY);
	cr_assert_eq(s->cores, 0);
	fairshare_decay(fs, s, T0 + 3 * DAY);
	cr_assert_float_eq(s->rup, 0.8125, 1e-9, "rup %f", s->rup);
	fairshare_decay(fs, s, T0 + 30 * DAY);
	cr_assert_float_eq(s->rup, 0.5, 1e-9);
	/* A clock that goes back changes nothing. */
	fairshare_decay(fs, s, T0);
	cr_assert_float_eq(s->rup, 0.5, 1e-9);
	job_free(j);
	fairshare_free(fs);
}

Test(fairshare, factors_set_config_default)
{
	struct fairshare	*fs = fairshare_new(DAY, 1000);
	struct fs_submitter	*s;

	s = fairshare_get(fs, "bob", T0);
	cr_assert_float_eq(fairshare_factor(fs, s), 1000, 1e-9);
	s->conf_factor = 2000;
	cr_assert_float_eq(fairshare_factor(fs, s), 2000, 1e-9);
	cr_assert_float_eq(fairshare_eup(fs, s), 1000, 1e-9);
	s->factor = 10;		/* cq userprio -setfactor wins */
	cr_assert_float_eq(fairshare_eup(fs, s), 5, 1e-9);
	/* What the store kept comes back as it was; nonsense is dropped. */
	s = fairshare_restore(fs, "carol", 3.5, 7200, T0, 0);
	cr_assert_float_eq(s->rup, 3.5, 1e-9);
	cr_assert_eq(s->updated, T0);
	cr_assert_float_eq(fairshare_factor(fs, s), 1000, 1e-9);
	s = fairshare_restore(fs, "dave", NAN, -1, T0, 0.5);
	cr_assert_float_eq(s->rup, 0.5, 1e-9);
	cr_assert_float_eq(s->accumulated, 0, 1e-9);
	cr_assert_float_eq(s->factor, 0, 1e-9);
	fairshare_free(fs);
}

/* Jobs loaded at start-up are charged for the time the scheduler was down. */
Test(fairshare, restart_charges_the_downtime)
{
	struct fairshare	*fs = fairshare_new(DAY, 1000);
	struct fs_submitter	*s;
	struct job		*j = mkjob("erin", 1, 0, 0, 4);

	s = fairshare_restore(fs, "erin", 0.5, 0, T0, 0);
	fairshare_run(fs, j, 1, -1);	/* loading: no decay */
	cr_assert_eq(s->updated, T0);
	fairshare_decay(fs, s, T0 + DAY);
	cr_assert_float_eq(s->rup, 2.25, 1e-9, "rup %f", s->rup);
	job_free(j);
	fairshare_free(fs);
}

Test(fairshare, one_users_jobs_by_priority_then_submission)
{
	struct fairshare	*fs = fairshare_new(DAY, 1000);
	struct fairshare_walk	 w;
	struct job		*jobs[6], *j;
	static const int	 prio[6] = { 0, 10, 5, 10, 0, -3 };
	static const int	 want[6] = { 1, 3, 2, 0, 4, 5 };
	int			 i;

	for (i = 0; i < 6; i++) {
		jobs[i] = mkjob("alice", 10 + i, 0, prio[i], 1);
		fairshare_idle(fs, jobs[i], 1);
	}
	fairshare_walk_begin(fs, &w, NULL, NULL);
	for (i = 0; i < 6; i++) {
		j = fairshare_walk_next(&w);
		cr_assert_not_null(j);
		cr_assert_eq(j, jobs[want[i]], "step %d: job %u", i,
		    j->cluster);
	}
	cr_assert_null(fairshare_walk_next(&w));
	/* A change of priority is a move: off, then on again. */
	fairshare_idle(fs, jobs[5], 0);
	jobs[5]->priority = 20;
	fairshare_idle(fs, jobs[5], 1);
	fairshare_walk_begin(fs, &w, NULL, NULL);
	cr_assert_eq(fairshare_walk_next(&w), jobs[5]);
	for (i = 0; i < 6; i++) {
		fairshare_idle(fs, jobs[i], 0);
		job_free(jobs[i]);
	}
	fairshare_free(fs);
}

static int
skip_odd(const struct job *j, void *arg)
{
	return j->proc % 2 == 0;
}

/*
 * The walk gives each next slot to the submitter with the least running
 * cores times EUP; a job started in between counts at once; a job the
 * check refuses is passed over; each submitter keeps its own order.
 */
Test(fairshare, walk_takes_turns_by_weighted_cores)
{
	struct fairshare	*fs = fairshare_new(DAY, 1000);
	struct fairshare_walk	 w;
	struct fs_submitter	*a, *b;
	struct job		*ja[4], *jb[4], *j;
	int			 i, na = 0, nb = 0;

	a = fairshare_get(fs, "a", T0);
	b = fairshare_get(fs, "b", T0);
	for (i = 0; i < 4; i++) {
		ja[i] = mkjob("a", 1, i, 0, 1);
		jb[i] = mkjob("b", 2, i, 0, 1);
		fairshare_idle(fs, ja[i], 1);
		fairshare_idle(fs, jb[i], 1);
	}
	/* Equal priorities: they alternate, in name order first. */
	fairshare_walk_begin(fs, &w, NULL, NULL);
	for (i = 0; i < 6; i++) {
		j = fairshare_walk_next(&w);
		cr_assert_not_null(j);
		cr_assert_str_eq(j->submitter, i % 2 == 0 ? "a" : "b",
		    "step %d gave %s", i, j->submitter);
		cr_assert_eq(j->proc, (uint32_t)(i / 2));
		fairshare_idle(fs, j, 0);
		fairshare_run(fs, j, 1, T0);
		na += j->submitter[0] == 'a';
		nb += j->submitter[0] == 'b';
	}
	cr_assert_eq(na, 3);
	cr_assert_eq(nb, 3);
	{
		int	n, place;

		/* Equal cores and EUP: by name, a first; one job left each. */
		place = fairshare_place(fs, b, &n);
		cr_assert_eq(place, 2);
		cr_assert_eq(n, 2);
		cr_assert_eq(fairshare_ahead(b, jb[3]), 0);
		cr_assert_eq(fairshare_ahead(b, jb[0]), -1);	/* running */
		b->factor = 1;		/* b's EUP drops far below a's */
		cr_assert_eq(fairshare_place(fs, b, &n), 1);
		b->factor = 0;
	}
	cr_assert_eq(a->running, 3);
	cr_assert_eq(b->cores, 3);
	/* A check that refuses odd procs: only ja[... ] even ones remain. */
	fairshare_walk_begin(fs, &w, skip_odd, NULL);
	while ((j = fairshare_walk_next(&w)) != NULL)
		cr_assert_eq(j->proc % 2, 0);
	for (i = 0; i < 4; i++) {
		fairshare_idle(fs, ja[i], 0);
		fairshare_idle(fs, jb[i], 0);
		job_free(ja[i]);
		job_free(jb[i]);
	}
	fairshare_free(fs);
}

/* Three users on a pool of 12 one-core slots; every job lasts an hour. */
struct sim {
	struct fairshare	*fs;
	const char		*names[3];
	struct job		*running[12];
	double			 hours[3];	/* core-hours in the window */
	uint32_t		 next_proc;
};

static int
sim_user(const struct sim *sim, const char *name)
{
	int	u;

	for (u = 0; u < 3; u++)
		if (strcmp(sim->names[u], name) == 0)
			return u;
	return -1;
}

/* One hour: the running jobs end, the free slots are handed out anew. */
static void
sim_hour(struct sim *sim, int64_t now, int count)
{
	struct fairshare_walk	 w;
	struct job		*j;
	int			 s, u;

	for (s = 0; s < 12; s++) {
		if ((j = sim->running[s]) == NULL)
			continue;
		fairshare_run(sim->fs, j, 0, now);
		job_free(j);
		sim->running[s] = NULL;
	}
	/* Each user always has 12 more idle jobs waiting. */
	for (u = 0; u < 3; u++)
		for (s = 0; s < 12; s++) {
			j = mkjob(sim->names[u], 100 + u, sim->next_proc++, 0,
			    1);
			fairshare_idle(sim->fs, j, 1);
		}
	fairshare_walk_begin(sim->fs, &w, NULL, NULL);
	for (s = 0; s < 12 && (j = fairshare_walk_next(&w)) != NULL; s++) {
		fairshare_idle(sim->fs, j, 0);
		fairshare_run(sim->fs, j, 1, now);
		sim->running[s] = j;
		if (count)
			sim->hours[sim_user(sim, j->submitter)] += 1;
	}
	/* What was not started goes away again (no backlog kept). */
	for (u = 0; u < 3; u++) {
		struct fs_submitter	*sub;

		sub = fairshare_find(sim->fs, sim->names[u]);
		while ((j = TAILQ_FIRST(&sub->idle)) != NULL) {
			fairshare_idle(sim->fs, j, 0);
			job_free(j);
		}
	}
}

static void
sim_run(struct sim *sim, int days, int count_from)
{
	int	h;

	for (h = 0; h < days * 24; h++)
		sim_hour(sim, T0 + h * HOUR, h >= count_from * 24);
}

static void
sim_free(struct sim *sim)
{
	int	s;

	for (s = 0; s < 12; s++)
		job_free(sim->running[s]);
	fairshare_free(sim->fs);
}

Test(fairshare, three_users_over_ten_days)
{
	struct sim	 sim;
	double		 total;

	memset(&sim, 0, sizeof sim);
	sim.fs = fairshare_new(DAY, 1000);
	sim.names[0] = "alice";
	sim.names[1] = "bob";
	sim.names[2] = "carol";
	/*
	 * Alice used the whole pool for a week before: at first she gets
	 * the one slot every submitter with no cores running is offered
	 * before weights count, and the others the rest, evenly.
	 */
	fairshare_restore(sim.fs, "alice", 11.5, 0, T0, 0);
	sim_hour(&sim, T0, 1);
	cr_assert_float_eq(sim.hours[0], 1, 1e-9,
	    "alice ran %g jobs in the first hour", sim.hours[0]);
	cr_assert_float_eq(sim.hours[1], 6, 1e-9, "bob %g", sim.hours[1]);
	cr_assert_float_eq(sim.hours[2], 5, 1e-9, "carol %g", sim.hours[2]);
	/* Equal factors: over days 5-10 the pool is shared evenly. */
	memset(sim.hours, 0, sizeof sim.hours);
	sim_run(&sim, 10, 5);
	total = sim.hours[0] + sim.hours[1] + sim.hours[2];
	cr_assert_float_eq(total, 12 * 24 * 5, 1e-9);
	cr_assert(fabs(sim.hours[0] - total / 3) < total * 0.05,
	    "alice %g of %g", sim.hours[0], total);
	cr_assert(fabs(sim.hours[1] - total / 3) < total * 0.05,
	    "bob %g of %g", sim.hours[1], total);
	cr_assert(fabs(sim.hours[2] - total / 3) < total * 0.05,
	    "carol %g of %g", sim.hours[2], total);
	sim_free(&sim);
}

/*
 * Shares go inversely with EUP (HTCondor's pie); as the usage in the EUP
 * follows the cores each runs, a doubled factor settles at 1/sqrt(2) of
 * the share, as it does in HTCondor.
 */
Test(fairshare, a_doubled_factor_lowers_the_share)
{
	struct sim		 sim;
	struct fs_submitter	*bob;
	double			 ratio;

	memset(&sim, 0, sizeof sim);
	sim.fs = fairshare_new(DAY, 1000);
	sim.names[0] = "alice";
	sim.names[1] = "bob";
	sim.names[2] = "carol";
	bob = fairshare_get(sim.fs, "bob", T0);
	bob->factor = 2000;
	sim_run(&sim, 10, 5);
	ratio = sim.hours[1] / sim.hours[0];
	cr_assert(ratio > 0.65 && ratio < 0.76, "bob/alice = %g (%g / %g)",
	    ratio, sim.hours[1], sim.hours[0]);
	ratio = sim.hours[2] / sim.hours[0];
	cr_assert(ratio > 0.9 && ratio < 1.1, "carol/alice = %g", ratio);
	sim_free(&sim);
}

/*
 * Placement's window (match.c): the job after the first of a submitter
 * that the check allows, started in the first's place; the first comes
 * again in its submitter's turn, after the other submitter's.
 */
Test(fairshare, walk_after_and_again)
{
	struct fairshare	*fs = fairshare_new(DAY, 1000);
	struct fairshare_walk	 w;
	struct job		*ja[3], *jb[3], *j, *k;
	int			 i;

	fairshare_get(fs, "a", T0);
	fairshare_get(fs, "b", T0);
	for (i = 0; i < 3; i++) {
		ja[i] = mkjob("a", 1, i, 0, 1);
		jb[i] = mkjob("b", 2, i, 0, 1);
		fairshare_idle(fs, ja[i], 1);
		fairshare_idle(fs, jb[i], 1);
	}
	fairshare_walk_begin(fs, &w, skip_odd, NULL);
	j = fairshare_walk_next(&w);
	cr_assert_eq(j, ja[0]);
	k = fairshare_walk_after(&w, j);
	cr_assert_eq(k, ja[2], "the check refuses ja[1]");
	cr_assert_null(fairshare_walk_after(&w, k));
	fairshare_idle(fs, k, 0);
	fairshare_run(fs, k, 1, T0);
	fairshare_walk_again(&w, j);
	/* a has a core now: b's turn, then a's first job again. */
	j = fairshare_walk_next(&w);
	cr_assert_eq(j, jb[0]);
	fairshare_idle(fs, j, 0);
	fairshare_run(fs, j, 1, T0);
	cr_assert_eq(fairshare_walk_next(&w), ja[0]);
	for (i = 0; i < 3; i++) {
		fairshare_idle(fs, ja[i], 0);
		fairshare_idle(fs, jb[i], 0);
		job_free(ja[i]);
		job_free(jb[i]);
	}
	fairshare_free(fs);
}
