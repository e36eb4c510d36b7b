/*
 * test_conclimits.c: unit tests of concurrency limits
 * (scheduler/conclimits.c): the configuration's grammar, a job's limits
 * checked at submit, room, taking and giving back, the default limit and
 * names without case.  Plain C.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conclimits.h"

Test(conclimits, config_grammar)
{
	struct conclimits	*cl;
	const char		*errstr = NULL, *name;
	int64_t			 u, m;

	cl = conclimits_new("lic:2, db:10,Big_Name.x:3", CONCLIMITS_NONE,
	    &errstr);
	cr_assert_not_null(cl, "%s", errstr);
	name = conclimits_get(cl, 1, &u, &m);
	cr_assert_str_eq(name, "db");
	cr_assert_eq(m, 10);
	cr_assert_eq(u, 0);
	cr_assert_null(conclimits_get(cl, 3, &u, &m));
	conclimits_free(cl);
	cl = conclimits_new("", CONCLIMITS_NONE, &errstr);
	cr_assert_not_null(cl);
	conclimits_free(cl);
	static const char *const bad[] = { "lic:x", "lic:0", "lic:2 db",
	    "9lic:1", "lic:1, lic:2", "lic:-1", "lic:99999999", ":3" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errstr = NULL;
		cr_assert_null(conclimits_new(bad[i], CONCLIMITS_NONE,
		    &errstr), "'%s' accepted", bad[i]);
		cr_assert_not_null(errstr);
	}
}

Test(conclimits, room_take_and_give)
{
	struct conclimits	*cl;
	const char		*errstr, *name;
	char			 err[256];
	int64_t			 u, m, n;

	cl = conclimits_new("lic:2, db:1", CONCLIMITS_NONE, &errstr);
	cr_assert_eq(conclimits_check(cl, "LIC:2, db", err, sizeof err), 0,
	    "%s", err);
	cr_assert_eq(conclimits_check(cl, "nosuch", err, sizeof err), -1);
	cr_assert(strstr(err, "'nosuch' is not configured") != NULL, "%s",
	    err);
	cr_assert_eq(conclimits_check(cl, "lic:x", err, sizeof err), -1);
	cr_assert_eq(conclimits_ok(cl, NULL), 1);
	cr_assert_eq(conclimits_ok(cl, "lic"), 1);
	conclimits_take(cl, "Lic", 1);
	cr_assert_eq(conclimits_ok(cl, "lic"), 1);
	cr_assert_eq(conclimits_ok(cl, "lic:2"), 0);
	conclimits_take(cl, "lic", 1);
	cr_assert_eq(conclimits_ok(cl, "lic"), 0);
	cr_assert_eq(conclimits_ok(cl, "db"), 1);
	cr_assert_eq(conclimits_ok(cl, "db, lic"), 0);
	name = conclimits_blocking(cl, "db, lic", &u, &m, &n);
	cr_assert_str_eq(name, "lic");
	cr_assert_eq(u, 2);
	cr_assert_eq(m, 2);
	cr_assert_eq(n, 1);
	conclimits_take(cl, "lic", -1);
	cr_assert_eq(conclimits_ok(cl, "db, lic"), 1);
	/* More than the limit: never room. */
	conclimits_take(cl, "lic", -1);
	cr_assert_eq(conclimits_ok(cl, "lic:3"), 0);
	name = conclimits_blocking(cl, "lic:3", &u, &m, &n);
	cr_assert_eq(n, 3);
	cr_assert_eq(m, 2);
	/* Giving back more than was taken stays at 0. */
	conclimits_take(cl, "db", -1);
	conclimits_get(cl, 1, &u, &m);
	cr_assert_eq(u, 0);
	conclimits_free(cl);
}

Test(conclimits, default_limit)
{
	struct conclimits	*cl;
	const char		*errstr;
	char			 err[256];

	cl = conclimits_new("lic:5", 1, &errstr);
	cr_assert_eq(conclimits_check(cl, "other", err, sizeof err), 0);
	cr_assert_eq(conclimits_ok(cl, "other"), 1);
	conclimits_take(cl, "other", 1);
	cr_assert_eq(conclimits_ok(cl, "OTHER"), 0);
	cr_assert_eq(conclimits_ok(cl, "lic"), 1);
	conclimits_free(cl);
}
