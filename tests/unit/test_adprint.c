/*
 * test_adprint.c: unit tests of submit/adprint.c, the -long, -af and
 * -format output of cq q, cq status and cq history over ads: sorted
 * "Name = value" lines with strings quoted, -af values (strings bare,
 * expressions, undefined), -format conversions (flags, width, the value's
 * own type, %v, %%, \n), and what is refused (two conversions in one
 * -format, an unknown one, -af mixed with -format, a bad expression).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "adprint.h"

static char	*out;
static size_t	 outlen;
static FILE	*f;

static void
setup(void)
{
	out = NULL;
	f = open_memstream(&out, &outlen);
	cr_assert_not_null(f);
}

static void
teardown(void)
{
	if (f != NULL)
		fclose(f);
	free(out);
}

TestSuite(adprint, .init = setup, .fini = teardown);

static struct json_object *
ad(void)
{
	return json_tokener_parse("{\"ProcId\":0,\"ClusterId\":12,"
	    "\"Owner\":\"alice\",\"RequestMemory\":512,\"Ratio\":0.25,"
	    "\"NiceUser\":false,\"Note\":\"a \\\"quoted\\\" word\"}");
}

static const char *
text(void)
{
	fflush(f);
	return out;
}

Test(adprint, long_is_sorted_and_quoted)
{
	struct json_object	*a = ad();

	adprint_long(f, a);
	cr_assert_str_eq(text(), "ClusterId = 12\nNiceUser = false\n"
	    "Note = \"a \\\"quoted\\\" word\"\nOwner = \"alice\"\nProcId = 0\n"
	    "Ratio = 0.25\nRequestMemory = 512\n\n");
	json_object_put(a);
}

Test(adprint, af_values_and_expressions)
{
	struct adprint		*p = adprint_new();
	struct json_object	*a = ad();

	cr_assert_eq(adprint_af(p, "q", "ClusterId"), 0);
	cr_assert_eq(adprint_af(p, "q", "owner"), 0);	/* any case */
	cr_assert_eq(adprint_af(p, "q", "RequestMemory * 2"), 0);
	cr_assert_eq(adprint_af(p, "q", "NoSuchAttr"), 0);
	cr_assert_eq(adprint_af(p, "q", "NiceUser"), 0);
	cr_assert(adprint_any(p));
	adprint_row(p, f, a);
	cr_assert_str_eq(text(), "12 alice 1024 undefined false\n");
	adprint_free(p);
	json_object_put(a);
}

Test(adprint, format_conversions)
{
	struct adprint		*p = adprint_new();
	struct json_object	*a = ad();

	cr_assert_eq(adprint_format(p, "q", "%d.", "ClusterId"), 0);
	cr_assert_eq(adprint_format(p, "q", "%d\\t", "ProcId"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%-6s]", "Owner"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%5.1f]", "RequestMemory"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%3d%%]", "Ratio * 100"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%v]", "Owner"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%s]", "RequestMemory"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%d]", "Owner"), 0);
	cr_assert_eq(adprint_format(p, "q", "[%x]\\n", "RequestMemory"), 0);
	adprint_row(p, f, a);
	cr_assert_str_eq(text(), "12.0\t[alice ][512.0][ 25%][\"alice\"]"
	    "[512][alice][200]\n");
	adprint_free(p);
	json_object_put(a);
}

Test(adprint, refusals)
{
	struct adprint	*p = adprint_new();

	cr_assert_eq(adprint_format(p, "q", "%d %d", "ClusterId"), -1);
	cr_assert_eq(adprint_format(p, "q", "%q", "ClusterId"), -1);
	cr_assert_eq(adprint_format(p, "q", "%", "ClusterId"), -1);
	cr_assert_eq(adprint_format(p, "q", "%d", "ClusterId +"), -1);
	cr_assert_not(adprint_any(p));
	cr_assert_eq(adprint_format(p, "q", "%d", "ClusterId"), 0);
	cr_assert_eq(adprint_af(p, "q", "Owner"), -1);
	adprint_free(p);
	p = adprint_new();
	cr_assert_eq(adprint_af(p, "q", "Owner"), 0);
	cr_assert_eq(adprint_format(p, "q", "%s", "Owner"), -1);
	cr_assert_eq(adprint_af(p, "q", "(Owner"), -1);
	adprint_free(p);
}

/*
 * Strings of an ad are others' (a desktop's OpSys, another user's job):
 * no terminal control reaches the screen through -af, -format or -long.
 */
Test(adprint, controls_in_strings_are_not_printed)
{
	struct adprint		*p = adprint_new();
	struct json_object	*a = json_tokener_parse("{\"OpSys\":"
	    "\"LINUX\\u001b]0;owned\\u0007\\u009b2J\",\"Name\":\"d\\u00e9sk\"}");

	cr_assert_not_null(a);
	cr_assert_eq(adprint_af(p, "status", "OpSys"), 0);
	cr_assert_eq(adprint_af(p, "status", "Name"), 0);
	adprint_row(p, f, a);
	adprint_free(p);
	p = adprint_new();
	cr_assert_eq(adprint_format(p, "status", "[%s]\\n", "OpSys"), 0);
	adprint_row(p, f, a);
	adprint_long(f, a);
	cr_assert_str_eq(text(), "LINUX?]0;owned??2J d\xc3\xa9sk\n"
	    "[LINUX?]0;owned??2J]\n"
	    "Name = \"d\xc3\xa9sk\"\nOpSys = \"LINUX?]0;owned??2J\"\n\n");
	cr_assert_null(strchr(text(), '\x1b'));
	adprint_free(p);
	json_object_put(a);
}
