/*
 * test_expr.c: unit tests of the expression language (common/expr*.c):
 * every literal, operator and function, precedence, ClassAd's
 * three-valued logic, case rules, type errors, the size and depth limits,
 * syntax errors with their columns, and MY/TARGET lookup from JSON.
 * Most checks compare the printed value, which also shows the type
 * (3 is an integer, 3.0 a real, "3" a string).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "expr.h"
#include "xmalloc.h"

#define NOW	1700000000

static struct json_object	*my_ad, *target_ad;

static void
ads_setup(void)
{
	my_ad = json_tokener_parse("{\"Memory\": 2048, \"Name\": \"Alice\","
	    " \"Load\": 0.25, \"Busy\": true, \"Nothing\": null,"
	    " \"Owner\": \"alice\", \"List\": [1], \"Cpus\": 4}");
	target_ad = json_tokener_parse("{\"memory\": 4096, \"Arch\": "
	    "\"X86_64\", \"Disk\": 100, \"Cpus\": 8}");
	cr_assert_not_null(my_ad);
	cr_assert_not_null(target_ad);
}

static void
ads_teardown(void)
{
	json_object_put(my_ad);
	json_object_put(target_ad);
}

TestSuite(expr, .init = ads_setup, .fini = ads_teardown);

/* Evaluate SRC against the two ads at a fixed time; the printed value. */
static const char *
ev(const char *src)
{
	static char		 buf[256];
	char			 err[128];
	struct expr		*e;
	struct expr_value	 v;

	e = expr_parse(src, err, sizeof err);
	cr_assert_not_null(e, "<%s> refused: %s", src, err);
	expr_eval_json_at(e, my_ad, target_ad, NOW, &v);
	expr_value_str(&v, buf, sizeof buf);
	expr_value_clear(&v);
	expr_free(e);
	return buf;
}

#define EQ(src, want) do {						\
	const char *got_ = ev(src);					\
	cr_expect_str_eq(got_, want, "<%s> gave %s, not %s", src, got_, want); \
} while (0)

/* SRC must be refused with exactly WANT. */
static void
bad(const char *src, const char *want)
{
	char		 err[128];
	struct expr	*e;

	e = expr_parse(src, err, sizeof err);
	cr_expect_null(e, "<%s> accepted", src);
	expr_free(e);
	cr_expect_str_eq(err, want, "<%s>: %s", src, err);
}

