/*
 * test_lease.c: unit tests of the agent's lease arithmetic
 * (startd/lease-plan.c): the figures docs/durability.md gives, and for
 * leases from 0.4 s to a day and any max_vacate_time, that the kill comes
 * before the scheduler can requeue (T + L), the vacate before the kill by
 * at least the margin, and never before two heartbeat intervals (T + L/2)
 * have passed without an answer.
 */
#include "config.h"

#include <stdint.h>

#include <criterion/criterion.h>

#include "lease.h"

#define T0	1000000		/* any T */

Test(lease, the_documented_figures)
{
	struct lease_plan	p;

	lease_plan(60000, T0, 600000, &p);
	cr_expect_eq(p.margin, 1000);
	cr_expect_eq(p.grace, 15000);
	cr_expect_eq(p.vacate_at, T0 + 43000);
	cr_expect_eq(p.kill_at, T0 + 59000);
	lease_plan(4000, T0, 600000, &p);
	cr_expect_eq(p.margin, 400);
	cr_expect_eq(p.vacate_at, T0 + 2200);
	cr_expect_eq(p.kill_at, T0 + 3600);
}

Test(lease, a_short_max_vacate_time_vacates_later)
{
	struct lease_plan	p;

	lease_plan(60000, T0, 5000, &p);
	cr_expect_eq(p.grace, 5000);
	cr_expect_eq(p.vacate_at, T0 + 53000);
	lease_plan(60000, T0, 0, &p);
	cr_expect_eq(p.grace, 0);
	cr_expect_eq(p.vacate_at, p.kill_at - p.margin);
}

Test(lease, the_margins_hold_for_any_lease)
{
	static const int64_t	maxv[] = { 0, 1, 999, 60000, 600000,
				    INT64_C(86400000) };
	struct lease_plan	p;
	int64_t			l;
	size_t			i;

	for (l = 400; l <= INT64_C(86400000); l += l / 7 + 1)
		for (i = 0; i < sizeof maxv / sizeof maxv[0]; i++) {
			lease_plan(l, T0, maxv[i], &p);
			cr_assert_geq(p.margin, 50, "L %lld", (long long)l);
			cr_assert_leq(p.margin, 1000, "L %lld", (long long)l);
			cr_assert_leq(p.kill_at, T0 + l - 50,
			    "L %lld: kill at %lld", (long long)l,
			    (long long)(p.kill_at - T0));
			cr_assert_leq(p.vacate_at, p.kill_at - p.margin,
			    "L %lld", (long long)l);
			cr_assert_geq(p.vacate_at, T0 + l / 2,
			    "L %lld max_vacate %lld: vacate at %lld",
			    (long long)l, (long long)maxv[i],
			    (long long)(p.vacate_at - T0));
			cr_assert_leq(p.grace, maxv[i], "L %lld",
			    (long long)l);
		}
}
