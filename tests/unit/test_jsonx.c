/*
 * test_jsonx.c: unit tests of strict JSON parsing and member checks
 * (common/jsonx.c) and of msg_decode() (common/msg.c).  Every refusal is
 * checked to leave *out NULL and to give a reason.  jsonx_parse()'s fast
 * path is checked at its edges against the old way (the same bytes after
 * a space, which it never takes).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jsonx.h"
#include "msg.h"
#include "xmalloc.h"

/* Parse LEN bytes of BUF expecting success; the caller puts the object. */
static struct json_object *
parses_n(const char *buf, size_t len)
{
	struct json_object	*obj = NULL;
	const char		*errstr = NULL;

	cr_assert_eq(jsonx_parse(buf, len, &obj, &errstr), 0,
	    "<%.*s> refused: %s", (int)len, buf, errstr ? errstr : "?");
	cr_assert_not_null(obj);
	cr_assert(json_object_is_type(obj, json_type_object));
	return obj;
}

static struct json_object *
parses(const char *s)
{
	return parses_n(s, strlen(s));
}

/* Parse expecting a refusal; WANT (if not NULL) is the exact reason. */
static void
refused_n(const char *buf, size_t len, const char *want)
{
	struct json_object	*obj = (struct json_object *)&obj;
	const char		*errstr = NULL;

	cr_assert_eq(jsonx_parse(buf, len, &obj, &errstr), -1,
	    "<%.*s> accepted", (int)len, buf);
	cr_assert_null(obj, "<%.*s>: *out not cleared", (int)len, buf);
	cr_assert_not_null(errstr);
	if (want != NULL)
		cr_assert_str_eq(errstr, want, "<%.*s>", (int)len, buf);
}

static void
refused(const char *s, const char *want)
{
	refused_n(s, strlen(s), want);
}

/* An object nesting DEPTH containers in all (the top object counts). */
static char *
nested(int depth)
{
	char	*s;
	size_t	 n = 0;
	int	 i;

	s = xmalloc((size_t)depth * 2 + 8);
	memcpy(s, "{\"a\":", 5);
	n = 5;
	for (i = 1; i < depth; i++)
		s[n++] = '[';
	for (i = 1; i < depth; i++)
		s[n++] = ']';
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

Test(jsonx, accepts_objects)
{
	struct json_object	*o;

	o = parses("{}");
	cr_assert_eq(json_object_object_length(o), 0);
	json_object_put(o);

	o = parses("{\"a\":1,\"b\":\"x\",\"c\":[true,false,null],"
	    "\"d\":{\"e\":-1.5e3}}");
	cr_assert_eq(jsonx_int(o, "a", 0), 1);
	cr_assert_str_eq(jsonx_str(o, "b", NULL), "x");
	cr_assert_eq(json_object_array_length(jsonx_get(o, "c")), 3);
	json_object_put(o);

	/* Whitespace between tokens is JSON. */
	o = parses(" { \"a\" : [ 1 , 2 ] }");
	cr_assert_eq(json_object_array_length(jsonx_get(o, "a")), 2);
	json_object_put(o);

	/* Valid UTF-8 and escapes pass. */
	o = parses("{\"s\":\"caf\xc3\xa9 \\u00e9 \\\" \\\\ \\n\"}");
	cr_assert_str_eq(jsonx_str(o, "s", NULL),
	    "caf\xc3\xa9 \xc3\xa9 \" \\ \n");
	json_object_put(o);

	/* The length bounds the parse, not a terminator. */
	o = parses_n("{\"a\":1}garbage", 7);
	cr_assert_eq(jsonx_int(o, "a", 0), 1);
	json_object_put(o);
}

/* TEXT parses to what json-c's tokener alone makes of it. */
static void
same_as_json_c(const char *text)
{
	struct json_tokener	*tok;
	struct json_object	*o, *ref;
	const char		*errstr = NULL;
	char			*a;

	cr_assert_eq(jsonx_parse(text, strlen(text), &o, &errstr), 0,
	    "%s: %s", text, errstr);
	tok = json_tokener_new_ex(JSONX_MAX_DEPTH);
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	ref = json_tokener_parse_ex(tok, text, (int)strlen(text));
	cr_assert_not_null(ref, "%s", text);
	cr_assert(json_object_equal(o, ref), "%s", text);
	a = xstrdup(jsonx_dump(o, NULL));
	cr_assert_str_eq(a, jsonx_dump(ref, NULL), "%s", text);
	free(a);
	json_object_put(o);
	json_object_put(ref);
	json_tokener_free(tok);
}

/* What the daemons write (the fast path) and what they do not. */
Test(jsonx, parses_as_json_c_does)
{
	size_t		 i;
	static const char *const texts[] = {
		"{}",
		"{\"job\":\"1.0\",\"run\":1,\"slot\":2}",
		"{\"a\":-0,\"b\":0,\"c\":-9223372036854775808,"
		"\"d\":9223372036854775807,\"e\":123456789012345678,"
		"\"f\":1234567890123456789}",
		"{\"t\":true,\"f\":false,\"n\":null,\"s\":\"\",\"\":1}",
		"{\"a\":[],\"b\":{},\"c\":[1,\"x\",null,[true,{}]],"
		"\"d\":{\"e\":{\"f\":[{\"g\":1}]}}}",
		"{\"u\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \x7f\"}",
		/* Escapes, reals, whitespace, a repeated name, depth. */
		"{\"e\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"}",
		"{\"r\":1.5,\"s\":-2e3,\"t\":0.0}",
		" { \"a\" : [ 1 , 2 ] } ",
		"{\"a\":1,\"a\":2,\"b\":3}",
		"{\"a\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}",
		"{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":"
		"{\"i\":1}}}}}}}}}",
	};

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		same_as_json_c(texts[i]);
}

