/*
 * owners.h: how many jobs each owner (uid) has in the queue, for the
 * scheduler's max_jobs_per_owner (HTCondor's MAX_JOBS_PER_OWNER).
 */
#ifndef CQ_OWNERS_H
#define CQ_OWNERS_H

#include <sys/types.h>

#include <stdint.h>

/* A job of UID entered the queue (memory). */
void		 owners_hold(uid_t uid);
/* A job of UID left the queue. */
void		 owners_drop(uid_t uid);
/* The jobs UID has in the queue. */
uint64_t	 owners_jobs(uid_t uid);
/* Forget every owner (at exit). */
void		 owners_shutdown(void);

#endif