Test(expr, literals)
{
	EQ("42", "42");
	EQ("0", "0");
	EQ("9223372036854775807", "9223372036854775807");
	EQ("3.25", "3.25");
	EQ(".5", "0.5");
	EQ("1e3", "1000.0");
	EQ("2.5E-1", "0.25");
	EQ("1.0", "1.0");
	EQ("\"hello\"", "\"hello\"");
	EQ("\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"");
	EQ("\"tab\\there\"", "\"tab\\there\"");
	EQ("\"\\q\"", "\"q\"");
	EQ("\"\"", "\"\"");
	EQ("true", "true");
	EQ("FALSE", "false");
	EQ("True", "true");
	EQ("undefined", "undefined");
	EQ("UNDEFINED", "undefined");
	EQ("error", "error");
	EQ("Error", "error");
}

Test(expr, attributes)
{
	EQ("Memory", "2048");
	EQ("memory", "2048");
	EQ("MEMORY", "2048");
	EQ("MY.Memory", "2048");
	EQ("my.memory", "2048");
	EQ("TARGET.Memory", "4096");
	EQ("target.MEMORY", "4096");
	EQ("Arch", "\"X86_64\"");	/* unscoped: MY, then TARGET */
	EQ("MY.Arch", "\"X86_64\"");
	EQ("TARGET.Name", "undefined");	/* TARGET. only in TARGET */
	EQ("Load", "0.25");
	EQ("Busy", "true");
	EQ("Nothing", "undefined");
	EQ("NoSuchThing", "undefined");
	EQ("List", "error");
	EQ("_x1", "undefined");
	EQ("MY . Cpus", "4");
	EQ("CurrentTime", "1700000000");
	EQ("Cpus < TARGET.Cpus", "true");
}

Test(expr, arithmetic)
{
	EQ("1 + 2", "3");
	EQ("7 - 10", "-3");
	EQ("6 * 7", "42");
	EQ("7 / 2", "3");
	EQ("-7 / 2", "-3");
	EQ("7 % 3", "1");
	EQ("-7 % 3", "-1");
	EQ("7.0 / 2", "3.5");
	EQ("1 + 0.5", "1.5");
	EQ("2 * 1.5", "3.0");
	EQ("7.5 % 2", "1.5");
	EQ("1 / 0", "error");
	EQ("1 % 0", "error");
	EQ("1.0 / 0", "error");
	EQ("1 / 0.0", "error");
	EQ("1e308 * 10", "error");	/* no infinities */
	EQ("-1e308 - 1e308", "error");
	EQ("1e308 + 1e308 - 1e308", "error");
	EQ("1.5 % 0", "error");
	EQ("9223372036854775807 + 1", "-9223372036854775808");
	EQ("(-9223372036854775807 - 1) / -1", "-9223372036854775808");
	EQ("(-9223372036854775807 - 1) % -1", "0");
	EQ("-(-9223372036854775807 - 1)", "-9223372036854775808");
	EQ("true + 1", "2");		/* booleans count as 0 and 1 */
	EQ("false * 3.0", "0.0");
	EQ("\"a\" + 1", "error");
	EQ("\"a\" + \"b\"", "error");
	EQ("1 + undefined", "undefined");
	EQ("undefined * 2.5", "undefined");
	EQ("1 + error", "error");
	EQ("error + undefined", "error");
	EQ("undefined + error", "error");
	EQ("\"a\" - undefined", "undefined");
	EQ("Memory / 1024", "2");
	EQ("-Memory", "-2048");
	EQ("+Memory", "2048");
	EQ("-2.5", "-2.5");
	EQ("- - 3", "3");
	EQ("-true", "-1");
	EQ("+\"x\"", "error");
	EQ("-\"x\"", "error");
	EQ("-undefined", "undefined");
	EQ("-error", "error");
}

Test(expr, precedence)
{
	EQ("1 + 2 * 3", "7");
	EQ("(1 + 2) * 3", "9");
	EQ("10 - 4 - 3", "3");		/* left-associative */
	EQ("100 / 10 / 5", "2");
	EQ("2 * 3 % 4", "2");
	EQ("-2 * 3", "-6");
	EQ("1 + 2 < 4", "true");
	EQ("1 < 2 == true", "true");
	EQ("2 > 1 == 1 > 2", "false");
	EQ("true || false && false", "true");
	EQ("(true || false) && false", "false");
	EQ("!true || true", "true");
	EQ("!(true || true)", "false");
	EQ("1 == 1 && 2 == 2", "true");
	EQ("false ? 1 : 2", "2");
	EQ("true ? 1 : 2", "1");
	EQ("false ? 1 : true ? 2 : 3", "2");	/* right-associative */
	EQ("1 > 0 ? \"pos\" : \"neg\"", "\"pos\"");
	EQ("true || false ? 10 : 20", "10");
	EQ("1 + 1 =?= 2", "true");
	EQ("!1 == 0", "true");
	EQ("((((((1))))))", "1");
}

Test(expr, comparison)
{
	EQ("1 < 2", "true");
	EQ("2 <= 2", "true");
	EQ("3 > 2", "true");
	EQ("2 >= 3", "false");
	EQ("1 == 1.0", "true");
	EQ("1 != 1.5", "true");
	EQ("2.5 > 2", "true");
	EQ("true == 1", "true");
	EQ("true == false", "false");
	EQ("\"abc\" == \"ABC\"", "true");	/* case-insensitive */
	EQ("\"abc\" != \"ABC\"", "false");
	EQ("\"abc\" < \"ABD\"", "true");
	EQ("\"B\" > \"a\"", "true");
	EQ("10 == \"ABC\"", "error");
	EQ("10 != \"ABC\"", "error");
	EQ("\"1\" < 2", "error");
	EQ("10 == UNDEFINED", "undefined");
	EQ("UNDEFINED == UNDEFINED", "undefined");
	EQ("10 != UNDEFINED", "undefined");
	EQ("undefined < 1", "undefined");
	EQ("error == 1", "error");
	EQ("error == undefined", "error");
	EQ("Name == \"ALICE\"", "true");
	EQ("Owner == Name", "true");
	EQ("Nothing == 1", "undefined");
}

Test(expr, identity)
{
	EQ("10 =?= 10", "true");
	EQ("10 =?= 5", "false");
	EQ("10 =?= \"ABC\"", "false");
	EQ("\"ABC\" =?= \"abc\"", "false");	/* case-sensitive */
	EQ("\"abc\" =?= \"abc\"", "true");
	EQ("10 =?= UNDEFINED", "false");
	EQ("UNDEFINED =?= UNDEFINED", "true");
	EQ("error =?= error", "true");
	EQ("error =?= undefined", "false");
	EQ("1 =?= 1.0", "false");		/* types differ */
	EQ("true =?= 1", "false");
	EQ("true =?= true", "true");
	EQ("1.5 =?= 1.5", "true");
	EQ("10 =!= 10", "false");
	EQ("10 =!= 5", "true");
	EQ("10 =!= \"ABC\"", "true");
	EQ("\"ABC\" =!= \"abc\"", "true");
	EQ("10 =!= UNDEFINED", "true");
	EQ("UNDEFINED =!= UNDEFINED", "false");
	EQ("Nothing is undefined", "true");
	EQ("NoSuch IS UNDEFINED", "true");
	EQ("Memory isnt undefined", "true");
	EQ("Memory ISNT 2048", "false");
	EQ("Name is \"alice\"", "false");
}

/* The truth tables of && and || over the four logical values. */
Test(expr, three_valued_logic)
{
	static const char *v[] = { "true", "false", "undefined", "error" };
	static const char *and[4][4] = {
		/* true */	{ "true", "false", "undefined", "error" },
		/* false */	{ "false", "false", "false", "false" },
		/* undef */	{ "undefined", "false", "undefined", "error" },
		/* error */	{ "error", "error", "error", "error" }
	};
	static const char *or[4][4] = {
		/* true */	{ "true", "true", "true", "true" },
		/* false */	{ "true", "false", "undefined", "error" },
		/* undef */	{ "true", "undefined", "undefined", "error" },
		/* error */	{ "error", "error", "error", "error" }
	};
	char	src[64];
	int	a, b;

	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) {
			snprintf(src, sizeof src, "%s && %s", v[a], v[b]);
			EQ(src, and[a][b]);
			snprintf(src, sizeof src, "%s || %s", v[a], v[b]);
			EQ(src, or[a][b]);
		}
	EQ("!true", "false");
	EQ("!false", "true");
	EQ("!undefined", "undefined");
	EQ("!error", "error");
	EQ("!\"x\"", "error");
	EQ("!0", "true");
	EQ("!2.5", "false");
	/* Numbers are logical values, strings are errors. */
	EQ("1 && 2", "true");
	EQ("0 || 0.0", "false");
	EQ("true && \"foobar\"", "error");
	EQ("\"foobar\" || true", "error");
	EQ("false && \"foobar\"", "false");
	EQ("true || \"foobar\"", "true");
	/* Chains, and what is skipped. */
	EQ("true && true && undefined", "undefined");
	EQ("undefined && true && false", "false");
	EQ("false || false || true", "true");
	EQ("undefined || false || undefined", "undefined");
	EQ("false && 1 / 0 == 1", "false");
	EQ("Busy && Memory > 1000 && TARGET.Disk >= 100", "true");
	EQ("NoSuch > 3 || Memory > 1000", "true");
	EQ("NoSuch > 3 && Memory > 1000", "undefined");
}

