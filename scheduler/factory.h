/*
 * factory.h: late materialization (docs/materialize.md), HTCondor's job
 * factory.  A cluster submitted as a digest (common/submit-factory.c)
 * keeps it in the store and enters its jobs into the queue a bounded
 * number per loop turn, within its max_materialize (jobs in the queue)
 * and max_idle (idle ones) and its owner's max_jobs_per_owner.
 */
#ifndef CQ_FACTORY_H
#define CQ_FACTORY_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct factory;
struct itemstage;

/* The paused states (the store's factories.paused). */
#define FACTORY_RUN	0
#define FACTORY_HELD	1	/* cq hold of the cluster */
#define FACTORY_FAILED	2	/* a job could not be built */

/* Read the configuration; 0, or -1 (printed). */
int		 factory_init(void);
/*
 * A client's digest (MSG_SUBMIT's "factory", UMASK -1: none) and the
 * items its connection sent before (ITEMS, NULL: in the digest, a small
 * list): read and its first job built and checked; the factory takes
 * the items out of ITEMS (its rows stay the caller's to keep or drop).
 * NULL with ERR ("job 0: ...").
 */
struct factory	*factory_new(struct json_object *digest, int64_t umask,
		    struct itemstage *items, char *err, size_t errlen);
uint64_t	 factory_total(const struct factory *);
/*
 * Inside a client's request: the cluster row and the factory's.  0 with
 * *CLUSTER, or -1 (the caller fails the request).
 */
int		 factory_submit(struct factory *, uid_t uid,
		    const char *owner, const char *batch_name,
		    uint32_t *cluster);
/* The request is durable: F materializes from now on (it is taken). */
void		 factory_start(struct factory *);
void		 factory_free(struct factory *);
/* Materialize what the factories may, a bounded number of jobs. */
void		 factory_turn(void);
/* 1 if a factory could materialize now. */
int		 factory_pending(void);
/*
 * Materialize in a turn of its own, once the loop has served its
 * sockets (a job of a factory's cluster started or left: room made).
 */
void		 factory_again(void);
/* Load the factories at start-up (after queue_load); 0 or -1. */
int		 factory_load(void);
void		 factory_shutdown(void);

/* The factory of CLUSTER, or NULL. */
struct factory	*factory_find(uint32_t cluster);
/* Call CB for every factory. */
void		 factory_walk(void (*cb)(struct factory *, void *), void *);
uint32_t	 factory_cluster(const struct factory *);
uid_t		 factory_uid(const struct factory *);
/* Procs not materialized yet. */
uint64_t	 factory_waiting(const struct factory *);
/* Of CLUSTER.PROC (PROC < 0: all of CLUSTER), the procs not made yet. */
uint64_t	 factory_unmade(uint32_t cluster, int64_t proc);
/*
 * cq rm, hold or release of F's cluster, inside the client's request:
 * writes what changes (1), or nothing to change (0), or -1 (the request
 * fails).  factory_act_done() applies it once the request is durable.
 */
int		 factory_act(struct factory *, const char *action);
void		 factory_act_done(struct factory *, const char *action);

#endif
