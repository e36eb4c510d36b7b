/*
 * adprint.c: the -long, -af and -format output of cq q, cq status and
 * cq history over ads (JSON objects whose keys are HTCondor attribute
 * names: the job ads of the scheduler's jobad.c, the slot ads of its
 * rows.c).  An -af or -format item is an expression, evaluated over the
 * ad as a constraint is (attribute names are case-insensitive; a missing
 * one is undefined), as condor_q's -af does.  -af prints the values of a
 * line's items separated by spaces, strings without quotes; -format
 * prints FMT with its one conversion (%d %i %u %x %o %c %s %v %f %e %g,
 * with flags and width) given the value, and \n \t \\ as escapes; it
 * prints no newline of its own, as condor_q -format.  Strings of the ad
 * reach the terminal without controls (text_clean): they are others'.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "adprint.h"
#include "cmd-q.h"
#include "cq.h"
#include "expr.h"
#include "text.h"
#include "xmalloc.h"

struct adprint_item {
	struct expr	*e;
	char		*pre;	/* -format: text before its conversion */
	char		*conv;	/* "%-10d", NULL for -af */
	char		*post;	/* text after it */
};

struct adprint {
	struct adprint_item	*items;
	size_t			 n;
	int			 af;	/* -af items (else -format) */
};

struct adprint *
adprint_new(void)
{
	return xcalloc(1, sizeof(struct adprint));
}

void
adprint_free(struct adprint *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		expr_free(p->items[i].e);
		free(p->items[i].pre);
		free(p->items[i].conv);
		free(p->items[i].post);
	}
	free(p->items);
	free(p);
}

int
adprint_any(const struct adprint *p)
{
	return p != NULL && p->n > 0;
}

static struct adprint_item *
adprint_add(struct adprint *p, const char *cmd, const char *src)
{
	struct adprint_item	*it;
	struct expr		*e;
	char			 err[256];

	if ((e = expr_parse(src, err, sizeof err)) == NULL) {
		fprintf(stderr, "cq %s: bad expression '%s': %s\n", cmd, src,
		    err);
		return NULL;
	}
	p->items = xreallocarray(p->items, p->n + 1, sizeof *p->items);
	it = &p->items[p->n++];
	memset(it, 0, sizeof *it);
	it->e = e;
	return it;
}

int
adprint_af(struct adprint *p, const char *cmd, const char *src)
{
	if (p->n > 0 && !p->af) {
		fprintf(stderr, "cq %s: -af and -format do not go together\n",
		    cmd);
		return -1;
	}
	p->af = 1;
	return adprint_add(p, cmd, src) == NULL ? -1 : 0;
}

/* FMT with \n, \t and \\ turned into what they name. */
static char *
adprint_unescape(const char *fmt, size_t len)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (fmt[i] == '\\' && i + 1 < len && (fmt[i + 1] == 'n' ||
		    fmt[i + 1] == 't' || fmt[i + 1] == '\\')) {
			i++;
			*o++ = fmt[i] == 'n' ? '\n' : fmt[i] == 't' ? '\t' :
			    '\\';
		} else
			*o++ = fmt[i];
	}
	*o = '\0';
	return out;
}

int
adprint_format(struct adprint *p, const char *cmd, const char *fmt,
    const char *src)
{
	struct adprint_item	*it;
	const char		*c = NULL, *q, *end;
	size_t			 i;

	if (p->n > 0 && p->af) {
		fprintf(stderr, "cq %s: -af and -format do not go together\n",
		    cmd);
		return -1;
	}
	/* The one conversion: %[flags][width][.prec]letter; %% is text. */
	for (i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		q = fmt + i + 1;
		q += strspn(q, "-+ #0");
		q += strspn(q, "0123456789");
		if (*q == '.')
			q += 1 + strspn(q + 1, "0123456789");
		if (*q == 'l')
			q++;
		if (*q == '\0' || strchr("diuxXocsvfeEgG", *q) == NULL) {
			fprintf(stderr, "cq %s: -format '%s': unknown "
			    "conversion at '%s' (%%d %%s %%f %%v ...)\n", cmd,
			    fmt, fmt + i);
			return -1;
		}
		if (c != NULL) {
			fprintf(stderr, "cq %s: -format '%s': one conversion "
			    "per -format\n", cmd, fmt);
			return -1;
		}
		c = fmt + i;
		end = q + 1;
		i = (size_t)(q - fmt);
	}
	if ((it = adprint_add(p, cmd, src)) == NULL)
		return -1;
	if (c == NULL) {
		it->pre = adprint_unescape(fmt, strlen(fmt));
		return 0;
	}
	it->pre = adprint_unescape(fmt, (size_t)(c - fmt));
	it->conv = xstrndup(c, (size_t)(end - c));
	it->post = adprint_unescape(end, strlen(end));
	return 0;
}

