/*
 * statusrows.c: the rows of `cq status`'s table, from the scheduler's
 * machines query.  The table asks for its fields only (each row an
 * array of them, docs/protocol.md) and reads that reply itself: with
 * 100,000 slots, json-c's objects for them (an array and a string object
 * a value, each allocated, then freed) cost several times the rest of
 * cq status together.  The reader takes only that shape: an object whose
 * one member "rows" is an array of arrays of SR_NFIELDS strings, numbers
 * and nulls; anything else (an older scheduler's objects, true or false,
 * a number where a string goes) is left to json-c and status_row_json(),
 * which read every form the same way.  Strings are unescaped in place as
 * JSON says (\uXXXX to UTF-8, a surrogate pair to one character).
 * Called by cmd-status.c.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonx.h"
#include "statusrows.h"
#include "xmalloc.h"

static const char *const status_field_names[SR_NFIELDS] = {
	"name", "machine", "state", "activity", "load", "memory_mb",
	"owner_idle_ms", "job", "owner_seen_ms", "image_version",
	"owner_reason"
};

struct json_object *
status_rows_fields(void)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < SR_NFIELDS; i++)
		json_object_array_add(a, json_object_new_string(
		    status_field_names[i]));
	return a;
}

static const char *
status_str(struct json_object *v, const char *def)
{
	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : def;
}

static int64_t
status_int(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : 0;
}

void
status_row_json(struct json_object *r, struct status_row *out)
{
	struct json_object	*v[SR_NFIELDS];
	size_t			 i;

	for (i = 0; i < SR_NFIELDS; i++)
		v[i] = json_object_is_type(r, json_type_array) ?
		    json_object_array_get_idx(r, i) :
		    jsonx_get(r, status_field_names[i]);
	out->name = status_str(v[SR_NAME], "");
	out->machine = status_str(v[SR_MACHINE], "");
	out->state = status_str(v[SR_STATE], "?");
	out->activity = status_str(v[SR_ACTIVITY], "-");
	out->job = status_str(v[SR_JOB], "-");
	out->image = status_str(v[SR_IMAGE], NULL);
	out->reason = status_str(v[SR_REASON], NULL);
	out->has_load = v[SR_LOAD] != NULL;
	out->load = out->has_load ? json_object_get_double(v[SR_LOAD]) : 0;
	out->mem = status_int(v[SR_MEM]);
	out->has_idle = v[SR_IDLE] != NULL;
	out->idle = status_int(v[SR_IDLE]);
	out->has_seen = v[SR_SEEN] != NULL;
	out->seen = status_int(v[SR_SEEN]);
}

/* --- the reader -------------------------------------------------- */

enum sv_type { SV_NULL, SV_STR, SV_INT, SV_DOUBLE };

struct sv {
	enum sv_type	 type;
	const char	*s;
	int64_t		 i;
	double		 d;
};