Test(expr, conditional)
{
	EQ("undefined ? 1 : 2", "undefined");
	EQ("error ? 1 : 2", "error");
	EQ("\"s\" ? 1 : 2", "error");
	EQ("0 ? 1 : 2", "2");
	EQ("0.5 ? 1 : 2", "1");
	EQ("true ? 1 : 1 / 0", "1");
	EQ("NoSuch ?: 7", "7");
	EQ("Memory ?: 7", "2048");
	EQ("false ?: 7", "false");
	EQ("undefined ?: undefined ?: 3", "3");
}

Test(expr, functions_types)
{
	EQ("ifThenElse(true, 1, 2)", "1");
	EQ("IFTHENELSE(false, 1, 2)", "2");
	EQ("ifThenElse(undefined, 1, 2)", "undefined");
	EQ("ifThenElse(error, 1, 2)", "error");
	EQ("ifThenElse(\"x\", 1, 2)", "error");
	EQ("ifThenElse(0.0, 1, 2)", "2");
	EQ("ifThenElse(3, 1, 1/0)", "1");
	EQ("isUndefined(NoSuch)", "true");
	EQ("isUndefined(Memory)", "false");
	EQ("isundefined(error)", "false");
	EQ("isError(1/0)", "true");
	EQ("isError(undefined)", "false");
	EQ("isString(Name)", "true");
	EQ("isString(1)", "false");
	EQ("isInteger(Memory)", "true");
	EQ("isInteger(1.0)", "false");
	EQ("isInteger(true)", "false");
	EQ("isReal(Load)", "true");
	EQ("isReal(1)", "false");
	EQ("isBoolean(Busy)", "true");
	EQ("isBoolean(1)", "false");
	EQ("isBoolean(undefined)", "false");
}

Test(expr, functions_conversion)
{
	EQ("int(3.9)", "3");
	EQ("int(-3.9)", "-3");
	EQ("int(true)", "1");
	EQ("int(\"42\")", "42");
	EQ("int(\" 42 \")", "42");
	EQ("int(\"4.7\")", "4");
	EQ("int(\"x\")", "error");
	EQ("int(\"\")", "error");
	EQ("int(1e30)", "error");
	EQ("int(undefined)", "undefined");
	EQ("int(error)", "error");
	EQ("real(3)", "3.0");
	EQ("real(\"2.5\")", "2.5");
	EQ("real(\"2.5x\")", "error");
	EQ("real(\"-1e3\")", "-1000.0");
	EQ("real(\"inf\")", "error");
	EQ("real(\"nan\")", "error");
	EQ("real(\"0x10\")", "error");
	EQ("int(\"0x10\")", "error");
	EQ("int(\"-12\")", "-12");
	EQ("real(false)", "0.0");
	EQ("real(undefined)", "undefined");
	EQ("string(42)", "\"42\"");
	EQ("string(2.5)", "\"2.5\"");
	EQ("string(2.0)", "\"2.0\"");
	EQ("string(true)", "\"true\"");
	EQ("string(\"s\")", "\"s\"");
	EQ("string(undefined)", "undefined");
	EQ("string(error)", "error");
	EQ("floor(2.7)", "2");
	EQ("floor(-2.2)", "-3");
	EQ("floor(5)", "5");
	EQ("ceiling(2.2)", "3");
	EQ("ceiling(-2.7)", "-2");
	EQ("round(2.5)", "3");
	EQ("round(2.4)", "2");
	EQ("round(-2.5)", "-3");
	EQ("round(\"x\")", "error");
	EQ("floor(undefined)", "undefined");
	EQ("floor(1e300)", "error");
	EQ("min(3, 1.5)", "1.5");
	EQ("min(3, 2)", "2");
	EQ("max(3, 2)", "3");
	EQ("max(1, 2.5, 2)", "2.5");
	EQ("max(Memory, TARGET.Memory)", "4096");
	EQ("min(1, \"a\")", "error");
	EQ("min(1, undefined)", "undefined");
	EQ("time()", "1700000000");
	EQ("time() - CurrentTime", "0");
}

