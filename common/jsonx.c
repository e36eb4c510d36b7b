/*
 * jsonx.c: strict JSON parsing and member checks.  Everything that arrives
 * from outside as JSON passes jsonx_parse() and jsonx_check() before any
 * field of it is read.
 */
#include "config.h"

#include <string.h>

#include "jsonx.h"

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

/*
 * json-c's strict mode still takes single-quoted keys, NaN, Infinity, "1.",
 * raw control characters in strings, and its UTF-8 check lets overlong
 * forms and surrogates through.  Outside strings strict JSON uses only
 * structure, numbers and true/false/null, so a byte scan catches all of
 * these; json-c does the rest.  NULL, or why the bytes are refused.
 */
static const char *
jsonx_lex(const unsigned char *p, size_t len)
{
	size_t	i, n;
	int	instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (p[i] >= 0x80) {
				if ((n = jsonx_utf8_len(p + i, len - i)) == 0)
					return "invalid UTF-8 in JSON";
				i += n - 1;
			} else if (p[i] < 0x20)
				return "control character in JSON string";
			else if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				instr = 0;
			continue;
		}
		if (p[i] == '"')
			instr = 1;
		else if (p[i] == '.' && (i + 1 == len ||
		    p[i + 1] < '0' || p[i + 1] > '9'))
			return "JSON is not strict";
		else if (strchr(" \t\n\r{}[]:,-+.eE0123456789aeflnrstu",
		    p[i]) == NULL)
			return "JSON is not strict";
	}
	return NULL;
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
	if ((why = jsonx_lex((const unsigned char *)buf, len)) != NULL) {
		*errstr = why;
		return -1;
	}
	if ((tok = json_tokener_new_ex(JSONX_MAX_DEPTH)) == NULL) {
		*errstr = "out of memory";
		return -1;
	}
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
		json_tokener_free(tok);
		return -1;
	}
	if (json_tokener_get_parse_end(tok) != len) {
		*errstr = "trailing bytes after JSON";
		json_object_put(obj);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
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

int
jsonx_check(struct json_object *obj, const struct msg_member *members,
    const char **errstr)
{
	const struct msg_member	*m;
	struct json_object	*v;

	if (!json_object_is_type(obj, json_type_object)) {
		*errstr = "not an object";
		return -1;
	}
	json_object_object_foreach(obj, key, val) {
		for (m = members; m->name != NULL; m++)
			if (strcmp(m->name, key) == 0)
				break;
		if (m->name == NULL) {
			*errstr = "unknown member";
			return -1;
		}
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
