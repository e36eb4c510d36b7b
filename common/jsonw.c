/*
 * jsonw.c: JSON text without json-c objects (jsonw.h).  The escapes are
 * json-c's (json_escape_str with JSON_C_TO_STRING_NOSLASHESCAPE): \b \n
 * \r \t \f \" \\ by name, any other byte below 0x20 as \u00XX in lower
 * case hex, every other byte (UTF-8 included) as it is.  test_jobdesc
 * and test_agentad compare the results with json-c's own.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonw.h"
#include "jsonx.h"
#include "xmalloc.h"

static void
jsonw_grow(struct jsonw *w, size_t more)
{
	if (w->cap - w->len > more)
		return;
	while (w->cap - w->len <= more)
		w->cap = w->cap ? w->cap * 2 : 512;
	w->p = xreallocarray(w->p, w->cap, 1);
}

void
jsonw_add(struct jsonw *w, const char *s, size_t len)
{
	jsonw_grow(w, len);
	memcpy(w->p + w->len, s, len);
	w->len += len;
}

void
jsonw_lit(struct jsonw *w, const char *s)
{
	jsonw_add(w, s, strlen(s));
}

void
jsonw_esc(struct jsonw *w, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run = 0;
	char			 esc[7];

	jsonw_grow(w, len);
	for (i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
			continue;
		jsonw_add(w, s + run, i - run);
		run = i + 1;
		switch (p[i]) {
		case '\b': jsonw_add(w, "\\b", 2); break;
		case '\n': jsonw_add(w, "\\n", 2); break;
		case '\r': jsonw_add(w, "\\r", 2); break;
		case '\t': jsonw_add(w, "\\t", 2); break;
		case '\f': jsonw_add(w, "\\f", 2); break;
		case '"': jsonw_add(w, "\\\"", 2); break;
		case '\\': jsonw_add(w, "\\\\", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			jsonw_add(w, esc, 6);
			break;
		}
	}
	jsonw_add(w, s + run, len - run);
}

void
jsonw_strn(struct jsonw *w, const char *s, size_t len)
{
	jsonw_add(w, "\"", 1);
	jsonw_esc(w, s, len);
	jsonw_add(w, "\"", 1);
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	if (s == NULL)
		jsonw_lit(w, "null");
	else
		jsonw_strn(w, s, strlen(s));
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	if (w->len > 0 && w->p[w->len - 1] != '{')
		jsonw_add(w, ",", 1);
	jsonw_str(w, key);
	jsonw_add(w, ":", 1);
}

/* V in decimal, without snprintf(): 100,000 rows of cq status call it. */
void
jsonw_int(struct jsonw *w, int64_t v)
{
	char		 num[24], *p = num + sizeof num;
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	jsonw_add(w, p, (size_t)(num + sizeof num - p));
}

void
jsonw_strv(struct jsonw *w, char **v, size_t n)
{
	size_t	i;

	jsonw_add(w, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			jsonw_add(w, ",", 1);
		jsonw_str(w, v[i]);
	}
	jsonw_add(w, "]", 1);
}

void
jsonw_json(struct jsonw *w, struct json_object *o)
{
	const char	*s;
	size_t		 n;

	if (o == NULL) {
		jsonw_lit(w, "null");
		return;
	}
	s = jsonx_dump(o, &n);
	jsonw_add(w, s, n);
}

char *
jsonw_done(struct jsonw *w, size_t *len)
{
	char	*p;

	jsonw_grow(w, 1);
	w->p[w->len] = '\0';
	*len = w->len;
	p = w->p;
	memset(w, 0, sizeof *w);
	return p;
}

void
jsonw_free(struct jsonw *w)
{
	free(w->p);
	memset(w, 0, sizeof *w);
}
