/*
 * lease-plan.c: the arithmetic of the agent's lease (lease.c, and
 * docs/durability.md says why): from the lease L the scheduler announced,
 * T (when the agent sent the latest message the scheduler heard) and
 * max_vacate_time, when the agent vacates its jobs and when it kills
 * what is left.  Plain C, no clock: tests/unit/test_lease.c.
 */
#include "config.h"

#include <stdint.h>

#include "lease.h"

#define LEASE_MARGIN_MAX_MS	1000
#define LEASE_MARGIN_MIN_MS	50

/*
 * With H = L/4, the heartbeat interval:
 *	M         = L/10, at most 1 s, at least 50 ms	(the margin)
 *	kill_at   = T + L - M
 *	V         = min(max_vacate_time, L/4)		(the vacate's grace)
 *	vacate_at = kill_at - M - V = T + 3H - 2M	(>= T + 2H)
 */
void
lease_plan(int64_t lease_ms, int64_t t, int64_t max_vacate_ms,
    struct lease_plan *p)
{
	p->margin = lease_ms / 10;
	if (p->margin > LEASE_MARGIN_MAX_MS)
		p->margin = LEASE_MARGIN_MAX_MS;
	if (p->margin < LEASE_MARGIN_MIN_MS)
		p->margin = LEASE_MARGIN_MIN_MS;
	p->grace = lease_ms / 4;
	if (p->grace > max_vacate_ms)
		p->grace = max_vacate_ms;
	if (p->grace < 0)
		p->grace = 0;
	p->kill_at = t + lease_ms - p->margin;
	p->vacate_at = p->kill_at - p->margin - p->grace;
}