/*
 * TEXT (LEN bytes) as jsonx_parse() reads it (by its fast path, where it
 * can) and with a space in front (which the fast path never takes: the
 * old way, jsonx_lex() and json-c's tokener): the same verdict, the same
 * reason, the same object, written the same.
 */
static void
fast_same_as_slow(const char *text, size_t len)
{
	struct json_object	*a = NULL, *b = NULL;
	const char		*ea = NULL, *eb = NULL;
	char			*spaced, *da;
	int			 ra, rb;

	spaced = xmalloc(len + 1);
	spaced[0] = ' ';
	memcpy(spaced + 1, text, len);
	ra = jsonx_parse(text, len, &a, &ea);
	rb = jsonx_parse(spaced, len + 1, &b, &eb);
	cr_assert_eq(ra, rb, "<%.*s>: %s / %s", (int)len, text,
	    ea != NULL ? ea : "accepted", eb != NULL ? eb : "accepted");
	if (ra == -1) {
		cr_assert_str_eq(ea, eb, "<%.*s>", (int)len, text);
		cr_assert_null(a);
	} else {
		cr_assert(json_object_equal(a, b), "<%.*s>", (int)len, text);
		da = xstrdup(jsonx_dump(a, NULL));
		cr_assert_str_eq(da, jsonx_dump(b, NULL), "<%.*s>", (int)len,
		    text);
		free(da);
	}
	json_object_put(a);
	json_object_put(b);
	free(spaced);
}

static void
fast_same(const char *text)
{
	fast_same_as_slow(text, strlen(text));
}

