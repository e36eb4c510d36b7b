/*
 * why.h: why a job does not run (cq why), from the scheduler's view of
 * the slots.
 */
#ifndef CQ_WHY_H
#define CQ_WHY_H

struct job;
struct json_object;

/*
 * A new object: id, state, summary (one sentence) and, for an idle job,
 * reasons[] ({reason, slots, text}, one per reason with a count) and
 * nslots.
 */
struct json_object	*why_explain(const struct job *j);

#endif