/* V as -af shows it: strings bare, the rest ClassAd-style. */
/*
 * S printed with FMT (one %s), its controls and invalid bytes as '?':
 * the strings of ads come from other users and from the desktops.
 */
static void
adprint_str(FILE *f, const char *fmt, const char *s)
{
	char	*safe = text_clean_dup(s != NULL ? s : "");

	fprintf(f, fmt, safe);
	free(safe);
}

static void
adprint_value(FILE *f, const struct expr_value *v)
{
	char	buf[128];

	if (v->type == EXPR_STRING)
		adprint_str(f, "%s", v->s);
	else
		adprint_str(f, "%s", expr_value_str(v, buf, sizeof buf));
}

/* %% in TEXT printed as one %. */
static void
adprint_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (s[0] == '%' && s[1] == '%')
			s++;
		fputc(*s, f);
	}
}

/* One -format item with the value V. */
static void
adprint_conv(FILE *f, const struct adprint_item *it,
    const struct expr_value *v)
{
	char	 fmt[64], letter, buf[128];
	size_t	 n = strlen(it->conv);
	double	 r;
	long long i;

	letter = it->conv[n - 1];
	/* Drop a length modifier: the value's own type decides. */
	snprintf(fmt, sizeof fmt, "%.*s", (int)(n - 1 -
	    (n >= 2 && it->conv[n - 2] == 'l')), it->conv);
	r = v->type == EXPR_INT ? (double)v->i : v->type == EXPR_REAL ?
	    v->r : v->type == EXPR_BOOL ? v->b : 0;
	i = v->type == EXPR_INT ? (long long)v->i : v->type == EXPR_REAL ?
	    (long long)v->r : v->type == EXPR_BOOL ? v->b : 0;
	switch (letter) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
		if (v->type != EXPR_INT && v->type != EXPR_REAL &&
		    v->type != EXPR_BOOL)
			goto text;	/* condor_q prints nothing useful */
		strlcat(fmt, letter == 'c' ? "c" : "ll", sizeof fmt);
		if (letter != 'c')
			snprintf(fmt + strlen(fmt), sizeof fmt - strlen(fmt),
			    "%c", letter);
		if (letter == 'c')
			fprintf(f, fmt, (int)i);
		else
			fprintf(f, fmt, i);
		return;
	case 'f': case 'e': case 'E': case 'g': case 'G':
		if (v->type != EXPR_INT && v->type != EXPR_REAL &&
		    v->type != EXPR_BOOL)
			goto text;
		snprintf(fmt + strlen(fmt), sizeof fmt - strlen(fmt), "%c",
		    letter);
		fprintf(f, fmt, r);
		return;
	}
text:
	strlcat(fmt, "s", sizeof fmt);
	if (letter == 'v' || v->type != EXPR_STRING)
		adprint_str(f, fmt, expr_value_str(v, buf, sizeof buf));
	else
		adprint_str(f, fmt, v->s);
}