/* The fast path's edges: number lengths, depth, name length, bytes. */
Test(jsonx, fast_path_edges_as_the_old_way)
{
	static const char *const values[] = {
		"0", "-0", "-", "--1", "-a", "01", "-01", "00", "0.", "1.",
		".5", "+1", "1e", "1E5", "0e0", "-0.0", "1x", "tru", "truex",
		"nul", "nulll", "false ", "\"\x7f\"", "\"a\\u0000\"",
		"\"\\u0041\"", "\"\x01\"", "\"\xc3\"", "\"\xc3\xa9\"",
		"\"\xed\xa0\x80\"", "\"\xf4\x8f\xbf\xbf\"",
		"\"\xf4\x90\x80\x80\"",
		"\"\xc0\xaf\"", "\"abc", "[", "[1,]", "[,1]", "[1 ]", "{",
		"{}", "{\"\":null}", "{\"a\":1,}", "{,}", "{\"a\"}",
		"{\"a\":1,\"a\":2}", "{\"a\":{},\"a\":[]}",
		"{\"a\":null,\"a\":1}",
		"[null,true,false,{}]",
		"999999999999999999", "-999999999999999999",
		"1000000000000000000", "-1000000000000000000",
		"9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809",
		"18446744073709551616", "123456789012345678901234567890",
		"0000000000000000001",
	};
	char	 buf[1200], name[300];
	size_t	 i, n;
	int	 depth, k;

	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		snprintf(buf, sizeof buf, "{\"v\":%s}", values[i]);
		fast_same(buf);
		snprintf(buf, sizeof buf, "{\"a\":[1,%s,2]}", values[i]);
		fast_same(buf);
		snprintf(buf, sizeof buf, "{\"v\":%s,\"w\":0}", values[i]);
		fast_same(buf);
		/* Cut anywhere (but empty: a space is not empty). */
		for (n = 1; n < strlen(buf); n++)
			fast_same_as_slow(buf, n);
	}
	/* Depth around the fast path's own limit and jsonx's. */
	for (depth = 1; depth <= JSONX_MAX_DEPTH + 2; depth++) {
		n = 0;
		for (k = 0; k < depth; k++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "{\"d\":");
		n += (size_t)snprintf(buf + n, sizeof buf - n, "1");
		for (k = 0; k < depth; k++)
			buf[n++] = '}';
		buf[n] = '\0';
		fast_same(buf);
		/* The same with an empty object and an array innermost. */
		buf[n - depth - 1] = '{';
		memmove(buf + n - depth + 1, buf + n - depth, depth + 1);
		buf[n - depth] = '}';
		fast_same(buf);
		n = (size_t)snprintf(buf, sizeof buf, "{\"a\":");
		for (k = 1; k < depth; k++)
			buf[n++] = '[';
		for (k = 1; k < depth; k++)
			buf[n++] = ']';
		buf[n++] = '}';
		buf[n] = '\0';
		fast_same(buf);
	}
	/* Names around the fast path's buffer. */
	for (n = 250; n < 262; n++) {
		memset(name, 'k', n);
		name[n] = '\0';
		snprintf(buf, sizeof buf, "{\"%s\":1,\"%s\":2}", name, "x");
		fast_same(buf);
		snprintf(buf, sizeof buf, "{\"%s\":1,\"%s\":2}", name, name);
		fast_same(buf);
	}
	/* Every byte in a string, a name and outside. */
	for (k = 1; k < 256; k++) {
		snprintf(buf, sizeof buf, "{\"s\":\"a%cb\"}", k);
		fast_same(buf);
		snprintf(buf, sizeof buf, "{\"a%cb\":0}", k);
		fast_same(buf);
		snprintf(buf, sizeof buf, "{\"s\":1%c}", k);
		fast_same(buf);
		snprintf(buf, sizeof buf, "{\"s\":[%c]}", k);
		fast_same(buf);
	}
}

Test(jsonx, rejects_empty)
{
	refused_n("", 0, "empty JSON payload");
	refused_n("{}", 0, "empty JSON payload");
	refused(" ", NULL);
}

Test(jsonx, rejects_non_object_top_level)
{
	refused("[]", "JSON payload is not an object");
	refused("[{}]", "JSON payload is not an object");
	refused("1", NULL);
	refused("\"str\"", NULL);
	refused("true", NULL);
	refused("null", NULL);
}

Test(jsonx, rejects_trailing_bytes)
{
	refused("{} x", NULL);
	refused("{}{}", NULL);
	refused("{}x", NULL);
	refused("{\"a\":1}]", NULL);
	refused("{} {}", NULL);
}

Test(jsonx, rejects_truncated)
{
	refused("{", "truncated JSON");
	refused("{\"a\"", "truncated JSON");
	refused("{\"a\":", "truncated JSON");
	refused("{\"a\":[1,2", "truncated JSON");
	refused("{\"a\":\"unterminated", "truncated JSON");
	refused("{\"a\":tru", "truncated JSON");
}

Test(jsonx, depth_limit)
{
	struct json_object	*o;
	char			*s;

	s = nested(JSONX_MAX_DEPTH);
	o = parses(s);
	json_object_put(o);
	free(s);

	s = nested(JSONX_MAX_DEPTH + 1);
	refused(s, "JSON nested too deeply");
	free(s);

	s = nested(1000);
	refused(s, "JSON nested too deeply");
	free(s);
}

