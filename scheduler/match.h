/*
 * match.h: matchmaking.  Event driven: run at the end of a loop turn in
 * which a job became idle or a slot became free.
 */
#ifndef CQ_MATCH_H
#define CQ_MATCH_H

struct job;
struct slot;

/* 1 if slot S can hold job J (its requests fit the slot's resources). */
int	match_fits(const struct job *j, const struct slot *s);
/* Start as many idle jobs as free slots allow; returns how many. */
int	match_run(void);

#endif
