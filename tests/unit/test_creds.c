/*
 * test_creds.c: unit tests of the credentials' pure parts: the text of
 * tokens, agent credentials and request keys (common/cred.c: strict
 * parse, round trip, hash), network blocks (common/cidr.c: strict parse,
 * IPv4, IPv6 and IPv4-mapped matching, lists) and the failed-proof table
 * (scheduler/throttle.c: growing delays, blocks, windows, the cap).
 */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include "cidr.h"
#include "cred.h"
#include "throttle.h"

static const char *hex64 =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

Test(cred, parse_each_kind)
{
	struct cred	 c;
	const char	*errstr;
	char		 s[200];

	snprintf(s, sizeof s, "cqt1.0a1b2c3d.%s", hex64);
	cr_assert_eq(cred_parse(s, &c, &errstr), 0, "%s", errstr);
	cr_assert_eq(c.kind, CRED_TOKEN);
	cr_assert_str_eq(c.id, "0a1b2c3d");
	cr_assert_str_eq(c.secret, hex64);
	snprintf(s, sizeof s, "cqa1.ffffffff.%s", hex64);
	cr_assert_eq(cred_parse(s, &c, &errstr), 0, "%s", errstr);
	cr_assert_eq(c.kind, CRED_AGENT);
	snprintf(s, sizeof s, "cqr1.%s", hex64);
	cr_assert_eq(cred_parse(s, &c, &errstr), 0, "%s", errstr);
	cr_assert_eq(c.kind, CRED_REQUEST);
	cr_assert_str_eq(c.id, "");
}

Test(cred, parse_rejects)
{
	static const char *const bad[] = {
		"", "cqt1.", "cqt1.0a1b2c3d", "cqt1.0a1b2c3d.",
		"cqx1.0a1b2c3d.%s", "CQT1.0a1b2c3d.%s",
		"cqt1.0A1B2C3D.%s",		/* uppercase id */
		"cqt1.0a1b2c3.%s",		/* short id */
		"cqt1.0a1b2c3de.%s",		/* long id */
		"cqt1.0a1b2c3d.%sa",		/* long secret */
		"cqt1.0a1b2c3d.%s ",		/* trailing space */
		" cqt1.0a1b2c3d.%s",
		"cqt1.0a1b2c3d.%s\n",
		"cqr1.0a1b2c3d.%s",		/* a request has no id */
		"cqt1.0a1b2c3g.%s",
	};
	struct cred	 c;
	const char	*errstr;
	char		 s[300];
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(s, sizeof s, bad[i], hex64);
		errstr = NULL;
		cr_expect_eq(cred_parse(s, &c, &errstr), -1, "accepted '%s'",
		    s);
		cr_expect_not_null(errstr, "no reason for '%s'", s);
	}
	/* A secret one digit short, and one with an uppercase digit. */
	snprintf(s, sizeof s, "cqa1.00000000.%.63s", hex64);
	cr_expect_eq(cred_parse(s, &c, &errstr), -1);
	snprintf(s, sizeof s, "cqa1.00000000.%.63sF", hex64);
	cr_expect_eq(cred_parse(s, &c, &errstr), -1);
}

Test(cred, new_format_parse_hash)
{
	struct cred	 a, b, c;
	unsigned char	 ha[CRED_HASH_LEN], hb[CRED_HASH_LEN];
	const char	*errstr;
	char		 s[CRED_TEXT_MAX];
	int		 k;

	for (k = CRED_TOKEN; k <= CRED_REQUEST; k++) {
		cred_new((enum cred_kind)k, &a);
		cred_format(&a, s, sizeof s);
		cr_assert_lt(strlen(s), CRED_TEXT_MAX);
		cr_assert_eq(cred_parse(s, &b, &errstr), 0, "%s: %s", s,
		    errstr);
		cr_assert_eq(b.kind, (enum cred_kind)k);
		cr_assert_str_eq(b.id, a.id);
		cr_assert_str_eq(b.secret, a.secret);
		cr_assert_eq(cred_hash(&a, ha), 0);
		cr_assert_eq(cred_hash(&b, hb), 0);
		cr_assert(cred_hash_eq(ha, hb));
		cred_new((enum cred_kind)k, &c);
		cr_assert_str_neq(c.secret, a.secret);
		cr_assert_eq(cred_hash(&c, hb), 0);
		cr_assert_not(cred_hash_eq(ha, hb));
	}
	cr_assert(cred_id_ok("0123abcd"));
	cr_assert_not(cred_id_ok("0123abc"));
	cr_assert_not(cred_id_ok("0123ABCD"));
	cr_assert_not(cred_id_ok("0123abcd0"));
}