Test(expr, functions_strings)
{
	EQ("toLower(\"AbC\")", "\"abc\"");
	EQ("toUpper(\"AbC\")", "\"ABC\"");
	EQ("toUpper(12)", "\"12\"");
	EQ("tolower(undefined)", "undefined");
	EQ("size(\"hello\")", "5");
	EQ("size(\"\")", "0");
	EQ("size(1)", "error");
	EQ("size(undefined)", "undefined");
	EQ("size({1, 2, 3})", "3");
	EQ("size({})", "0");
	EQ("strlen(\"hello\")", "5");
	EQ("strlen(123)", "3");
	EQ("strcmp(\"a\", \"b\")", "-1");
	EQ("strcmp(\"b\", \"a\")", "1");
	EQ("strcmp(\"a\", \"A\")", "1");
	EQ("strcmp(\"a\", \"a\")", "0");
	EQ("stricmp(\"a\", \"A\")", "0");
	EQ("stricmp(\"a\", \"B\")", "-1");
	EQ("strcmp(1, \"1\")", "0");
	EQ("strcmp(undefined, \"a\")", "undefined");
	EQ("strcat(\"a\", 1, true, 2.5)", "\"a1true2.5\"");
	EQ("strcat()", "\"\"");
	EQ("substr(\"abcdef\", 2)", "\"cdef\"");
	EQ("substr(\"abcdef\", 2, 3)", "\"cde\"");
	EQ("substr(\"abcdef\", -2)", "\"ef\"");
	EQ("substr(\"abcdef\", 1, -2)", "\"bcd\"");
	EQ("substr(\"abcdef\", 10)", "\"\"");
	EQ("substr(\"abcdef\", -10, 2)", "\"ab\"");
	EQ("substr(\"abcdef\", 2, 100)", "\"cdef\"");
	EQ("substr(\"abcdef\", 2, -100)", "\"\"");
	EQ("substr(\"abc\", \"x\")", "error");
	EQ("regexp(\"^a.*e$\", \"apple\")", "true");
	EQ("regexp(\"^A\", \"apple\")", "false");
	EQ("regexp(\"^A\", \"apple\", \"i\")", "true");
	EQ("regexp(\"p{2}\", \"apple\")", "true");
	EQ("regexp(\"(x|y)+z\", \"xyxz\")", "true");
	EQ("regexp(\"^b$\", \"a\\nb\")", "false");
	EQ("regexp(\"^b$\", \"a\\nb\", \"m\")", "true");
	EQ("regexp(strcat(\"(\"), \"a\")", "error");	/* at run time */
	EQ("regexp(strcat(\"^a\"), \"ab\")", "true");
	EQ("regexp(\"^A\", Name, toLower(\"I\"))", "true");
	EQ("regexp(1, \"1\")", "error");
	EQ("regexp(\"a\", undefined)", "undefined");
	EQ("regexp(\"ali\", Name, \"I\")", "true");
	EQ("regexp(\"^a{2,3}$\", \"aaa\")", "true");
	EQ("regexp(\"^a{2,}$\", \"a\")", "false");
	EQ("regexp(\"[[:digit:]]+\", \"x12\")", "true");
	EQ("regexp(\"[]a]\", \"]\")", "true");
	EQ("regexp(\"[^]a]\", \"]\")", "false");
	EQ("regexp(\"\\\\.\", \"a.b\")", "true");
	EQ("regexp(\"(ab|cd)+e?\", \"xcdab\")", "true");
	/* Patterns the C library would expand exponentially: refused. */
	EQ("regexp(strcat(\"s+++++++++++++++++++++++++++++\"), \"s\")",
	    "error");
	EQ("regexp(strcat(\"((a{20}){20}){20}\"), \"a\")", "error");
	EQ("regexp(strcat(\"(a{40}){40}\"), \"a\")", "error");
	EQ("regexp(strcat(\"a+*\"), \"a\")", "error");
	EQ("regexp(strcat(\"a?{2}\"), \"a\")", "error");
	EQ("regexp(strcat(\"(a+)*\"), \"a\")", "true");
	EQ("regexp(strcat(\"(a{30}){30}\"), \"a\")", "false");
	EQ("member(2, {1, 2, 3})", "true");
	EQ("member(4, {1, 2, 3})", "false");
	EQ("member(\"B\", {\"a\", \"b\"})", "true");
	EQ("member(Memory, {1024, 2048})", "true");
	EQ("member(1, {undefined, \"a\", 1})", "true");
	EQ("member(undefined, {1})", "undefined");
	EQ("member(error, {1})", "error");
	EQ("member(1, Memory)", "error");
	EQ("identicalMember(\"B\", {\"a\", \"b\"})", "false");
	EQ("identicalMember(\"b\", {\"a\", \"b\"})", "true");
	EQ("identicalMember(undefined, {1, undefined})", "true");
	EQ("stringListMember(\"b\", \"a,b,c\")", "true");
	EQ("stringListMember(\"b\", \"a, b , c\")", "true");
	EQ("stringListMember(\"B\", \"a,b,c\")", "false");
	EQ("stringListIMember(\"B\", \"a,b,c\")", "true");
	EQ("stringListMember(\"d\", \"a,b,c\")", "false");
	EQ("stringListMember(\"\", \"a,,b\")", "false");
	EQ("stringListMember(\"ab\", \"a,b\")", "false");
	EQ("stringListMember(\"b\", \"a;b\", \";\")", "true");
	EQ("stringListMember(2, \"1,2\")", "true");
	EQ("stringListMember(\"a\", 1)", "error");
	EQ("stringListMember(\"a\", undefined)", "undefined");
	/* jobsub's requirements: the usage models both sides name. */
	EQ("stringListsIntersect(\"OFFSITE,DEDICATED\", \"DEDICATED\")",
	    "true");
	EQ("stringListsIntersect(\"a, b\", \"c,d\")", "false");
	EQ("stringListsIntersect(\"a, B\", \"b\")", "false");
	EQ("stringListsIntersect(toUpper(\"a, b\"), toUpper(\"x b\"))",
	    "true");
	EQ("stringListsIntersect(\"a;b\", \"c;b\", \";\")", "true");
	EQ("stringListsIntersect(\"\", \"\")", "false");
	EQ("stringListsIntersect(\"a\", undefined)", "error");
	EQ("stringListsIntersect(1, \"1\")", "error");
}

