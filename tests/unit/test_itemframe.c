/*
 * test_itemframe.c: unit tests of the item frames of a late
 * materialization (common/itemframe.c): what the scheduler accepts and
 * refuses, and how cq submit packs items (whole lines, the frame's
 * maximum, an item that does not fit), checked by reading back what was
 * packed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "itemframe.h"

static void
refused(const char *buf, size_t len, const char *msg)
{
	const char	*errstr = NULL;
	size_t		 n = 99;

	cr_assert_eq(itemframe_check(buf, len, &n, &errstr), -1,
	    "accepted %zu bytes", len);
	cr_assert_str_eq(errstr, msg);
	cr_assert_eq(n, 0);
}

Test(itemframe, check)
{
	const char	*errstr = NULL;
	size_t		 n;

	cr_assert_eq(itemframe_check("a\n", 2, &n, &errstr), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(itemframe_check("a b c\n\nd\n", 9, &n, &errstr), 0);
	cr_assert_eq(n, 3, "an empty line is an empty item");
	cr_assert_eq(itemframe_check("\xc3\xa9t\xc3\xa9\n", 6, &n, &errstr),
	    0);
	cr_assert_eq(n, 1);
	refused("", 0, "an item frame is empty or too long");
	refused("a", 1, "an item frame does not end with a whole line");
	refused("a\nb", 3, "an item frame does not end with a whole line");
	refused("a\0b\n", 4, "an item holds a NUL byte");
	refused("\xff\n", 2, "an item is not UTF-8");
	refused("\xc3\n", 2, "an item is not UTF-8");
}

Test(itemframe, too_long)
{
	char		*buf = malloc(ITEMFRAME_MAX + 1);
	const char	*errstr;
	size_t		 n;

	cr_assert_not_null(buf);
	memset(buf, 'x', ITEMFRAME_MAX + 1);
	buf[ITEMFRAME_MAX - 1] = '\n';
	cr_assert_eq(itemframe_check(buf, ITEMFRAME_MAX, &n, &errstr), 0);
	cr_assert_eq(n, 1);
	buf[ITEMFRAME_MAX] = '\n';
	refused(buf, ITEMFRAME_MAX + 1, "an item frame is empty or too long");
	free(buf);
}

/* Pack V (N items) into frames of CAP and read them back. */
static void
roundtrip(char **v, size_t n, size_t cap, size_t want_frames)
{
	char		*buf = malloc(cap), *p, *nl;
	const char	*errstr;
	size_t		 i = 0, k = 0, len, got, frames = 0;

	cr_assert_not_null(buf);
	while (i < n) {
		len = itemframe_pack(v, n, &i, buf, cap);
		cr_assert_gt(len, 0, "item %zu did not fit", i);
		cr_assert_leq(len, cap);
		cr_assert_eq(itemframe_check(buf, len, &got, &errstr), 0,
		    "frame %zu: %s", frames, errstr);
		frames++;
		for (p = buf; p < buf + len; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(buf + len - p));
			cr_assert_not_null(nl);
			cr_assert_lt(k, n);
			cr_assert_eq((size_t)(nl - p), strlen(v[k]));
			cr_assert_eq(memcmp(p, v[k], (size_t)(nl - p)), 0,
			    "item %zu", k);
			k++;
		}
	}
	cr_assert_eq(k, n);
	cr_assert_eq(frames, want_frames);
	free(buf);
}

Test(itemframe, pack)
{
	char	*v[] = { "red", "green", "", "blue", "a b c" };
	char	 big[ITEMFRAME_MAX_ITEM + 1], *one[1] = { big }, buf[8];
	size_t	 i;

	roundtrip(v, 5, ITEMFRAME_MAX, 1);
	/* "red\ngreen\n" is 10 bytes: then "\nblue\n", then "a b c\n". */
	roundtrip(v, 5, 10, 3);
	/* An item and its newline just fit, one byte more does not. */
	memset(big, 'x', ITEMFRAME_MAX_ITEM);
	big[ITEMFRAME_MAX_ITEM] = '\0';
	roundtrip(one, 1, ITEMFRAME_MAX, 1);
	i = 0;
	cr_assert_eq(itemframe_pack(v, 5, &i, buf, 5), 4);	/* "red\n" */
	cr_assert_eq(i, 1);
	cr_assert_eq(itemframe_pack(v, 5, &i, buf, 5), 0, "green\\n is 6");
	cr_assert_eq(i, 1);
	i = 5;
	cr_assert_eq(itemframe_pack(v, 5, &i, buf, sizeof buf), 0);
}

Test(itemframe, many)
{
	char	**v;
	size_t	  i, n = 100000;

	v = calloc(n, sizeof(*v));
	cr_assert_not_null(v);
	for (i = 0; i < n; i++) {
		v[i] = malloc(16);
		cr_assert_not_null(v[i]);
		snprintf(v[i], 16, "item-%zu", i);
	}
	/* 100,000 items of 6-11 bytes and a newline, 1 MiB: 5 frames. */
	roundtrip(v, n, ITEMFRAME_MAX, 5);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