Test(cred, hash_is_sha256_of_secret)
{
	struct cred	c;
	unsigned char	h[CRED_HASH_LEN];
	/* sha256 of 64 '0' characters */
	static const unsigned char want[4] = { 0x60, 0xe0, 0x5b, 0xd1 };

	memset(&c, 0, sizeof c);
	memset(c.secret, '0', CRED_SECRET_LEN);
	cr_assert_eq(cred_hash(&c, h), 0);
	cr_assert_eq(memcmp(h, want, sizeof want), 0,
	    "got %02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
}

Test(cidr, parse_and_format)
{
	static const char *const good[][2] = {
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "192.168.1.7", "192.168.1.7/32" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "fd00::/8", "fd00::/8" },
		{ "::1", "::1/128" },
		{ "2001:db8:0:0::/64", "2001:db8::/64" },
	};
	struct cidr	 c;
	const char	*errstr;
	char		 s[CIDR_TEXT_MAX];
	size_t		 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		cr_assert_eq(cidr_parse(good[i][0], &c, &errstr), 0,
		    "%s: %s", good[i][0], errstr);
		cidr_format(&c, s, sizeof s);
		cr_expect_str_eq(s, good[i][1]);
	}
}

Test(cidr, parse_rejects)
{
	static const char *const bad[] = {
		"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x",
		"10.0.0.1/8", "10.0.0/8", "host.example/24", "10.0.0.0 /8",
		"::1/129", "fd00::1/8", "10.0.0.0/0008", "10.0.0.0/8/8",
		"1.2.3.4.5",
	};
	struct cidr	 c;
	const char	*errstr;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_expect_eq(cidr_parse(bad[i], &c, &errstr), -1,
		    "accepted '%s'", bad[i]);
	cr_assert_eq(cidr_parse("10.0.0.1/8", &c, &errstr), -1);
	cr_assert_str_eq(errstr, "address has bits set past the prefix "
	    "length");
}

Test(cidr, match)
{
	struct cidr	 c;
	const char	*errstr;

	cr_assert_eq(cidr_parse("192.168.10.0/24", &c, &errstr), 0);
	cr_expect(cidr_match(&c, "192.168.10.0"));
	cr_expect(cidr_match(&c, "192.168.10.255"));
	cr_expect_not(cidr_match(&c, "192.168.11.1"));
	cr_expect_not(cidr_match(&c, "192.168.9.255"));
	cr_expect(cidr_match(&c, "::ffff:192.168.10.7"));	/* mapped */
	cr_expect_not(cidr_match(&c, "::ffff:192.168.11.7"));
	cr_expect_not(cidr_match(&c, "::192.168.10.7"));	/* not mapped */
	cr_expect_not(cidr_match(&c, "garbage"));
	cr_assert_eq(cidr_parse("10.128.0.0/9", &c, &errstr), 0);
	cr_expect(cidr_match(&c, "10.200.1.1"));
	cr_expect_not(cidr_match(&c, "10.127.1.1"));
	cr_assert_eq(cidr_parse("0.0.0.0/0", &c, &errstr), 0);
	cr_expect(cidr_match(&c, "8.8.8.8"));
	cr_expect_not(cidr_match(&c, "::1"));
	cr_assert_eq(cidr_parse("fd00:1:2::/48", &c, &errstr), 0);
	cr_expect(cidr_match(&c, "fd00:1:2:ffff::9"));
	cr_expect_not(cidr_match(&c, "fd00:1:3::9"));
	cr_expect_not(cidr_match(&c, "10.0.0.1"));
	cr_assert_eq(cidr_parse("127.0.0.1", &c, &errstr), 0);
	cr_expect(cidr_match(&c, "127.0.0.1"));
	cr_expect_not(cidr_match(&c, "127.0.0.2"));
}

