/*
 * why.h: why a job does not run (cq why, cq q -better-analyze), from the
 * scheduler's view of the slots and the predicate matching uses.
 */
#ifndef CQ_WHY_H
#define CQ_WHY_H

#include <stdint.h>

struct job;
struct json_object;
struct machine_list;

/*
 * A new object: id, state, summary (one sentence) and, for an idle job,
 * reasons[] ({reason, slots, text}: the slots per verdict, a clause's
 * first rejections, each machine start clause), nslots, requirements,
 * clauses[] ({clause, text, matched, undefined, added}: each clause of
 * the requirements on its own), rejected_by_requirements,
 * rejected_by_start, start[] ({text, machine, machines, slots}),
 * suggestions[] (what change would let it run) and autocluster.  NOW is
 * the monotonic clock in ms (KeyboardIdle).
 */
struct json_object	*why_explain(struct job *j,
			    struct machine_list *machines, int64_t now);

#endif