Test(expr, syntax_errors)
{
	char	err[128];

	bad("", "column 1: empty expression");
	bad(NULL, "column 1: empty expression");
	bad("   ", "column 4: empty expression");
	bad("1 +", "column 4: unexpected end of expression");
	bad("1 + * 2", "column 5: unexpected '*'");
	bad("(1 + 2", "column 7: unexpected end of expression, expected ')'");
	bad("1 + 2)", "column 6: unexpected ')', expected an operator or the end");
	bad("a = 1", "column 3: '=' is not an operator (use == or =?=)");
	bad("a & b", "column 3: '&' is not an operator (use &&)");
	bad("a | b", "column 3: '|' is not an operator (use ||)");
	bad("\"abc", "column 1: unterminated string");
	bad("x == \"abc\\\"", "column 6: unterminated string");
	bad("1 2", "column 3: unexpected '2', expected an operator or the end");
	bad("12abc", "column 1: bad number");
	bad("1.", "column 1: bad number");
	bad("1.2.3", "column 1: bad number");
	bad("99999999999999999999", "column 1: integer out of range");
	bad("1e999", "column 1: real out of range");
	bad("a # b", "column 3: unexpected character '#'");
	bad("a \x01 b", "column 3: unexpected byte 0x01");
	bad("foo(1)", "column 1: unknown function 'foo'");
	bad("1 + strlen()", "column 5: strlen() takes 1 argument");
	bad("substr(\"a\")", "column 1: substr() takes 2 to 3 arguments");
	bad("ifThenElse(1, 2)", "column 1: ifThenElse() takes 3 arguments");
	bad("time(1)", "column 1: time() takes 0 arguments");
	bad("strlen(1 2)", "column 10: unexpected '2', expected ',' or ')'");
	bad("foo.bar", "column 1: unknown scope 'foo' (only MY. and TARGET.)");
	bad("MY.", "column 4: unexpected end of expression, expected an "
	    "attribute name");
	bad("MY.1", "column 3: unexpected '.1', expected an operator or the end");
	bad("TARGET.(x)", "column 8: unexpected '(', expected an attribute name");
	bad("true ? 1", "column 9: unexpected end of expression, expected ':'");
	bad("{1, 2}", "column 1: a list is only allowed as an argument of "
	    "member(), identicalMember() or size()");
	bad("member({1}, 1)", "column 8: a list is only allowed as an argument "
	    "of member(), identicalMember() or size()");
	bad("member(1, {1 2})", "column 14: unexpected '2', expected ',' or '}'");
	bad("x ==", "column 5: unexpected end of expression");
	bad("!", "column 2: unexpected end of expression");
	bad("()", "column 2: unexpected ')'");
	bad("regexp(\"(a{99}){99}\", x)", "column 1: regular expression too "
	    "long or complex");
	bad("regexp(\"a{5000}\", x)", "column 1: regular expression too "
	    "long or complex");
	/* The text after the colon is the C library's. */
	cr_expect_null(expr_parse("x || regexp(\"(\", y)", err, sizeof err));
	cr_expect(strncmp(err, "column 6: bad regular expression: ", 34) == 0,
	    "%s", err);
}

/* Nesting 200 deep parses; 201 does not, with no stack overflow on a
   much deeper input either. */
