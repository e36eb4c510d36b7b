/*
 * batches.h: the batch view of the queue (condor_q's default): the jobs a
 * query selected, summed per owner and batch.  A batch is a cluster's
 * batch name, else the cluster alone.  Fed in (cluster, proc) order.
 */
#ifndef CQ_BATCHES_H
#define CQ_BATCHES_H

#include <stdint.h>

struct json_object;
struct job;
struct batches;

struct batches		*batches_new(void);
void			 batches_free(struct batches *);
/* Count J; jobs come in (cluster, proc) order. */
void			 batches_add(struct batches *, const struct job *j);
/* A cluster none of whose jobs is in the queue (a factory's: CL). */
struct cluster;
void			 batches_add_cluster(struct batches *,
			    const struct cluster *cl);
/* The rows (caller owns), one per (owner, batch), by first cluster. */
/* 1 if CLUSTER has its entry already (its jobs were summed), else 0. */
int			 batches_has(const struct batches *, uint32_t cluster);
struct json_object	*batches_rows(struct batches *);

#endif