Test(jsonx, rejects_invalid_utf8)
{
	refused("{\"a\":\"\xff\"}", NULL);
	refused("{\"a\":\"\x80\"}", NULL);	/* lone continuation */
	refused("{\"a\":\"x\xc3\"}", NULL);		/* cut sequence */
	refused("{\"a\":\"\xe2\x82x\"}", NULL);
	refused("{\"\xfe\":1}", NULL);			/* in a key */
	refused("{\"a\":1}\xff", NULL);		/* outside strings */
	/* json-c's own check lets these through; jsonx must not. */
	refused("{\"a\":\"\xc0\xaf\"}", "invalid UTF-8 in JSON");
	refused("{\"a\":\"\xc1\xbf\"}", "invalid UTF-8 in JSON");
	refused("{\"a\":\"\xe0\x80\xaf\"}", "invalid UTF-8 in JSON");
	refused("{\"a\":\"\xf0\x80\x80\xaf\"}", "invalid UTF-8 in JSON");
	refused("{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8 in JSON");
	refused("{\"a\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8 in JSON");
	refused("{\"a\":\"\xf5\x80\x80\x80\"}", "invalid UTF-8 in JSON");
}

Test(jsonx, accepts_valid_utf8_edges)
{
	static const char	*ok[] = {
		"{\"a\":\"\xc2\x80\"}",		/* U+0080 */
		"{\"a\":\"\xdf\xbf\"}",		/* U+07FF */
		"{\"a\":\"\xe0\xa0\x80\"}",		/* U+0800 */
		"{\"a\":\"\xed\x9f\xbf\"}",		/* U+D7FF */
		"{\"a\":\"\xee\x80\x80\"}",		/* U+E000 */
		"{\"a\":\"\xef\xbf\xbf\"}",		/* U+FFFF */
		"{\"a\":\"\xf0\x90\x80\x80\"}",	/* U+10000 */
		"{\"a\":\"\xf0\x9f\x98\x80\"}",	/* U+1F600 */
		"{\"a\":\"\xf4\x8f\xbf\xbf\"}",	/* U+10FFFF */
		"{\"\xc3\xa9\":\"\xe2\x82\xac\\\"\"}",
	};
	size_t	i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		json_object_put(parses(ok[i]));
}

Test(jsonx, rejects_nul)
{
	refused_n("{\"a\":\"x\0y\"}", 11, "NUL byte in JSON payload");
	refused_n("{}\0", 3, "NUL byte in JSON payload");
	refused_n("\0{}", 3, "NUL byte in JSON payload");
}

Test(jsonx, rejects_non_strict)
{
	refused("{'a':1}", NULL);		/* single-quoted key */
	refused("{\"a\":'b'}", NULL);		/* single-quoted value */
	refused("{\"a\":1,}", NULL);		/* trailing comma */
	refused("{\"a\":[1,]}", NULL);
	refused("/* c */{}", NULL);		/* comments */
	refused("{} // c", NULL);
	refused("{\"a\":1 /* c */}", NULL);
	refused("{a:1}", NULL);			/* bare key */
	refused("{\"a\":NaN}", NULL);
	refused("{\"a\":Infinity}", NULL);
	refused("{\"a\":-Infinity}", NULL);
	refused("{\"a\":TRUE}", NULL);
	refused("{\"a\":01}", NULL);		/* leading zero */
	refused("{\"a\":.5}", NULL);
	refused("{\"a\":1.}", NULL);
	refused("{\"a\":+1}", NULL);
	refused("{\"a\":0x10}", NULL);
	refused("{\"a\":\"\\x41\"}", NULL);	/* bad escape */
	refused("{\"a\":\"tab\there\"}", NULL);	/* raw control bytes */
	refused("{\"a\":\"x\ny\"}", NULL);
}

/*
 * Found by tests/fuzz/fuzz-json.c (docs/fuzzing.md): json-c's strict mode
 * took a minus sign before leading zeros; the first input is the one it
 * reported.
 */
Test(jsonx, fuzz_rejects_leading_zeros)
{
	refused("{\"a\":[0,-001e308,-1E-308,9223372036854775807,18,"
	    "0.144073709551615,0.1,1e+2,1E2]}", "JSON is not strict");
	refused("{\"a\":-01}", "JSON is not strict");
	refused("{\"a\":00}", "JSON is not strict");
	refused("{\"a\":-00.5}", "JSON is not strict");
	refused("{\"a\":-.5}", "JSON is not strict");
	refused("{\"a\":1.5.2}", "JSON is not strict");
	refused("{\"a\":-}", "JSON is not strict");
	json_object_put(parses("{\"a\":[0,-0,0.5,-0.5e-3,10,1E+2]}"));
}