Test(expr, depth_limit)
{
	char		*s, err[128];
	struct expr	*e;
	size_t		 i, n;
	struct expr_value v;

	n = EXPR_MAX_DEPTH - 1;
	s = xmalloc(2 * n + 2);
	for (i = 0; i < n; i++)
		s[i] = '(';
	s[n] = '1';
	for (i = 0; i < n; i++)
		s[n + 1 + i] = ')';
	s[2 * n + 1] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	expr_free(e);
	free(s);

	n = 30000;
	s = xmalloc(2 * n + 2);
	for (i = 0; i < n; i++)
		s[i] = '(';
	s[n] = '1';
	for (i = 0; i < n; i++)
		s[n + 1 + i] = ')';
	s[2 * n + 1] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_null(e);
	cr_assert_str_eq(err, "column 201: expression nested too deeply "
	    "(over 200)");
	free(s);

	/* Unary operators nest too. */
	n = 30000;
	s = xmalloc(n + 2);
	memset(s, '-', n);
	s[n] = '1';
	s[n + 1] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_null(e);
	cr_assert(strstr(err, "nested too deeply") != NULL, "%s", err);
	free(s);

	/* Chains: 16000 operands is one level, evaluated by a loop. */
	n = 16000;
	s = xmalloc(n * 3 + 1);
	for (i = 0; i < n; i++)
		memcpy(s + i * 3, i + 1 < n ? "1||" : "1\0", 3);
	e = expr_parse(s, err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	expr_eval(e, NULL, NULL, &v);
	cr_assert_eq(v.type, EXPR_BOOL);
	expr_free(e);
	for (i = 0; i < n; i++)
		memcpy(s + i * 2, "1+", 2);
	s[n * 2 - 1] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	expr_eval(e, NULL, NULL, &v);
	cr_assert_eq(v.type, EXPR_INT);
	cr_assert_eq(v.i, (int64_t)n);
	expr_free(e);
	free(s);
}

Test(expr, size_limits)
{
	char		*s, err[128];
	struct expr	*e;
	size_t		 i, n;

	/* Source length. */
	n = EXPR_MAX_SOURCE + 1;
	s = xmalloc(n + 1);
	memset(s, ' ', n);
	s[0] = '1';
	s[n] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_null(e);
	cr_assert_str_eq(err, "column 1: expression too long (over 65536 "
	    "bytes)");
	s[n - 1] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	expr_free(e);
	free(s);

	/* Node count: 1+1+...: each "+1" adds one node. */
	n = EXPR_MAX_NODES + 10;
	s = xmalloc(2 * n + 2);
	s[0] = '1';
	for (i = 0; i < n; i++)
		memcpy(s + 1 + 2 * i, "+1", 2);
	s[1 + 2 * n] = '\0';
	e = expr_parse(s, err, sizeof err);
	cr_assert_null(e);
	cr_assert(strstr(err, "expression too large (over 16384 nodes)") !=
	    NULL, "%s", err);
	free(s);

	/* A string built by a function is bounded. */
	s = xmalloc(EXPR_MAX_SOURCE);
	n = 0;
	n += (size_t)snprintf(s, 64, "strcat(");
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(s + n, 64, "%sName", i ? "," : "");
	snprintf(s + n, 64, ")");
	e = expr_parse(s, err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	expr_free(e);
	free(s);
}

/* A lookup that returns one long string, for the string bound. */
static int
long_lookup(void *arg, int scope, const char *name, struct expr_value *out)
{
	out->type = EXPR_STRING;
	out->s = xmalloc(300 * 1024 + 1);
	memset(out->s, 'x', 300 * 1024);
	out->s[300 * 1024] = '\0';
	return 0;
}

Test(expr, string_bound)
{
	char			 err[128];
	struct expr		*e;
	struct expr_value	 v;

	e = expr_parse("size(strcat(a, b, c))", err, sizeof err);
	cr_assert_not_null(e);
	expr_eval(e, long_lookup, NULL, &v);
	cr_assert_eq(v.type, EXPR_INT);
	cr_assert_eq(v.i, 900 * 1024);
	expr_free(e);
	e = expr_parse("strcat(a, b, c, d)", err, sizeof err);
	cr_assert_not_null(e);
	expr_eval(e, long_lookup, NULL, &v);
	cr_assert_eq(v.type, EXPR_ERROR);
	expr_free(e);
}

/* Two long lists that share nothing but their last element: A is
 * "a0,a1,...", B the same with b, and Z (in both) ends each. */
static int
lists_lookup(void *arg, int scope, const char *name, struct expr_value *out)
{
	size_t	 i, len = 0, cap = 1024 * 1024;

	out->type = EXPR_STRING;
	out->s = xmalloc(cap);
	for (i = 0; i < 100000; i++)
		len += (size_t)snprintf(out->s + len, cap - len, "%c%zu,",
		    name[0], i);
	snprintf(out->s + len, cap - len, "z");
	return 0;
}

/* Not n times m: two lists of 100,000 elements each (n times m would be
 * 1e10 comparisons, minutes; the timeout only stops such a run). */
Test(expr, string_lists_intersect_long, .timeout = 30)
{
	char			 err[128];
	struct expr		*e;
	struct expr_value	 v;

	e = expr_parse("stringListsIntersect(a, b)", err, sizeof err);
	cr_assert_not_null(e);
	expr_eval(e, lists_lookup, NULL, &v);
	cr_assert_eq(v.type, EXPR_BOOL);
	cr_assert_eq(v.b, 1);
	expr_free(e);
}

/* The lookup callback sees the scope and the name as written. */
static int
scope_lookup(void *arg, int scope, const char *name, struct expr_value *out)
{
	char	buf[64];

	if (strcasecmp(name, "missing") == 0)
		return -1;
	snprintf(buf, sizeof buf, "%d:%s", scope, name);
	out->type = EXPR_STRING;
	out->s = xstrdup(buf);
	return 0;
}

Test(expr, lookup_callback)
{
	static const struct {
		const char	*src, *want;
	} t[] = {
		{ "Foo", "\"0:Foo\"" },
		{ "my.fOO", "\"1:fOO\"" },
		{ "TARGET.Bar", "\"2:Bar\"" },
		{ "Missing", "undefined" },
		{ "strcat(a, MY.b, target.c)", "\"0:a1:b2:c\"" },
	};
	char			 err[128], buf[128];
	struct expr		*e;
	struct expr_value	 v;
	size_t			 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		e = expr_parse(t[i].src, err, sizeof err);
		cr_assert_not_null(e, "%s", err);
		expr_eval(e, scope_lookup, NULL, &v);
		cr_expect_str_eq(expr_value_str(&v, buf, sizeof buf),
		    t[i].want, "<%s>", t[i].src);
		expr_value_clear(&v);
		cr_expect_str_eq(expr_source(e), t[i].src);
		expr_free(e);
	}
	/* No lookup: every attribute is undefined. */
	e = expr_parse("Foo", err, sizeof err);
	expr_eval(e, NULL, NULL, &v);
	cr_assert_eq(v.type, EXPR_UNDEFINED);
	expr_free(e);
}

Test(expr, json_scopes)
{
	char			 err[128];
	struct expr		*e;
	struct expr_value	 v;

	/* Either ad may be missing. */
	e = expr_parse("Memory", err, sizeof err);
	expr_eval_json(e, NULL, target_ad, &v);
	cr_assert_eq(v.type, EXPR_INT);
	cr_assert_eq(v.i, 4096);
	expr_eval_json(e, my_ad, NULL, &v);
	cr_assert_eq(v.i, 2048);
	expr_eval_json(e, NULL, NULL, &v);
	cr_assert_eq(v.type, EXPR_UNDEFINED);
	expr_free(e);
	e = expr_parse("TARGET.Name", err, sizeof err);
	expr_eval_json(e, my_ad, NULL, &v);
	cr_assert_eq(v.type, EXPR_UNDEFINED);
	expr_free(e);
	/* The real clock. */
	e = expr_parse("time() > 1700000000", err, sizeof err);
	expr_eval_json(e, NULL, NULL, &v);
	cr_assert(expr_is_true(&v));
	expr_free(e);
}

Test(expr, is_true_and_printing)
{
	struct expr_value	v;
	char			buf[8];

	memset(&v, 0, sizeof v);
	v.type = EXPR_BOOL;
	v.b = 1;
	cr_assert(expr_is_true(&v));
	v.b = 0;
	cr_assert(!expr_is_true(&v));
	v.type = EXPR_INT;
	v.i = -3;
	cr_assert(expr_is_true(&v));
	v.i = 0;
	cr_assert(!expr_is_true(&v));
	v.type = EXPR_REAL;
	v.r = 0.1;
	cr_assert(expr_is_true(&v));
	v.type = EXPR_UNDEFINED;
	cr_assert(!expr_is_true(&v));
	v.type = EXPR_ERROR;
	cr_assert(!expr_is_true(&v));
	v.type = EXPR_STRING;
	v.s = "true";
	cr_assert(!expr_is_true(&v));
	/* Truncation keeps the buffer terminated. */
	v.s = "abcdefghij";
	cr_assert_str_eq(expr_value_str(&v, buf, sizeof buf), "\"abcdef");
	v.s = "a\"b\\c\n";
	cr_assert_str_eq(expr_value_str(&v, buf, sizeof buf), "\"a\\\"b\\\\");
	cr_assert_str_eq(expr_type_str(EXPR_REAL), "real");
	EQ("Requirements_are_absent", "undefined");
	EQ("0.1", "0.1");
	EQ("1e20", "1e+20");
	EQ("1.0 / 3", "0.33333333333333331");
}

static uint32_t	rnd_seed = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_seed = rnd_seed * 1103515245 + 12345;
	return (rnd_seed >> 16) % n;
}

