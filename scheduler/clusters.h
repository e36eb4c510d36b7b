/*
 * clusters.h: what the scheduler remembers of each cluster that still has
 * jobs in memory: its owner, batch name and number of procs, for the
 * batch view of `cq q` (DONE, TOTAL and the procs not yet materialized
 * come from here) and late materialization (its live and idle jobs).
 */
#ifndef CQ_CLUSTERS_H
#define CQ_CLUSTERS_H

#include <stdint.h>

#define CLUSTERS_RUNS	31	/* completed run times kept, the latest */
#define CLUSTERS_RUNTIME_MAX	1000000000000000LL	/* 1e15 s */

struct cluster {
	uint32_t	 id;
	char		*owner;
	char		*batch_name;	/* NULL: none */
	uint32_t	 nprocs;	/* procs submitted */
	int64_t		 submitted;	/* ms since the epoch */
	uint32_t	 nlive;		/* its jobs in memory */
	uint32_t	 nidle;		/* of them on the idle list */
	uint32_t	 nwaiting;	/* not materialized yet (factory.c) */
	char		*paused;	/* why its factory waits, or NULL */
	int		 spool_in;	/* spool/<id>/in: 0 not looked at yet,
					 * 1 absent, 2 there (spool.c) */
	/* Learned: the run times of its completed procs (the latest
	 * CLUSTERS_RUNS, ms) and their median rounded to two significant
	 * digits (s, -1: none yet). */
	int64_t		 runs[CLUSTERS_RUNS];
	uint32_t	 nruns;		/* completed procs seen */
	int64_t		 runtime_s;
};

/* Note a cluster (at submit or load); a known one is updated. */
void		 clusters_add(uint32_t id, const char *owner,
		    const char *batch_name, uint32_t nprocs, int64_t submitted);
/* The cluster ID, or NULL if unknown. */
struct cluster	*clusters_find(uint32_t id);
/* A job of cluster ID entered memory (an unknown cluster is made up). */
void		 clusters_hold(uint32_t id);
/* A job of cluster ID left memory; the last one forgets the cluster. */
void		 clusters_drop(uint32_t id);
/* A job of cluster ID joined (ON) or left the idle list. */
void		 clusters_idle(uint32_t id, int on);
/* N procs of cluster ID wait to be materialized; 0 may forget it. */
void		 clusters_waiting(uint32_t id, uint32_t n);
/* Its factory is paused for WHY (NULL: it is not). */
void		 clusters_paused(uint32_t id, const char *why);
/* S (at least 0) rounded to two significant digits (1234 -> 1200, 97 ->
 * 97), at most CLUSTERS_RUNTIME_MAX: so few values that jobs grouped by
 * their run time (autocluster.c) stay few groups. */
int64_t		 clusters_round(int64_t s);
/* A proc of cluster ID completed after WALL_MS of run time. */
void		 clusters_ran(uint32_t id, int64_t wall_ms);
/* Forget every cluster (at exit). */
void		 clusters_shutdown(void);

#endif