/* Found by fuzz-json.c: json-c clamps these without a word. */
Test(jsonx, fuzz_rejects_numbers_out_of_range)
{
	struct json_object	*o;

	refused("{\"a\":9223372036854775808}", "JSON number out of range");
	refused("{\"a\":18446744073709551615}", "JSON number out of range");
	refused("{\"a\":-9223372036854775809}", "JSON number out of range");
	refused("{\"a\":123456789012345678901234567890}",
	    "JSON number out of range");
	refused("{\"a\":1e400}", "JSON number out of range");
	refused("{\"a\":-1.5E+309}", "JSON number out of range");
	o = parses("{\"a\":9223372036854775807,\"b\":-9223372036854775808,"
	    "\"c\":1e-400,\"d\":1.7e308}");
	cr_assert_eq(jsonx_int(o, "a", 0), INT64_MAX);
	cr_assert_eq(jsonx_int(o, "b", 0), INT64_MIN);
	json_object_put(o);
}

/*
 * Found by fuzz-json.c: \u0000 put a NUL inside a string (C code saw
 * "a" for "a\u0000b", in member names too), and a lone surrogate escape
 * became U+FFFD.
 */
Test(jsonx, fuzz_rejects_nul_and_lone_surrogate_escapes)
{
	struct json_object	*o;

	refused("{\"a\":\"\\u0000\"}", "NUL byte in JSON string");
	refused("{\"a\\u0000b\":1}", "NUL byte in JSON string");
	refused("{\"a\":\"\\ud800\"}", "unpaired surrogate in JSON string");
	refused("{\"a\":\"\\udc00x\"}", "unpaired surrogate in JSON string");
	refused("{\"a\":\"\\ud800\\u0041\"}",
	    "unpaired surrogate in JSON string");
	refused("{\"a\":\"\\ud800\\\"}", NULL);
	refused("{\"a\":\"\\u12\"}", "JSON is not strict");
	o = parses("{\"a\":\"\\ud83d\\ude00\\u00e9\\u0001\"}");
	cr_assert_str_eq(jsonx_str(o, "a", ""), "\xf0\x9f\x98\x80\xc3\xa9\x01");
	json_object_put(o);
}

static const struct msg_member test_members[] = {
	{ "s", JT_STRING, 1 }, { "i", JT_INT, 0 }, { "b", JT_BOOL, 0 },
	{ "o", JT_OBJECT, 0 }, { "a", JT_ARRAY, 0 }, { "d", JT_DOUBLE, 0 },
	{ NULL, 0, 0 }
};

/* jsonx_check() of TEXT against test_members: 0 or -1; ERRSTR kept. */
static int
check(const char *text, const char **errstr)
{
	struct json_object	*o;
	int			 rc;

	o = parses(text);
	*errstr = NULL;
	rc = jsonx_check(o, test_members, errstr);
	json_object_put(o);
	return rc;
}

static void
check_fails(const char *text, const char *want)
{
	const char	*errstr;

	cr_assert_eq(check(text, &errstr), -1, "<%s> passed", text);
	cr_assert_not_null(errstr);
	cr_assert_str_eq(errstr, want, "<%s>", text);
}

Test(jsonx, check_members)
{
	const char	*errstr;

	cr_assert_eq(check("{\"s\":\"x\"}", &errstr), 0);
	cr_assert_eq(check("{\"s\":\"\",\"i\":-3,\"b\":false,\"o\":{},"
	    "\"a\":[],\"d\":1.5}", &errstr), 0, "%s", errstr);
	/* An integer is a fine double. */
	cr_assert_eq(check("{\"s\":\"x\",\"d\":2}", &errstr), 0);

	check_fails("{\"s\":\"x\",\"foo\":1}", "unknown member");
	check_fails("{\"foo\":1}", "unknown member");
	check_fails("{}", "missing member");
	check_fails("{\"i\":1}", "missing member");
	check_fails("{\"s\":1}", "member has the wrong type");
	check_fails("{\"s\":null}", "member has the wrong type");
	check_fails("{\"s\":\"x\",\"i\":\"1\"}", "member has the wrong type");
	check_fails("{\"s\":\"x\",\"i\":1.5}", "member has the wrong type");
	check_fails("{\"s\":\"x\",\"b\":1}", "member has the wrong type");
	check_fails("{\"s\":\"x\",\"o\":[]}", "member has the wrong type");
	check_fails("{\"s\":\"x\",\"a\":{}}", "member has the wrong type");
	check_fails("{\"s\":\"x\",\"d\":\"1\"}", "member has the wrong type");
}

