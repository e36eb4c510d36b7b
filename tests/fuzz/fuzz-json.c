/*
 * fuzz-json.c: libFuzzer target of the strict JSON parser and the member
 * checks (jsonx_parse() and jsonx_check() in common/jsonx.c).  Any bytes
 * are parsed; the verdict is compared with a small independent RFC 8259
 * recognizer written here, with jsonx's own rules added: an object at
 * the top, at most JSONX_MAX_DEPTH nested values (see ref_value()), no NUL byte (nor
 * \u0000), no unpaired surrogate escape, integers within int64_t and
 * other numbers within a double (json-c would change all of these
 * without a word).  Assertions, beyond no
 * crash, leak or sanitizer report:
 *   - jsonx accepts exactly what the recognizer accepts: nothing lenient
 *     gets through, nothing strict is refused;
 *   - every string and member name of what parses is valid UTF-8 without
 *     NUL (C code reads them as C strings);
 *   - what parses is what json-c's tokener alone makes of the bytes
 *     (jsonx_parse() reads what the daemons write by a fast path of its
 *     own): equal, and serialized to the same bytes;
 *   - what parses, serialized (jsonx_dump) and parsed again, is equal to
 *     it and serializes to the same bytes;
 *   - jsonx_check() against a table with every member type (required and
 *     optional) passes exactly when each member is in the table with the
 *     right type and every required one is there; a refusal says why.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonx.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The reference recognizer: RFC 8259, recursive descent. */
struct ref {
	const unsigned char	*p, *end;
	int			 depth, maxdepth;
};

static void
ref_ws(struct ref *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int
ref_lit(struct ref *r, const char *w)
{
	size_t	n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return -1;
	r->p += n;
	return 0;
}

static int
ref_digits(struct ref *r)
{
	const unsigned char	*s = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > s ? 0 : -1;
}

static int
ref_number(struct ref *r)
{
	const unsigned char	*s = r->p;
	char			*copy, *end;
	int			 integer = 1, rc = 0;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		ref_digits(r);
	else
		return -1;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		integer = 0;
		if (ref_digits(r) == -1)
			return -1;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		integer = 0;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (ref_digits(r) == -1)
			return -1;
	}
	/* jsonx: integers fit int64_t, other numbers a finite double. */
	copy = strndup((const char *)s, (size_t)(r->p - s));
	errno = 0;
	if (integer)
		(void)strtoll(copy, &end, 10);
	else if (fabs(strtod(copy, &end)) > 1.0 && errno == ERANGE)
		rc = -1;
	if (integer && errno == ERANGE)
		rc = -1;
	free(copy);
	return rc;
}

