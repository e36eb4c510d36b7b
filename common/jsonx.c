/*
 * jsonx.c: strict JSON parsing and member checks.  Everything that arrives
 * from outside as JSON passes jsonx_parse() and jsonx_check() before any
 * field of it is read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "xmalloc.h"

/* Length of the valid UTF-8 sequence (RFC 3629) at P, 0 if none. */
static size_t
jsonx_utf8_len(const unsigned char *p, size_t len)
{
	unsigned	lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;		/* past U+10FFFF */
	if (n > len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* The value of the 4 hex digits at P (LEN bytes left), -1 if none. */
static long
jsonx_hex4(const unsigned char *p, size_t len)
{
	long	v = 0;
	size_t	i;

	if (len < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= p[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * The escape at P (after the backslash, LEN bytes left): its length, or
 * 0 with *WHY.  \u0000 would cut a C string and a lone surrogate would
 * become U+FFFD in json-c: both are refused.
 */
static size_t
jsonx_escape(const unsigned char *p, size_t len, const char **why)
{
	long	c, lo;

	*why = "JSON is not strict";
	if (len == 0)
		return 0;
	if (p[0] != 'u')
		return strchr("\"\\/bfnrt", p[0]) != NULL && p[0] != '\0';
	if ((c = jsonx_hex4(p + 1, len - 1)) == -1)
		return 0;
	if (c == 0) {
		*why = "NUL byte in JSON string";
		return 0;
	}
	if (c < 0xd800 || c > 0xdfff)
		return 5;
	*why = "unpaired surrogate in JSON string";
	if (c > 0xdbff || len < 11 || p[5] != '\\' || p[6] != 'u' ||
	    (lo = jsonx_hex4(p + 7, len - 7)) < 0xdc00 || lo > 0xdfff)
		return 0;
	return 11;
}

/*
 * The number at P (RFC 8259: no leading zeros, digits on both sides of
 * the point, no '+' in front): its length, or 0 with *WHY.  An integer
 * must fit in 64 bits and any number in a double: json-c would clamp
 * either without a word.
 */
static size_t
jsonx_number(const unsigned char *p, size_t len, const char **why)
{
	static const char	 max[] = "9223372036854775807";
	char			 buf[64], *copy, *end;
	size_t			 i = 0, start, digits;
	double			 v;
	int			 integer = 1;

	*why = "JSON is not strict";
	if (i < len && p[i] == '-')
		i++;
	start = i;
	if (i < len && p[i] == '0')
		i++;
	else if (i < len && p[i] >= '1' && p[i] <= '9')
		while (i < len && p[i] >= '0' && p[i] <= '9')
			i++;
	else
		return 0;
	digits = i - start;
	if (i < len && p[i] == '.') {
		integer = 0;
		start = ++i;
		while (i < len && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == start)
			return 0;
	}
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		integer = 0;
		if (++i < len && (p[i] == '+' || p[i] == '-'))
			i++;
		start = i;
		while (i < len && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == start)
			return 0;
	}
	if (i < len && strchr("0123456789.eE+-", p[i]) != NULL)
		return 0;		/* "01", "-00", "1.5.2" */
	*why = "JSON number out of range";
	if (integer) {
		start = p[0] == '-';
		if (digits > sizeof max - 1 || (digits == sizeof max - 1 &&
		    memcmp(p + start, max, digits) > 0 &&
		    !(start && memcmp(p + 1, "9223372036854775808",
		    digits) == 0)))
			return 0;
		return i;
	}
	copy = i < sizeof buf ? buf : xmalloc(i + 1);
	memcpy(copy, p, i);
	copy[i] = '\0';
	errno = 0;
	v = strtod(copy, &end);
	if (copy != buf)
		free(copy);
	if (errno == ERANGE && (v > 1 || v < -1))
		return 0;		/* overflow; underflow rounds */
	return i;
}

/*
 * json-c's strict mode still takes single-quoted keys, NaN, Infinity, "1.",
 * "-01", raw control characters in strings, and its UTF-8 check lets
 * overlong forms and surrogates through.  Outside strings strict JSON uses
 * only structure, numbers and true/false/null, so a byte scan catches all
 * of these, and checks escapes and numbers on the way; json-c does the
 * rest.  NULL, or why the bytes are refused.
 */
static const char *
jsonx_lex(const unsigned char *p, size_t len)
{
	const char	*why;
	size_t		 i, n;
	int		 instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (p[i] >= 0x80) {
				if ((n = jsonx_utf8_len(p + i, len - i)) == 0)
					return "invalid UTF-8 in JSON";
				i += n - 1;
			} else if (p[i] < 0x20)
				return "control character in JSON string";
			else if (p[i] == '\\') {
				if ((n = jsonx_escape(p + i + 1, len - i - 1,
				    &why)) == 0)
					return why;
				i += n;
			} else if (p[i] == '"')
				instr = 0;
			continue;
		}
		if (p[i] == '"')
			instr = 1;
		else if (p[i] == '-' || (p[i] >= '0' && p[i] <= '9')) {
			if ((n = jsonx_number(p + i, len - i, &why)) == 0)
				return why;
			i += n - 1;
		} else if (strchr(" \t\n\r{}[]:,aeflnrstu", p[i]) == NULL)
			return "JSON is not strict";
	}
	return NULL;
}

/*
 * The fast path of jsonx_parse(): a payload as the daemons write it
 * (jsonx_dump(): no whitespace, no escapes, no reals, a few levels deep)
 * is read straight into the json-c objects json-c's tokener would make
 * of it (the same constructors: json_object_new_int64 for an integer,
 * json_object_new_string_len, json_object_object_add in order), without
 * the tokener's per-byte state machine and its locale switch on every
 * call.  It gives up on anything else, valid or not: a repeated name,
 * whitespace, a backslash, a real, a byte json-c or jsonx_lex() might
 * judge otherwise, a long name, more depth than JSONX_FAST_DEPTH.  Then
 * jsonx_parse() reads the bytes as it always has, so a refusal keeps
 * its reason and nothing is accepted that was not.
 */
#define JSONX_FAST_DEPTH	8
#define JSONX_FAST_NAME		256	/* a name's bytes and NUL, at most */

struct jsonx_fast {
	const unsigned char	*p, *end;
	int			 depth;
};

static int	jsonx_fast_value(struct jsonx_fast *, struct json_object **);

/* The string at P (a '"'): its bytes in *S and *N; 0, or -1. */
static int
jsonx_fast_str(struct jsonx_fast *f, const char **s, size_t *n)
{
	const unsigned char	*start = ++f->p;
	size_t			 k;

	while (f->p < f->end) {
		if (*f->p == '"') {
			*s = (const char *)start;
			*n = (size_t)(f->p - start);
			f->p++;
			return 0;
		}
		if (*f->p < 0x20 || *f->p == '\\' || *f->p == 0x7f)
			return -1;
		if (*f->p < 0x80)
			f->p++;
		else if ((k = jsonx_utf8_len(f->p,
		    (size_t)(f->end - f->p))) == 0)
			return -1;
		else
			f->p += k;
	}
	return -1;
}

/* An integer of at most 18 digits, without a leading zero. */
static int
jsonx_fast_int(struct jsonx_fast *f, struct json_object **out)
{
	uint64_t	v = 0;
	size_t		nd = 0;
	int		neg = 0;

	if (*f->p == '-') {
		neg = 1;
		f->p++;
	}
	if (f->p >= f->end || *f->p < '0' || *f->p > '9' ||
	    (*f->p == '0' && f->p + 1 < f->end && f->p[1] >= '0' &&
	    f->p[1] <= '9'))
		return -1;
	while (f->p < f->end && *f->p >= '0' && *f->p <= '9' && nd < 18) {
		v = v * 10 + (uint64_t)(*f->p++ - '0');
		nd++;
	}
	if (f->p < f->end && ((*f->p >= '0' && *f->p <= '9') ||
	    *f->p == '.' || *f->p == 'e' || *f->p == 'E'))
		return -1;
	*out = json_object_new_int64(neg ? -(int64_t)v : (int64_t)v);
	return 0;
}

static int
jsonx_fast_object(struct jsonx_fast *f, struct json_object **out)
{
	struct json_object	*o, *v;
	const char		*k;
	char			 name[JSONX_FAST_NAME];
	size_t			 n;

	if (++f->depth > JSONX_FAST_DEPTH)
		return -1;
	o = json_object_new_object();
	if (++f->p < f->end && *f->p == '}')
		goto done;
	for (;;) {
		if (f->p >= f->end || *f->p != '"' ||
		    jsonx_fast_str(f, &k, &n) == -1 || n >= sizeof name ||
		    f->p >= f->end || *f->p != ':')
			goto fail;
		f->p++;
		memcpy(name, k, n);
		name[n] = '\0';
		if (json_object_object_get_ex(o, name, NULL) ||
		    jsonx_fast_value(f, &v) == -1)
			goto fail;
		json_object_object_add(o, name, v);
		if (f->p < f->end && *f->p == ',') {
			f->p++;
			continue;
		}
		if (f->p < f->end && *f->p == '}')
			break;
		goto fail;
	}
done:
	f->p++;
	f->depth--;
	*out = o;
	return 0;
fail:
	json_object_put(o);
	return -1;
}

static int
jsonx_fast_array(struct jsonx_fast *f, struct json_object **out)
{
	struct json_object	*a, *v;

	if (++f->depth > JSONX_FAST_DEPTH)
		return -1;
	a = json_object_new_array();
	if (++f->p < f->end && *f->p == ']')
		goto done;
	for (;;) {
		if (jsonx_fast_value(f, &v) == -1)
			goto fail;
		json_object_array_add(a, v);
		if (f->p < f->end && *f->p == ',') {
			f->p++;
			continue;
		}
		if (f->p < f->end && *f->p == ']')
			break;
		goto fail;
	}
done:
	f->p++;
	f->depth--;
	*out = a;
	return 0;
fail:
	json_object_put(a);
	return -1;
}

/* The literal W at P. */
static int
jsonx_fast_lit(struct jsonx_fast *f, const char *w)
{
	size_t	n = strlen(w);

	if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0)
		return -1;
	f->p += n;
	return 0;
}

/* One value into *OUT (NULL for null); 0, or -1 (nothing kept). */
static int
jsonx_fast_value(struct jsonx_fast *f, struct json_object **out)
{
	const char	*s;
	size_t		 n;

	*out = NULL;
	if (f->p >= f->end)
		return -1;
	switch (*f->p) {
	case '{':
		return jsonx_fast_object(f, out);
	case '[':
		return jsonx_fast_array(f, out);
	case '"':
		if (jsonx_fast_str(f, &s, &n) == -1)
			return -1;
		*out = json_object_new_string_len(s, (int)n);
		return 0;
	case 't':
		if (jsonx_fast_lit(f, "true") == -1)
			return -1;
		*out = json_object_new_boolean(1);
		return 0;
	case 'f':
		if (jsonx_fast_lit(f, "false") == -1)
			return -1;
		*out = json_object_new_boolean(0);
		return 0;
	case 'n':
		return jsonx_fast_lit(f, "null");
	default:
		if (*f->p == '-' || (*f->p >= '0' && *f->p <= '9'))
			return jsonx_fast_int(f, out);
		return -1;
	}
}

/* BUF as an object by the fast path, or NULL: read it the usual way. */
static struct json_object *
jsonx_fast(const char *buf, size_t len)
{
	struct jsonx_fast	 f;
	struct json_object	*o;

	f.p = (const unsigned char *)buf;
	f.end = f.p + len;
	f.depth = 0;
	if (len == 0 || *f.p != '{' || jsonx_fast_object(&f, &o) == -1)
		return NULL;
	if (f.p != f.end) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * One tokener for every payload, reset each time: making one costs three
 * allocations, about as much as parsing a heartbeat.  Only the loop's
 * thread parses (logwriter.c's threads call no json-c).  After a payload
 * over JSONX_TOKENER_KEEP bytes it is freed, with the buffer it grew.
 */
#define JSONX_TOKENER_KEEP	(64 * 1024)
static struct json_tokener	*jsonx_tok;

static void
jsonx_tokener_done(size_t len)
{
	if (len > JSONX_TOKENER_KEEP) {
		json_tokener_free(jsonx_tok);
		jsonx_tok = NULL;
	}
}

int
jsonx_parse(const char *buf, size_t len, struct json_object **out,
    const char **errstr)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	enum json_tokener_error	 jerr;
	const char		*why;

	*out = NULL;
	if (len == 0) {
		*errstr = "empty JSON payload";
		return -1;
	}
	if (len > INT32_MAX || memchr(buf, '\0', len) != NULL) {
		*errstr = "NUL byte in JSON payload";
		return -1;
	}
	if ((*out = jsonx_fast(buf, len)) != NULL)
		return 0;
	if ((why = jsonx_lex((const unsigned char *)buf, len)) != NULL) {
		*errstr = why;
		return -1;
	}
	if (jsonx_tok != NULL)
		json_tokener_reset(jsonx_tok);
	else if ((jsonx_tok = json_tokener_new_ex(JSONX_MAX_DEPTH)) == NULL) {
		*errstr = "out of memory";
		return -1;
	}
	tok = jsonx_tok;
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (obj == NULL || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			*errstr = "truncated JSON";
		else if (jerr == json_tokener_error_depth)
			*errstr = "JSON nested too deeply";
		else
			*errstr = "JSON does not parse";
		json_object_put(obj);
		jsonx_tokener_done(len);
		return -1;
	}
	if (json_tokener_get_parse_end(tok) != len) {
		*errstr = "trailing bytes after JSON";
		json_object_put(obj);
		jsonx_tokener_done(len);
		return -1;
	}
	jsonx_tokener_done(len);
	if (!json_object_is_type(obj, json_type_object)) {
		*errstr = "JSON payload is not an object";
		json_object_put(obj);
		return -1;
	}
	*out = obj;
	return 0;
}

static int
jsonx_type_ok(struct json_object *v, enum jtype t)
{
	switch (t) {
	case JT_STRING:
		return json_object_is_type(v, json_type_string);
	case JT_INT:
		return json_object_is_type(v, json_type_int);
	case JT_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case JT_OBJECT:
		return json_object_is_type(v, json_type_object);
	case JT_ARRAY:
		return json_object_is_type(v, json_type_array);
	case JT_DOUBLE:
		return json_object_is_type(v, json_type_double) ||
		    json_object_is_type(v, json_type_int);
	}
	return 0;
}

/* jsonx_check(), and with NULLABLE a null optional member passes. */
static int
jsonx_check_as(struct json_object *obj, const struct msg_member *members,
    int nullable, const char **errstr)
{
	const struct msg_member	*m;
	struct json_object	*v;

	if (!json_object_is_type(obj, json_type_object)) {
		*errstr = "not an object";
		return -1;
	}
	json_object_object_foreach(obj, key, val) {
		/* (The first byte first: most names differ there.) */
		for (m = members; m->name != NULL; m++)
			if (m->name[0] == key[0] && strcmp(m->name, key) == 0)
				break;
		if (m->name == NULL) {
			*errstr = "unknown member";
			return -1;
		}
		if (nullable && val == NULL && !m->required)
			continue;
		if (!jsonx_type_ok(val, m->type)) {
			*errstr = "member has the wrong type";
			return -1;
		}
	}
	for (m = members; m->name != NULL; m++) {
		if (m->required && !json_object_object_get_ex(obj, m->name, &v)) {
			*errstr = "missing member";
			return -1;
		}
	}
	return 0;
}

int
jsonx_check(struct json_object *obj, const struct msg_member *members,
    const char **errstr)
{
	return jsonx_check_as(obj, members, 0, errstr);
}

int
jsonx_check_nullable(struct json_object *obj,
    const struct msg_member *members, const char **errstr)
{
	return jsonx_check_as(obj, members, 1, errstr);
}

struct json_object *
jsonx_get(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

const char *
jsonx_str(struct json_object *obj, const char *key, const char *def)
{
	struct json_object	*v = jsonx_get(obj, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

int64_t
jsonx_int(struct json_object *obj, const char *key, int64_t def)
{
	struct json_object	*v = jsonx_get(obj, key);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

int
jsonx_bool(struct json_object *obj, const char *key, int def)
{
	struct json_object	*v = jsonx_get(obj, key);

	if (v == NULL || !json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}

const char *
jsonx_dump(struct json_object *obj, size_t *len)
{
	const char	*s;

	s = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
	return s;
}