/* jsonx_check_nullable() of TEXT: the same, but optional nulls pass. */
static int
check_null(const char *text, const char **errstr)
{
	struct json_object	*o;
	int			 rc;

	o = parses(text);
	*errstr = NULL;
	rc = jsonx_check_nullable(o, test_members, errstr);
	json_object_put(o);
	return rc;
}

Test(jsonx, check_nullable_members)
{
	const char	*errstr;

	cr_assert_eq(check_null("{\"s\":\"x\",\"i\":null,\"o\":null,"
	    "\"d\":null}", &errstr), 0, "%s", errstr);
	cr_assert_eq(check("{\"s\":\"x\",\"i\":null}", &errstr), -1);
	cr_assert_eq(check_null("{\"s\":null}", &errstr), -1);
	cr_assert_str_eq(errstr, "member has the wrong type");
	cr_assert_eq(check_null("{\"s\":\"x\",\"foo\":null}", &errstr), -1);
	cr_assert_str_eq(errstr, "unknown member");
	cr_assert_eq(check_null("{\"i\":null}", &errstr), -1);
	cr_assert_str_eq(errstr, "missing member");
	cr_assert_eq(check_null("{\"s\":\"x\",\"i\":\"1\",\"foo\":1}",
	    &errstr), -1);
	cr_assert_str_eq(errstr, "member has the wrong type");
}

Test(jsonx, check_not_an_object)
{
	struct json_object	*a = json_object_new_array();
	const char		*errstr = NULL;

	cr_assert_eq(jsonx_check(a, test_members, &errstr), -1);
	cr_assert_str_eq(errstr, "not an object");
	json_object_put(a);
}

Test(jsonx, accessors)
{
	struct json_object	*o;

	o = parses("{\"s\":\"x\",\"i\":42,\"b\":true,\"n\":9007199254740993}");
	cr_assert_str_eq(jsonx_str(o, "s", "def"), "x");
	cr_assert_str_eq(jsonx_str(o, "i", "def"), "def");
	cr_assert_str_eq(jsonx_str(o, "none", "def"), "def");
	cr_assert_eq(jsonx_int(o, "i", -1), 42);
	cr_assert_eq(jsonx_int(o, "s", -1), -1);
	cr_assert_eq(jsonx_int(o, "n", -1), 9007199254740993LL);
	cr_assert_eq(jsonx_bool(o, "b", 0), 1);
	cr_assert_eq(jsonx_bool(o, "i", 7), 7);
	cr_assert_null(jsonx_get(o, "none"));
	cr_assert_null(jsonx_get(NULL, "s"));
	json_object_put(o);
}

Test(jsonx, dump_round_trip)
{
	struct json_object	*o, *back;
	const char		*s;
	size_t			 len;

	o = parses("{\"path\":\"/a/b\",\"v\":[1,\"\\u0001\"]}");
	s = jsonx_dump(o, &len);
	cr_assert_eq(strlen(s), len);
	/* Compact, and '/' is not escaped. */
	cr_assert_null(strchr(s, ' '));
	cr_assert_not_null(strstr(s, "\"/a/b\""));
	back = parses_n(s, len);
	cr_assert(json_object_equal(o, back));
	json_object_put(back);
	json_object_put(o);
}

/* msg_decode() of TEXT as TYPE: 0 or -1 (with ERRSTR). */
static int
decode(uint16_t type, const char *text, const char **errstr)
{
	struct json_object	*o = (struct json_object *)&o;
	int			 rc;

	*errstr = NULL;
	rc = msg_decode(type, text, strlen(text), &o, errstr);
	if (rc == 0) {
		cr_assert_not_null(o);
		json_object_put(o);
	} else {
		cr_assert_null(o);
		cr_assert_not_null(*errstr);
	}
	return rc;
}