static char *
sr_ws(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int
sr_hex4(const char *p, unsigned *out)
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (unsigned)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= (unsigned)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= (unsigned)(p[i] - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* The string at P (its opening quote) unescaped in place: its end. */
static char *
sr_string(char *p, struct sv *v)
{
	char		*w, *r = p + 1;
	unsigned	 c, lo;

	v->type = SV_STR;
	v->s = w = r;
	for (;;) {
		if ((unsigned char)*r < 0x20)
			return NULL;	/* a control, or the text's end */
		if (*r == '"')
			break;
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case '"': case '\\': case '/':
			*w++ = *r++;
			continue;
		case 'b': *w++ = '\b'; r++; continue;
		case 'f': *w++ = '\f'; r++; continue;
		case 'n': *w++ = '\n'; r++; continue;
		case 'r': *w++ = '\r'; r++; continue;
		case 't': *w++ = '\t'; r++; continue;
		case 'u':
			break;
		default:
			return NULL;
		}
		if (sr_hex4(r + 1, &c) == -1)
			return NULL;
		r += 5;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (r[0] != '\\' || r[1] != 'u' ||
			    sr_hex4(r + 2, &lo) == -1 || lo < 0xdc00 ||
			    lo > 0xdfff)
				return NULL;
			r += 6;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		} else if (c >= 0xdc00 && c <= 0xdfff)
			return NULL;
		/* (Never longer than its escape: W stays behind R.) */
		if (c < 0x80)
			*w++ = (char)c;
		else if (c < 0x800) {
			*w++ = (char)(0xc0 | c >> 6);
			*w++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*w++ = (char)(0xe0 | c >> 12);
			*w++ = (char)(0x80 | (c >> 6 & 0x3f));
			*w++ = (char)(0x80 | (c & 0x3f));
		} else {
			*w++ = (char)(0xf0 | c >> 18);
			*w++ = (char)(0x80 | (c >> 12 & 0x3f));
			*w++ = (char)(0x80 | (c >> 6 & 0x3f));
			*w++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*w = '\0';
	return r + 1;
}

/* A JSON number at P: an integer (fits int64) or a double. */
static char *
sr_number(char *p, struct sv *v)
{
	char		*q = p, *end;
	const char	*d;
	uint64_t	 u;
	int		 frac = 0;

	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (*q >= '0' && *q <= '9')
			q++;
	else
		return NULL;
	if (*q == '.') {
		frac = 1;
		q++;
		if (*q < '0' || *q > '9')
			return NULL;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		frac = 1;
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (*q < '0' || *q > '9')
			return NULL;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (!frac) {
		/* An integer: its digits, within int64. */
		v->type = SV_INT;
		u = 0;
		for (d = p + (*p == '-'); d < q; d++) {
			if (u > (UINT64_MAX - 9) / 10)
				return NULL;
			u = u * 10 + (uint64_t)(*d - '0');
		}
		if (u > (uint64_t)INT64_MAX + (*p == '-'))
			return NULL;
		v->i = *p == '-' ? (int64_t)(0 - u) : (int64_t)u;
		return q;
	}
	errno = 0;
	v->type = SV_DOUBLE;
	v->d = strtod(p, &end);
	if (end != q || errno != 0)
		return NULL;
	return q;
}

static char *
sr_value(char *p, struct sv *v)
{
	if (*p == '"')
		return sr_string(p, v);
	if (strncmp(p, "null", 4) == 0) {
		v->type = SV_NULL;
		return p + 4;
	}
	return sr_number(p, v);
}

/* The values of a row as status_row_json() reads them; -1: another
 * type than those (left to json-c). */
static int
sr_row(const struct sv *v, struct status_row *out)
{
	static const int	 is_str[SR_NFIELDS] = {
		[SR_NAME] = 1, [SR_MACHINE] = 1, [SR_STATE] = 1,
		[SR_ACTIVITY] = 1, [SR_JOB] = 1, [SR_IMAGE] = 1,
		[SR_REASON] = 1
	};
	size_t			 i;

	for (i = 0; i < SR_NFIELDS; i++) {
		if (v[i].type == SV_NULL)
			continue;
		if (is_str[i] ? v[i].type != SV_STR : i == SR_LOAD ?
		    v[i].type == SV_STR : v[i].type != SV_INT)
			return -1;
	}
#define SR_S(f, def)	(v[f].type == SV_STR ? v[f].s : (def))
	out->name = SR_S(SR_NAME, "");
	out->machine = SR_S(SR_MACHINE, "");
	out->state = SR_S(SR_STATE, "?");
	out->activity = SR_S(SR_ACTIVITY, "-");
	out->job = SR_S(SR_JOB, "-");
	out->image = SR_S(SR_IMAGE, NULL);
	out->reason = SR_S(SR_REASON, NULL);
#undef SR_S
	out->has_load = v[SR_LOAD].type != SV_NULL;
	out->load = v[SR_LOAD].type == SV_DOUBLE ? v[SR_LOAD].d :
	    v[SR_LOAD].type == SV_INT ? (double)v[SR_LOAD].i : 0;
	out->mem = v[SR_MEM].type == SV_INT ? v[SR_MEM].i : 0;
	out->has_idle = v[SR_IDLE].type != SV_NULL;
	out->idle = v[SR_IDLE].type == SV_INT ? v[SR_IDLE].i : 0;
	out->has_seen = v[SR_SEEN].type != SV_NULL;
	out->seen = v[SR_SEEN].type == SV_INT ? v[SR_SEEN].i : 0;
	return 0;
}

struct status_row *
status_rows_read(char *text, size_t len, size_t *np)
{
	struct status_row	*rows = NULL;
	struct sv		 v[SR_NFIELDS];
	char			*p = text;
	size_t			 n = 0, cap = 0, i;

	if (strlen(text) != len)
		return NULL;		/* a NUL inside */
	p = sr_ws(p);
	if (strncmp(p, "{", 1) != 0)
		return NULL;
	p = sr_ws(p + 1);
	if (strncmp(p, "\"rows\"", 6) != 0)
		return NULL;
	p = sr_ws(p + 6);
	if (*p != ':')
		return NULL;
	p = sr_ws(p + 1);
	if (*p != '[')
		return NULL;
	p = sr_ws(p + 1);
	while (*p != ']') {
		if (n > 0) {
			if (*p != ',')
				goto bad;
			p = sr_ws(p + 1);
		}
		if (*p != '[')
			goto bad;
		p = sr_ws(p + 1);
		for (i = 0; i < SR_NFIELDS; i++) {
			if (i > 0) {
				if (*p != ',')
					goto bad;
				p = sr_ws(p + 1);
			}
			if ((p = sr_value(p, &v[i])) == NULL)
				goto bad;
			p = sr_ws(p);
		}
		if (*p != ']')
			goto bad;
		p = sr_ws(p + 1);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = xreallocarray(rows, cap, sizeof *rows);
		}
		if (sr_row(v, &rows[n]) == -1)
			goto bad;
		n++;
	}
	p = sr_ws(p + 1);
	if (*p != '}')
		goto bad;
	p = sr_ws(p + 1);
	if (*p != '\0')
		goto bad;
	*np = n;
	return rows != NULL ? rows : xcalloc(1, sizeof *rows);
bad:
	free(rows);
	return NULL;
}