Test(cidr, lists)
{
	struct cidr	 v[CIDR_LIST_MAX];
	const char	*errstr;
	char		 bad[CIDR_TEXT_MAX], big[CIDR_LIST_MAX * 16];
	size_t		 n, i;

	cr_assert_eq(cidr_list_parse(" 10.0.0.0/8 ,fd00::/8,\t1.2.3.4 ", v,
	    CIDR_LIST_MAX, &n, bad, sizeof bad, &errstr), 0, "%s", errstr);
	cr_assert_eq(n, 3);
	cr_assert(cidr_match(&v[2], "1.2.3.4"));
	cr_assert_eq(cidr_list_parse("10.0.0.0/8,,1.2.3.4", v, CIDR_LIST_MAX,
	    &n, bad, sizeof bad, &errstr), -1);
	cr_assert_str_eq(errstr, "empty network block");
	cr_assert_eq(cidr_list_parse("10.0.0.0/8, 10.0.0.1/8", v,
	    CIDR_LIST_MAX, &n, bad, sizeof bad, &errstr), -1);
	cr_assert_str_eq(bad, "10.0.0.1/8");
	cr_assert_eq(cidr_list_parse("10.0.0.0/8,", v, CIDR_LIST_MAX, &n,
	    bad, sizeof bad, &errstr), -1);
	big[0] = '\0';
	for (i = 0; i <= CIDR_LIST_MAX; i++)
		strlcat(big, i == 0 ? "1.1.1.1" : ",1.1.1.1", sizeof big);
	cr_assert_eq(cidr_list_parse(big, v, CIDR_LIST_MAX, &n, bad,
	    sizeof bad, &errstr), -1);
	cr_assert_str_eq(errstr, "too many network blocks");
}

Test(throttle, delays_block_window)
{
	struct throttle	*t = throttle_new(8, 4, 60000, 300000);
	int		 blocked, count;

	cr_assert_eq(throttle_fail(t, "10.0.0.1", 1000, &blocked, &count),
	    1000);
	cr_assert_eq(count, 1);
	cr_assert_eq(throttle_fail(t, "10.0.0.1", 2000, &blocked, &count),
	    2000);
	cr_assert_eq(throttle_fail(t, "10.0.0.1", 3000, &blocked, &count),
	    4000);
	cr_assert_not(blocked);
	cr_assert_eq(throttle_blocked(t, "10.0.0.1", 3000), 0);
	/* Another address counts on its own. */
	cr_assert_eq(throttle_fail(t, "10.0.0.2", 3000, &blocked, &count),
	    1000);
	cr_assert_eq(throttle_fail(t, "10.0.0.1", 4000, &blocked, &count),
	    8000);
	cr_assert(blocked);
	cr_assert_eq(throttle_blocked(t, "10.0.0.1", 4000), 300000);
	cr_assert_eq(throttle_blocked(t, "10.0.0.1", 303999), 1);
	cr_assert_eq(throttle_blocked(t, "10.0.0.1", 304000), 0);
	cr_assert_eq(throttle_blocked(t, "10.0.0.2", 4000), 0);
	/* Failures further apart than the window do not add up. */
	cr_assert_eq(throttle_fail(t, "10.0.0.3", 0, &blocked, &count), 1000);
	cr_assert_eq(throttle_fail(t, "10.0.0.3", 70000, &blocked, &count),
	    1000);
	cr_assert_eq(count, 1);
	throttle_free(t);
}

Test(throttle, capped_table)
{
	struct throttle	*t = throttle_new(4, 2, 60000, 300000);
	char		 a[32];
	int		 blocked, count, i;

	/* 10.0.0.0 is blocked; the others come and go. */
	throttle_fail(t, "10.0.0.0", 0, &blocked, &count);
	throttle_fail(t, "10.0.0.0", 1, &blocked, &count);
	cr_assert(blocked);
	for (i = 1; i < 100; i++) {
		snprintf(a, sizeof a, "10.0.0.%d", i);
		throttle_fail(t, a, 10 + i, &blocked, &count);
	}
	cr_assert_eq(throttle_size(t), 4);
	/* The block outlived the churn. */
	cr_assert_gt(throttle_blocked(t, "10.0.0.0", 200), 0);
	throttle_free(t);
}