/* Length of the UTF-8 sequence at P (RFC 3629), 0 if invalid. */
static size_t
ref_utf8(const unsigned char *p, size_t n)
{
	uint32_t	c;
	size_t		len, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/* The value of 4 hex digits, -1 if not there. */
static long
ref_hex4(struct ref *r)
{
	char	buf[5], *end;
	long	v;
	int	i;

	if (r->end - r->p < 4)
		return -1;
	for (i = 0; i < 4; i++)
		if (strchr("0123456789abcdefABCDEF", r->p[i]) == NULL ||
		    r->p[i] == '\0')
			return -1;
	memcpy(buf, r->p, 4);
	buf[4] = '\0';
	v = strtol(buf, &end, 16);
	r->p += 4;
	return v;
}

static int
ref_string(struct ref *r)
{
	size_t	n;
	long	c;

	if (r->p >= r->end || *r->p != '"')
		return -1;
	r->p++;
	while (r->p < r->end) {
		if (*r->p == '"') {
			r->p++;
			return 0;
		}
		if (*r->p == '\\') {
			r->p++;
			if (r->p >= r->end)
				return -1;
			if (*r->p == 'u') {
				/* jsonx: no U+0000, no unpaired surrogate. */
				r->p++;
				if ((c = ref_hex4(r)) <= 0 ||
				    (c >= 0xdc00 && c <= 0xdfff))
					return -1;
				if (c >= 0xd800 && c <= 0xdbff &&
				    (ref_lit(r, "\\u") == -1 ||
				    (c = ref_hex4(r)) < 0xdc00 || c > 0xdfff))
					return -1;
				continue;
			}
			if (strchr("\"\\/bfnrt", *r->p) == NULL ||
			    *r->p == '\0')
				return -1;
			r->p++;
			continue;
		}
		if (*r->p < 0x20)
			return -1;
		if ((n = ref_utf8(r->p, (size_t)(r->end - r->p))) == 0)
			return -1;
		r->p += n;
	}
	return -1;
}

static int	ref_value(struct ref *);

static int
ref_container(struct ref *r, int obj)
{
	r->p++;
	ref_ws(r);
	if (r->p < r->end && *r->p == (obj ? '}' : ']')) {
		r->p++;
		return 0;
	}
	for (;;) {
		if (obj) {
			if (ref_string(r) == -1)
				return -1;
			ref_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return -1;
			r->p++;
			ref_ws(r);
		}
		if (ref_value(r) == -1)
			return -1;
		ref_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ref_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == (obj ? '}' : ']')) {
			r->p++;
			return 0;
		}
		return -1;
	}
}

/*
 * A value.  Its depth counts every value on the way down, the innermost
 * one too: {"a":[]} and {"a":1} are 2 deep.  This is json-c's count and
 * JSONX_MAX_DEPTH's.
 */
static int
ref_value(struct ref *r)
{
	int	rc;

	if (r->p >= r->end)
		return -1;
	if (r->depth > 200)
		return -1;		/* far past any limit: stop here */
	if (++r->depth > r->maxdepth)
		r->maxdepth = r->depth;
	switch (*r->p) {
	case '{':
		rc = ref_container(r, 1);
		break;
	case '[':
		rc = ref_container(r, 0);
		break;
	case '"':
		rc = ref_string(r);
		break;
	case 't':
		rc = ref_lit(r, "true");
		break;
	case 'f':
		rc = ref_lit(r, "false");
		break;
	case 'n':
		rc = ref_lit(r, "null");
		break;
	default:
		rc = ref_number(r);
		break;
	}
	r->depth--;
	return rc;
}

/* 1 if BUF is one RFC 8259 object, *DEPTH its depth. */
static int
ref_accepts(const uint8_t *buf, size_t len, int *depth)
{
	struct ref	r = { buf, buf + len, 0, 0 };

	*depth = 0;
	ref_ws(&r);
	if (r.p >= r.end || *r.p != '{' || ref_value(&r) == -1)
		return 0;
	ref_ws(&r);
	*depth = r.maxdepth;
	return r.p == r.end;
}

/* Every string and name under O is UTF-8 without NUL. */
static void
fuzz_strings(struct json_object *o)
{
	const unsigned char	*s;
	size_t			 n, i, k;

	switch (json_object_get_type(o)) {
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			n = strlen(key);
			for (i = 0; i < n; i += k)
				if ((k = ref_utf8((const unsigned char *)key +
				    i, n - i)) == 0)
					abort();
			fuzz_strings(val);
		}
		break;
	}
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			fuzz_strings(json_object_array_get_idx(o, i));
		break;
	case json_type_string:
		s = (const unsigned char *)json_object_get_string(o);
		n = (size_t)json_object_get_string_len(o);
		if (strlen((const char *)s) != n)
			abort();	/* NUL inside: C would cut it */
		for (i = 0; i < n; i += k)
			if ((k = ref_utf8(s + i, n - i)) == 0)
				abort();
		break;
	default:
		break;
	}
}