/* Append a random well-formed expression, at most DEPTH deep, to BUF. */
static void
gen(char *buf, size_t len, int depth)
{
	static const char *atom[] = {
		"1", "0", "-3", "2.5", "0.0", "true", "false", "undefined",
		"error", "\"s\"", "\"A\"", "\"\"", "Memory", "Name", "MY.Load",
		"TARGET.Cpus", "Nothing", "Busy", "9223372036854775807",
		"1e300", "List", "time()", "size({})",
	};
	static const char *bin[] = {
		"+", "-", "*", "/", "%", "&&", "||", "==", "!=", "=?=", "=!=",
		"<", "<=", ">", ">=", "is", "isnt",
	};
	static const char *fn1[] = {
		"isUndefined", "isError", "isString", "isInteger", "isReal",
		"isBoolean", "int", "real", "string", "toLower", "toUpper",
		"size", "strlen", "floor", "ceiling", "round", "min", "max",
		"strcat",
	};
	static const char *fn2[] = {
		"strcmp", "stricmp", "substr", "min", "max", "regexp",
		"stringListMember", "stringListIMember", "strcat",
	};
	static const char *fn3[] = {
		"ifThenElse", "substr", "regexp", "stringListMember", "strcat",
	};
	size_t	n = strlen(buf);
	unsigned k = depth <= 0 ? 0 : rnd(9);

#define ADD(s) strlcat(buf, s, len)
#define PICK(a) a[rnd(sizeof a / sizeof a[0])]
	if (n + 64 > len)
		k = 0;
	switch (k) {
	case 0:
	case 1:
		ADD(PICK(atom));
		break;
	case 2:
		ADD(PICK(((const char *[]){ "-", "+", "!" })));
		gen(buf, len, depth - 1);
		break;
	case 3:
	case 4:
		ADD("(");
		gen(buf, len, depth - 1);
		ADD(" ");
		ADD(PICK(bin));
		ADD(" ");
		gen(buf, len, depth - 1);
		ADD(")");
		break;
	case 5:
		gen(buf, len, depth - 1);
		ADD(" ? ");
		gen(buf, len, depth - 1);
		ADD(" : (");
		gen(buf, len, depth - 1);
		ADD(")");
		break;
	case 6:
		ADD(PICK(fn1));
		ADD("(");
		gen(buf, len, depth - 1);
		ADD(")");
		break;
	case 7:
		ADD(PICK(fn2));
		ADD("(");
		gen(buf, len, depth - 1);
		ADD(", ");
		gen(buf, len, depth - 1);
		ADD(")");
		break;
	default:
		ADD(rnd(2) ? PICK(fn3) : "member");
		ADD("(");
		gen(buf, len, depth - 1);
		if (strstr(buf + n, "member") == buf + n) {
			ADD(", {");
			gen(buf, len, depth - 1);
			ADD(", 1})");
			break;
		}
		ADD(", ");
		gen(buf, len, depth - 1);
		ADD(", ");
		gen(buf, len, depth - 1);
		ADD(")");
		break;
	}
#undef ADD
#undef PICK
}