Test(msg, decode_hello)
{
	struct json_object	*o;
	const char		*errstr = NULL, *text;

	text = "{\"version\":1,\"role\":\"client\",\"name\":\"u@h\"}";
	cr_assert_eq(msg_decode(MSG_HELLO, text, strlen(text), &o, &errstr),
	    0, "%s", errstr);
	cr_assert_eq(jsonx_int(o, "version", 0), 1);
	cr_assert_str_eq(jsonx_str(o, "role", ""), "client");
	json_object_put(o);

	cr_assert_eq(decode(MSG_HELLO, "{\"version\":1,\"role\":\"agent\","
	    "\"token\":\"t\",\"lease_ms\":30000}", &errstr), 0, "%s", errstr);

	cr_assert_eq(decode(MSG_HELLO, "{\"version\":1,\"role\":\"client\","
	    "\"admin\":true}", &errstr), -1);
	cr_assert_str_eq(errstr, "unknown member");
	cr_assert_eq(decode(MSG_HELLO, "{\"version\":1}", &errstr), -1);
	cr_assert_str_eq(errstr, "missing member");
	cr_assert_eq(decode(MSG_HELLO, "{\"version\":\"1\",\"role\":\"x\"}",
	    &errstr), -1);
	cr_assert_str_eq(errstr, "member has the wrong type");
	cr_assert_eq(decode(MSG_HELLO, "{\"version\":1,\"role\":\"x\"",
	    &errstr), -1);
	cr_assert_str_eq(errstr, "truncated JSON");
}

Test(msg, decode_each_type)
{
	static const struct {
		uint16_t	 type;
		const char	*good, *bad;
	} cases[] = {
		{ MSG_ERROR, "{\"error\":\"no\"}", "{}" },
		{ MSG_OK, "{}", "{\"count\":\"1\"}" },
		{ MSG_SUBMIT, "{\"jobs\":[{}],\"batch_name\":\"b\"}",
		    "{\"jobs\":{}}" },
		{ MSG_SUBMIT_REPLY, "{\"cluster\":3,\"count\":1}",
		    "{\"cluster\":3}" },
		{ MSG_QUERY, "{\"what\":\"jobs\",\"ids\":[\"1.0\"],"
		    "\"owner\":\"u\",\"limit\":10}", "{\"ids\":[]}" },
		{ MSG_QUERY_REPLY, "{\"rows\":[]}", "{\"rows\":[],\"x\":1}" },
		{ MSG_ACT, "{\"action\":\"rm\",\"all\":true}",
		    "{\"action\":\"rm\",\"all\":1}" },
		{ MSG_AD, "{\"name\":\"n\",\"slots\":[],\"jobs\":[]}",
		    "{\"name\":\"n\",\"slots\":[]}" },
		{ MSG_HEARTBEAT, "{\"seq\":5}", "{\"seq\":5.5}" },
		{ MSG_START, "{\"job\":\"1.0\",\"run\":1,\"slot\":2,"
		    "\"owner\":\"u\",\"uid\":1000,\"desc\":{}}",
		    "{\"job\":\"1.0\",\"run\":1,\"slot\":2,\"owner\":\"u\","
		    "\"uid\":1000,\"desc\":[]}" },
		{ MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":99}",
		    "{\"job\":1,\"run\":1,\"pid\":99}" },
		{ MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"code\":0,"
		    "\"wall_ms\":5}", "{\"job\":\"1.0\",\"run\":1,\"rc\":0}" },
		{ MSG_EXIT_ACK, "{\"job\":\"1.0\",\"run\":1}",
		    "{\"job\":\"1.0\"}" },
		{ MSG_KILL, "{\"job\":\"1.0\",\"run\":2}", "[]" },
	};
	const char	*errstr;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(decode(cases[i].type, cases[i].good, &errstr), 0,
		    "%s: <%s>: %s", msg_type_str(cases[i].type),
		    cases[i].good, errstr);
		cr_assert_eq(decode(cases[i].type, cases[i].bad, &errstr), -1,
		    "%s: <%s> passed", msg_type_str(cases[i].type),
		    cases[i].bad);
	}
}

Test(msg, decode_unknown_type)
{
	const char	*errstr;

	cr_assert_eq(decode(0, "{}", &errstr), -1);
	cr_assert_str_eq(errstr, "not a JSON message type");
	cr_assert_eq(decode(500, "{}", &errstr), -1);
	cr_assert_str_eq(errstr, "not a JSON message type");
}