static const struct msg_member fuzz_members[] = {
	{ "s", JT_STRING, 1 }, { "i", JT_INT, 0 }, { "b", JT_BOOL, 0 },
	{ "o", JT_OBJECT, 0 }, { "a", JT_ARRAY, 1 }, { "d", JT_DOUBLE, 0 },
	{ "t", JT_STRING, 0 }, { NULL, 0, 0 }
};

static int
fuzz_check_ref(struct json_object *o)
{
	const struct msg_member	*m;
	struct json_object	*v;
	enum json_type		 t;
	int			 ok;

	json_object_object_foreach(o, key, val) {
		for (m = fuzz_members; m->name != NULL; m++)
			if (strcmp(m->name, key) == 0)
				break;
		if (m->name == NULL)
			return -1;
		t = json_object_get_type(val);
		switch (m->type) {
		case JT_STRING:
			ok = t == json_type_string;
			break;
		case JT_INT:
			ok = t == json_type_int;
			break;
		case JT_BOOL:
			ok = t == json_type_boolean;
			break;
		case JT_OBJECT:
			ok = t == json_type_object;
			break;
		case JT_ARRAY:
			ok = t == json_type_array;
			break;
		case JT_DOUBLE:
			ok = t == json_type_double || t == json_type_int;
			break;
		default:
			ok = 0;
		}
		if (!ok)
			return -1;
	}
	for (m = fuzz_members; m->name != NULL; m++)
		if (m->required && !json_object_object_get_ex(o, m->name, &v))
			return -1;
	return 0;
}

/*
 * What jsonx_parse() made of DATA (by its fast path or json-c's
 * tokener) is what json-c's tokener alone makes of it, with jsonx's
 * flags: equal, and serialized to the same bytes.
 */
static void
fuzz_same_as_json_c(const uint8_t *data, size_t len, struct json_object *o)
{
	struct json_tokener	*tok;
	struct json_object	*ref;
	const char		*a, *b;
	size_t			 alen, blen;

	if ((tok = json_tokener_new_ex(JSONX_MAX_DEPTH)) == NULL)
		abort();
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	ref = json_tokener_parse_ex(tok, (const char *)data, (int)len);
	if (ref == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_equal(o, ref))
		abort();
	a = jsonx_dump(o, &alen);
	b = jsonx_dump(ref, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	json_object_put(ref);
	json_tokener_free(tok);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct json_object	*o = NULL, *o2 = NULL;
	const char		*errstr = NULL, *s, *s2;
	char			*copy;
	size_t			 slen, slen2;
	int			 depth, ref, rc;

	ref = ref_accepts(data, len, &depth) &&
	    memchr(data, '\0', len) == NULL;
	if (jsonx_parse((const char *)data, len, &o, &errstr) == -1) {
		if (o != NULL || errstr == NULL || *errstr == '\0')
			abort();
		/* Strict JSON within the depth limit must pass. */
		if (ref && depth <= JSONX_MAX_DEPTH)
			abort();
		return 0;
	}
	if (!ref || depth > JSONX_MAX_DEPTH)
		abort();		/* lenient: not strict JSON */
	if (o == NULL || !json_object_is_type(o, json_type_object))
		abort();
	fuzz_strings(o);
	fuzz_same_as_json_c(data, len, o);

	s = jsonx_dump(o, &slen);
	if (s == NULL || strlen(s) != slen)
		abort();
	copy = malloc(slen + 1);
	memcpy(copy, s, slen + 1);
	if (jsonx_parse(copy, slen, &o2, &errstr) == -1)
		abort();
	if (!json_object_equal(o, o2))
		abort();
	s2 = jsonx_dump(o2, &slen2);
	if (slen2 != slen || memcmp(s2, copy, slen) != 0)
		abort();
	free(copy);
	json_object_put(o2);

	errstr = NULL;
	rc = jsonx_check(o, fuzz_members, &errstr);
	if (rc != fuzz_check_ref(o) || (rc == -1 && errstr == NULL))
		abort();
	json_object_put(o);
	return 0;
}