void
adprint_row(const struct adprint *p, FILE *f, struct json_object *ad)
{
	struct expr_value	 v;
	size_t			 i;

	for (i = 0; i < p->n; i++) {
		expr_eval_json(p->items[i].e, ad, NULL, &v);
		if (p->af) {
			if (i > 0)
				fputc(' ', f);
			adprint_value(f, &v);
		} else {
			adprint_text(f, p->items[i].pre);
			if (p->items[i].conv != NULL)
				adprint_conv(f, &p->items[i], &v);
			adprint_text(f, p->items[i].post);
		}
		expr_value_clear(&v);
	}
	if (p->af)
		fputc('\n', f);
}

static int
adprint_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

void
adprint_long(FILE *f, struct json_object *ad)
{
	struct expr_value	 v;
	struct json_object	*val;
	const char		**keys;
	char			*buf;
	size_t			 n = 0, i, cap = 65536;

	if (!json_object_is_type(ad, json_type_object))
		return;
	keys = xcalloc((size_t)json_object_object_length(ad) + 1,
	    sizeof *keys);
	json_object_object_foreach(ad, k, vv) {
		(void)vv;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof *keys, adprint_cmp);
	buf = xmalloc(cap);
	for (i = 0; i < n; i++) {
		val = json_object_object_get(ad, keys[i]);
		if (json_object_is_type(val, json_type_array) ||
		    json_object_is_type(val, json_type_object)) {
			fprintf(f, "%s = ", keys[i]);
			adprint_str(f, "%s\n", json_object_to_json_string_ext(
			    val, JSON_C_TO_STRING_PLAIN));
			continue;
		}
		expr_value_from_json(val, &v);
		fprintf(f, "%s = ", keys[i]);
		adprint_str(f, "%s\n", expr_value_str(&v, buf, cap));
		expr_value_clear(&v);
	}
	fputc('\n', f);
	free(buf);
	free(keys);
}

int
adprint_option(struct adprint *ap, const char *cmd, int argc, char **argv,
    int *a, int *ads, int ids)
{
	const char	*o = argv[*a];
	int		 how;

	if (strcmp(o, "-json") == 0 || strcmp(o, "--json") == 0)
		how = CMD_Q_ADS_JSON;
	else if (strcmp(o, "-l") == 0 || strcmp(o, "-long") == 0 ||
	    strcmp(o, "--long") == 0)
		how = CMD_Q_ADS_LONG;
	else if (strcmp(o, "-af") == 0 || strcmp(o, "-autoformat") == 0 ||
	    strcmp(o, "-format") == 0)
		how = CMD_Q_ADS_PRINT;
	else
		return 0;
	if (*ads != 0 && *ads != how) {
		fprintf(stderr, "cq %s: choose one of -json, -l, -af and "
		    "-format\n", cmd);
		return -1;
	}

	/* One vocabulary: --json is -json, the ads (no second kind of row). */
	if (how == CMD_Q_ADS_JSON) {
		*ads = CMD_Q_ADS_JSON;
		return 1;
	}
	if (strcmp(o, "-l") == 0 || strcmp(o, "-long") == 0 ||
	    strcmp(o, "--long") == 0) {
		*ads = CMD_Q_ADS_LONG;
		return 1;
	}
	if (strcmp(o, "-af") == 0 || strcmp(o, "-autoformat") == 0) {
		if (*a + 1 >= argc || argv[*a + 1][0] == '-') {
			fprintf(stderr, "cq %s: %s needs at least one "
			    "attribute or expression\n", cmd, o);
			return -1;
		}
		while (*a + 1 < argc && argv[*a + 1][0] != '-' &&
		    !(ids && cq_is_job_id(argv[*a + 1])))
			if (adprint_af(ap, cmd, argv[++*a]) == -1)
				return -1;
		*ads = CMD_Q_ADS_PRINT;
		return 1;
	}
	if (strcmp(o, "-format") == 0) {
		if (*a + 2 >= argc) {
			fprintf(stderr, "cq %s: -format needs FMT and an "
			    "attribute or expression\n", cmd);
			return -1;
		}
		if (adprint_format(ap, cmd, argv[*a + 1], argv[*a + 2]) == -1)
			return -1;
		*a += 2;
		*ads = CMD_Q_ADS_PRINT;
		return 1;
	}
	return 0;
}