/* Random well-formed expressions, token soups and random bytes: what
   parses evaluates without a crash to a valid value (each Criterion
   test runs in its own process; ASan builds catch the rest).  The
   generator is seeded, so a failure repeats. */
Test(expr, random_inputs)
{
	char			 src[2048], err[128], buf[64];
	struct expr		*e;
	struct expr_value	 v;
	size_t			 n;
	int			 i, k, parsed = 0;

	for (i = 0; i < 30000; i++) {
		src[0] = '\0';
		if (i % 3 == 0)
			gen(src, sizeof src, 6);
		else if (i % 3 == 1) {
			for (k = 1 + (int)rnd(8); k > 0; k--)
				gen(src, sizeof src, 0), strlcat(src,
				    ((const char *[]){ " ", "(", ")", "+",
				    "&&", "?", ":", ",", "." })[rnd(9)],
				    sizeof src);
		} else {
			n = 1 + rnd(20);
			for (k = 0; k < (int)n; k++)
				src[k] = (char)(1 + rnd(255));
			src[n] = '\0';
		}
		if ((e = expr_parse(src, err, sizeof err)) == NULL) {
			cr_assert(strncmp(err, "column ", 7) == 0, "%s", err);
			cr_assert(i % 3 != 0, "<%s> refused: %s", src, err);
			continue;
		}
		parsed++;
		expr_eval_json_at(e, my_ad, target_ad, NOW, &v);
		cr_assert(v.type >= EXPR_UNDEFINED && v.type <= EXPR_STRING);
		expr_value_str(&v, buf, sizeof buf);
		expr_value_clear(&v);
		expr_free(e);
	}
	cr_assert_gt(parsed, 10000);
}

static void
collect_attr(void *arg, int scope, const char *name)
{
	char	*buf = arg;

	snprintf(buf + strlen(buf), 256 - strlen(buf), "%s%d:%s",
	    buf[0] != '\0' ? " " : "", scope, name);
}

Test(expr, attrs)
{
	char		 err[128], buf[256] = "";
	struct expr	*e;

	e = expr_parse("Memory > 1 && TARGET.Arch == \"x\" || "
	    "member(my.Cpus, {a, 1}) || strlen(Name) > Memory", err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	expr_attrs(e, collect_attr, buf);
	cr_assert_str_eq(buf, "0:Memory 2:Arch 1:Cpus 0:a 0:Name 0:Memory");
	expr_free(e);
}

Test(expr, clauses)
{
	static const char	*src = "  Memory >= 1024 && (Arch == \"X86_64\" "
	    "|| Arch == \"ARM\")&&TARGET.Disk > 1000 && -Cpus < 0  ";
	static const char	*want[] = {
		"Memory >= 1024", "(Arch == \"X86_64\" || Arch == \"ARM\")",
		"TARGET.Disk > 1000", "-Cpus < 0"
	};
	static const char	*val[] = { "true", "true", "false", "true" };
	char			 err[128], buf[128];
	struct expr		*e;
	struct expr_value	 v;
	struct expr_env		 env = { scope_lookup, NULL, NOW };
	int			 k;

	e = expr_parse(src, err, sizeof err);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(expr_clause_count(e), 4);
	for (k = 0; k < 4; k++)
		cr_expect_str_eq(expr_clause_str(e, k, buf, sizeof buf),
		    want[k]);
	cr_assert_str_eq(expr_clause_str(e, 4, buf, sizeof buf), "");
	expr_free(e);

	/* Evaluated alone, against JSON ads through a lookup. */
	e = expr_parse(src, err, sizeof err);
	for (k = 0; k < 4; k++) {
		struct json_object	*m = my_ad, *t = target_ad;
		struct expr		*one;

		one = expr_parse(want[k], err, sizeof err);
		cr_assert_not_null(one);
		expr_eval_json_at(one, m, t, NOW, &v);
		cr_expect_str_eq(expr_value_str(&v, buf, sizeof buf), val[k],
		    "clause %d", k);
		expr_value_clear(&v);
		expr_free(one);
	}
	expr_clause_eval(e, 1, &env, &v);	/* strings == strings */
	cr_assert_eq(v.type, EXPR_BOOL);
	cr_assert_eq(v.b, 0);
	expr_clause_eval(e, 9, &env, &v);
	cr_assert_eq(v.type, EXPR_ERROR);
	expr_free(e);

	/* Not a chain: one clause, the whole source trimmed. */
	e = expr_parse(" (a || b) ", err, sizeof err);
	cr_assert_eq(expr_clause_count(e), 1);
	cr_assert_str_eq(expr_clause_str(e, 0, buf, sizeof buf), "(a || b)");
	expr_free(e);
	/* Parentheses around the whole chain do not hide it. */
	e = expr_parse("(a && b)", err, sizeof err);
	cr_assert_eq(expr_clause_count(e), 2);
	cr_assert_str_eq(expr_clause_str(e, 1, buf, sizeof buf), "b");
	expr_free(e);
	e = expr_parse("f(x) || ifThenElse(a, b, c) ? 1 : 2", err, sizeof err);
	cr_assert_null(e);
	e = expr_parse("strlen(x) || ifThenElse(a, b, c) ? 1 : 2", err,
	    sizeof err);
	cr_assert_eq(expr_clause_count(e), 1);
	cr_assert_str_eq(expr_clause_str(e, 0, buf, sizeof buf),
	    "strlen(x) || ifThenElse(a, b, c) ? 1 : 2");
	expr_free(e);
}
