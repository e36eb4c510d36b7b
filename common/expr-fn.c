/*
 * expr-fn.c: the expression language's built-in functions (the table
 * below; docs/expressions.md).  Names are case-insensitive; the parser
 * checks the number of arguments, so a function here sees a count within
 * its bounds.  Most functions are strict: an ERROR argument gives ERROR,
 * else an UNDEFINED one gives UNDEFINED; the is*() tests, ifThenElse(),
 * member() and size() look at their arguments themselves.  String
 * functions convert numbers and booleans to strings as string() does;
 * strings they build are bounded by EXPR_MAX_STRING.  Callers: expr.c
 * (expr_fn_find at parse time), expr-eval.c (expr_fn_call).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr-int.h"
#include "xmalloc.h"

#define EXPR_MAX_REGEX	1024	/* bytes of a regexp() pattern */
#define EXPR_MAX_RECOST	1024	/* atoms of a pattern, repetitions expanded */

/* Eager functions get their evaluated arguments. */
typedef void (*expr_fn_eager)(struct expr_ctx *, struct expr_value *, int,
	    struct expr_value *);
/* Lazy functions evaluate their argument nodes themselves. */
typedef void (*expr_fn_lazy)(struct expr_ctx *, const struct expr_node *,
	    struct expr_value *);

struct expr_fn {
	const char	*name;
	int		 min, max;
	int		 strict;	/* ERROR, then UNDEFINED, propagate */
	int		 listarg;	/* which argument may be { ... }, or -1 */
	expr_fn_eager	 eager;
	expr_fn_lazy	 lazy;
};

/* The string form of a boolean, number or string (string()); fresh. */
static char *
expr_fn_tostr(const struct expr_value *v)
{
	char	buf[64];

	switch (v->type) {
	case EXPR_STRING:
		return xstrdup(v->s);
	case EXPR_BOOL:
		return xstrdup(v->b ? "true" : "false");
	case EXPR_INT:
		snprintf(buf, sizeof buf, "%lld", (long long)v->i);
		return xstrdup(buf);
	case EXPR_REAL:
		expr_real_fmt(v->r, buf, sizeof buf);
		return xstrdup(buf);
	default:
		return xstrdup("");
	}
}

/* A real truncated to an integer; -1 if out of range. */
static int
expr_fn_r2i(double r, int64_t *out)
{
	if (!isfinite(r) || r < -9223372036854775808.0 ||
	    r >= 9223372036854775808.0)
		return -1;
	*out = (int64_t)r;
	return 0;
}

/* A number argument as an integer (reals truncated); -1 if none. */
static int
expr_fn_int_arg(const struct expr_value *v, int64_t *out)
{
	switch (v->type) {
	case EXPR_BOOL: *out = v->b; return 0;
	case EXPR_INT: *out = v->i; return 0;
	case EXPR_REAL: return expr_fn_r2i(v->r, out);
	default: return -1;
	}
}

/* A whole string as a real; -1 if it is not one. */
static int
expr_fn_parse_real(const char *s, double *out)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	/* Decimal only: no hexadecimal, "inf" or "nan". */
	if (*s == '\0' || s[strspn(s, "0123456789+-.eE \t")] != '\0')
		return -1;
	*out = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static void
expr_fn_is(struct expr_value *a, enum expr_type t, struct expr_value *out)
{
	expr_set_bool(out, a->type == t);
}

static void
fn_isundefined(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_is(a, EXPR_UNDEFINED, out);
}

static void
fn_iserror(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_is(a, EXPR_ERROR, out);
}

static void
fn_isstring(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_is(a, EXPR_STRING, out);
}

static void
fn_isinteger(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_is(a, EXPR_INT, out);
}

static void
fn_isreal(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_is(a, EXPR_REAL, out);
}

static void
fn_isboolean(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_is(a, EXPR_BOOL, out);
}

static void
fn_int(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	const char	*errstr;
	long long	 ll;
	int64_t		 i;
	double		 r;

	if (a->type == EXPR_STRING) {
		ll = strtonum(a->s, LLONG_MIN, LLONG_MAX, &errstr);
		if (errstr == NULL) {
			expr_set_int(out, ll);
			return;
		}
		if (expr_fn_parse_real(a->s, &r) == 0 &&
		    expr_fn_r2i(r, &i) == 0) {
			expr_set_int(out, i);
			return;
		}
		expr_set_error(out);
	} else if (expr_fn_int_arg(a, &i) == 0)
		expr_set_int(out, i);
	else
		expr_set_error(out);
}

static void
fn_real(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	double	r;

	switch (a->type) {
	case EXPR_BOOL: expr_set_real(out, a->b); return;
	case EXPR_INT: expr_set_real(out, (double)a->i); return;
	case EXPR_REAL: expr_set_real(out, a->r); return;
	default:
		if (expr_fn_parse_real(a->s, &r) == 0)
			expr_set_real(out, r);
		else
			expr_set_error(out);
	}
}

static void
fn_string(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_set_str(out, expr_fn_tostr(a));
}

static void
expr_fn_case(struct expr_value *a, struct expr_value *out, int upper)
{
	char	*s, *p;

	s = expr_fn_tostr(a);
	for (p = s; *p != '\0'; p++)
		*p = upper ? toupper((unsigned char)*p) :
		    tolower((unsigned char)*p);
	expr_set_str(out, s);
}

static void
fn_tolower(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_case(a, out, 0);
}

static void
fn_toupper(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_case(a, out, 1);
}

static void
fn_strlen(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	char	*s = expr_fn_tostr(a);

	expr_set_int(out, (int64_t)strlen(s));
	free(s);
}

static void
expr_fn_cmp(struct expr_value *a, struct expr_value *out, int icase)
{
	char	*x = expr_fn_tostr(&a[0]), *y = expr_fn_tostr(&a[1]);
	int	 r;

	r = icase ? strcasecmp(x, y) : strcmp(x, y);
	expr_set_int(out, r < 0 ? -1 : r > 0);
	free(x);
	free(y);
}

static void
fn_strcmp(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_cmp(a, out, 0);
}

static void
fn_stricmp(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_cmp(a, out, 1);
}

static void
fn_strcat(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	char	*s, **p;
	size_t	 len = 0, l;
	int	 k;

	p = xcalloc(n > 0 ? n : 1, sizeof *p);
	for (k = 0; k < n; k++) {
		p[k] = expr_fn_tostr(&a[k]);
		len += strlen(p[k]);
	}
	if (len > EXPR_MAX_STRING) {
		for (k = 0; k < n; k++)
			free(p[k]);
		free(p);
		expr_set_error(out);
		return;
	}
	s = xmalloc(len + 1);
	len = 0;
	for (k = 0; k < n; k++) {
		l = strlen(p[k]);
		memcpy(s + len, p[k], l);
		len += l;
		free(p[k]);
	}
	free(p);
	s[len] = '\0';
	expr_set_str(out, s);
}

/* substr(s, offset[, length]): a negative offset counts from the end, a
   negative length leaves that many characters off the end. */
static void
fn_substr(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	char	*s;
	int64_t	 size, off, len;

	if (expr_fn_int_arg(&a[1], &off) == -1 ||
	    (n == 3 && expr_fn_int_arg(&a[2], &len) == -1)) {
		expr_set_error(out);
		return;
	}
	s = expr_fn_tostr(&a[0]);
	size = (int64_t)strlen(s);
	if (off < 0)
		off = off < -size ? 0 : size + off;
	if (off > size)
		off = size;
	if (n < 3 || len > size - off)
		len = size - off;
	else if (len < 0)
		len = len < off - size ? 0 : size - off + len;
	memmove(s, s + off, (size_t)len);
	s[len] = '\0';
	expr_set_str(out, s);
}

static void
expr_fn_minmax(struct expr_value *a, int n, struct expr_value *out,
    int max)
{
	int64_t	i, bi = 0;
	double	r, br = 0;
	int	k, real = 0;

	for (k = 0; k < n; k++) {
		if (a[k].type == EXPR_REAL)
			real = 1;
		else if (a[k].type != EXPR_INT && a[k].type != EXPR_BOOL) {
			expr_set_error(out);
			return;
		}
	}
	for (k = 0; k < n; k++) {
		i = a[k].type == EXPR_BOOL ? a[k].b : a[k].i;
		r = a[k].type == EXPR_REAL ? a[k].r : (double)i;
		if (k == 0 || (max ? i > bi : i < bi))
			bi = i;
		if (k == 0 || (max ? r > br : r < br))
			br = r;
	}
	if (real)
		expr_set_real(out, br);
	else
		expr_set_int(out, bi);
}

static void
fn_min(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_minmax(a, n, out, 0);
}

static void
fn_max(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_minmax(a, n, out, 1);
}

static void
expr_fn_round(struct expr_value *a, struct expr_value *out,
    double (*f)(double))
{
	int64_t	i;

	if (a->type == EXPR_REAL) {
		if (expr_fn_r2i(f(a->r), &i) == 0)
			expr_set_int(out, i);
		else
			expr_set_error(out);
	} else if (a->type == EXPR_INT || a->type == EXPR_BOOL)
		expr_set_int(out, a->type == EXPR_INT ? a->i : a->b);
	else
		expr_set_error(out);
}

static void
fn_floor(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_round(a, out, floor);
}

static void
fn_ceiling(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_round(a, out, ceil);
}

static void
fn_round(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_round(a, out, round);
}

/* regcomp() flags for regexp()'s options: "i" ignores case, "m" lets ^
   and $ match at newlines; others are ignored. */
static int
expr_fn_re_flags(const char *o)
{
	int	flags = REG_EXTENDED | REG_NOSUB;

	for (; *o != '\0'; o++) {
		if (*o == 'i' || *o == 'I')
			flags |= REG_ICASE;
		else if (*o == 'm' || *o == 'M')
			flags |= REG_NEWLINE;
	}
	return flags;
}

/*
 * The size of pattern P once the C library has expanded its repetitions,
 * roughly: glibc copies an atom for each count of a{m,n} and for a+, so
 * (a{99}){99} takes memory exponential in the pattern's length; stacked
 * quantifiers (a+++) are refused outright.  0 if the pattern is small
 * enough, -1 if not (or too long).
 */
static int
expr_fn_re_check(const char *p)
{
	int64_t		 cost[EXPR_MAX_REGEX + 2], last = 0, f, m;
	int		 d = 0, quant = 0;
	size_t		 n;
	const char	*q;
	char		 end[3] = "x]";

	if (strlen(p) > EXPR_MAX_REGEX)
		return -1;
	cost[0] = 0;
	for (; *p != '\0'; p++) {
		f = 0;
		switch (*p) {
		case '(':
			cost[++d] = 0;
			last = 0;
			continue;
		case ')':
			if (d == 0) {
				last = 1;	/* regcomp decides */
				break;
			}
			last = cost[d--];
			if (last == 0)
				last = 1;
			break;
		case '|':
			last = 0;
			continue;
		case '*':
		case '+':
		case '?':
			f = 2;
			break;
		case '{':
			/* {m}, {m,}, {m,n}, {,n}: the larger count, plus one */
			for (m = 0, p++; isdigit((unsigned char)*p) ||
			    *p == ','; p++) {
				if (*p == ',') {
					f = m > f ? m : f;
					m = 0;
				} else if ((m = m * 10 + (*p - '0')) >
				    EXPR_MAX_RECOST)
					return -1;
			}
			if (*p != '}')
				return -1;
			f = (m > f ? m : f) + 1;
			break;
		case '[':
			n = 1;
			if (p[n] == '^')
				n++;
			if (p[n] == ']')
				n++;
			while (p[n] != '\0' && p[n] != ']') {
				if (p[n] == '[' && p[n + 1] != '\0' &&
				    strchr(":.=", p[n + 1]) != NULL) {
					/* [:alpha:] [.x.] [=e=] */
					end[0] = p[n + 1];
					if ((q = strstr(p + n + 2, end)) == NULL)
						return -1;
					n = (size_t)(q - p) + 2;
				} else
					n++;
			}
			if (p[n] == '\0')
				return -1;
			p += n;
			last = 1;
			break;
		case '\\':
			if (p[1] != '\0')
				p++;
			last = 1;
			break;
		default:
			last = 1;
			break;
		}
		/* A quantifier on a quantifier (a+*) means nothing in POSIX
		   and costs glibc time exponential in their number. */
		if (f > 0 && quant)
			return -1;
		quant = f > 0;
		if (f > 0) {
			/* Applies to the last atom, already counted once. */
			cost[d] += last * (f - 1);
			last *= f;
		} else
			cost[d] += last;
		if (cost[d] > EXPR_MAX_RECOST || last > EXPR_MAX_RECOST)
			return -1;
	}
	return 0;
}

/* regexp(pattern, target[, options]): POSIX extended, matching anywhere.
   A literal pattern was compiled by the parser (expr_fn_prepare). */
static void
fn_regexp(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	regex_t		 re;

	if (a[0].type != EXPR_STRING || a[1].type != EXPR_STRING ||
	    (n == 3 && a[2].type != EXPR_STRING)) {
		expr_set_error(out);
		return;
	}
	if (c->call != NULL && c->call->re != NULL) {
		expr_set_bool(out, regexec(c->call->re, a[1].s, 0, NULL, 0) == 0);
		return;
	}
	if (expr_fn_re_check(a[0].s) == -1 ||
	    regcomp(&re, a[0].s, expr_fn_re_flags(n == 3 ? a[2].s : "")) != 0) {
		expr_set_error(out);
		return;
	}
	expr_set_bool(out, regexec(&re, a[1].s, 0, NULL, 0) == 0);
	regfree(&re);
}

/* stringListMember(x, "a, b, c"[, delimiters]); delimiters default to
   comma and space. */
static void
expr_fn_slmember(struct expr_value *a, int n, struct expr_value *out,
    int icase)
{
	char		*x, *list;
	const char	*d = n == 3 ? a[2].s : ", ", *p, *q;
	size_t		 xl;
	int		 found = 0;

	if (a[1].type != EXPR_STRING || (n == 3 && a[2].type != EXPR_STRING)) {
		expr_set_error(out);
		return;
	}
	x = expr_fn_tostr(&a[0]);
	xl = strlen(x);
	list = a[1].s;
	for (p = list; *p != '\0' && !found; p = q) {
		p += strspn(p, d);
		q = p + strcspn(p, d);
		if (q > p && (size_t)(q - p) == xl && (icase ?
		    strncasecmp(p, x, xl) : strncmp(p, x, xl)) == 0)
			found = 1;
	}
	free(x);
	expr_set_bool(out, found);
}

static void
fn_slmember(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_slmember(a, n, out, 0);
}

static void
fn_slimember(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_fn_slmember(a, n, out, 1);
}

/* An element of a string list: where it starts, how long it is. */
struct expr_fn_elem {
	const char	*s;
	size_t		 len;
};

static int
expr_fn_elem_cmp(const void *a, const void *b)
{
	const struct expr_fn_elem	*x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->s, y->s, x->len);
}

/* LIST's elements split at D into a new array, sorted; their count. */
static size_t
expr_fn_elems(const char *list, const char *d, struct expr_fn_elem **out)
{
	struct expr_fn_elem	*e;
	const char		*p, *q;
	size_t			 n = 0;

	e = xcalloc(strlen(list) / 2 + 1, sizeof *e);
	for (p = list; *p != '\0'; p = q) {
		p += strspn(p, d);
		q = p + strcspn(p, d);
		if (q == p)
			continue;
		e[n].s = p;
		e[n++].len = (size_t)(q - p);
	}
	qsort(e, n, sizeof *e, expr_fn_elem_cmp);
	*out = e;
	return n;
}

/* stringListsIntersect("a, b", "b, c"[, delimiters]): whether the lists
   share an element (case counts); a list that is not a string (undefined
   too) is ERROR, as HTCondor documents it.  The second list is sorted
   and searched, so two long lists cost n log n, not n times m. */
static void
fn_slintersect(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	struct expr_fn_elem	*set, key;
	const char		*d = ", ", *p, *q;
	size_t			 nset;
	int			 found = 0;

	if (a[0].type != EXPR_STRING || a[1].type != EXPR_STRING ||
	    (n == 3 && a[2].type != EXPR_STRING)) {
		expr_set_error(out);
		return;
	}
	if (n == 3)
		d = a[2].s;
	nset = expr_fn_elems(a[1].s, d, &set);
	for (p = a[0].s; *p != '\0' && !found && nset > 0; p = q) {
		p += strspn(p, d);
		q = p + strcspn(p, d);
		if (q == p)
			continue;
		key.s = p;
		key.len = (size_t)(q - p);
		found = bsearch(&key, set, nset, sizeof *set,
		    expr_fn_elem_cmp) != NULL;
	}
	free(set);
	expr_set_bool(out, found);
}

static void
fn_time(struct expr_ctx *c, struct expr_value *a, int n,
    struct expr_value *out)
{
	expr_set_int(out, expr_ctx_now(c));
}

/* ifThenElse(c, a, b): only the branch taken is evaluated. */
static void
fn_ifthenelse(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	const struct expr_node	*kids = c->e->nodes;
	int			 k = nd->child;

	expr_eval_node(c, k, out);
	if (out->type == EXPR_UNDEFINED)
		return;
	if (out->type == EXPR_STRING || out->type == EXPR_ERROR) {
		expr_value_clear(out);
		expr_set_error(out);
		return;
	}
	k = kids[k].next;
	if (!expr_is_true(out))
		k = kids[k].next;
	expr_value_clear(out);
	expr_eval_node(c, k, out);
}

/* member(x, { ... }) with ==, identicalMember with =?=. */
static void
expr_fn_member(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out, int op)
{
	const struct expr_node	*list = &c->e->nodes[c->e->nodes[nd->child].next];
	struct expr_value	 x, v, r;
	int			 k, found = 0;

	expr_eval_node(c, nd->child, &x);
	if (list->kind != EXPR_K_LIST || x.type == EXPR_ERROR ||
	    (op == EXPR_OP_EQ && x.type == EXPR_UNDEFINED)) {
		if (list->kind != EXPR_K_LIST || x.type == EXPR_ERROR)
			expr_set_error(out);
		else
			expr_set_undef(out);
		expr_value_clear(&x);
		return;
	}
	for (k = list->child; k >= 0 && !found; k = c->e->nodes[k].next) {
		expr_eval_node(c, k, &v);
		expr_compare(op, &x, &v, &r);
		found = r.type == EXPR_BOOL && r.b;
		expr_value_clear(&v);
	}
	expr_value_clear(&x);
	expr_set_bool(out, found);
}

static void
fn_member(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	expr_fn_member(c, nd, out, EXPR_OP_EQ);
}

static void
fn_imember(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	expr_fn_member(c, nd, out, EXPR_OP_IS);
}

/* size(s) or size({ ... }). */
static void
fn_size(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	const struct expr_node	*arg = &c->e->nodes[nd->child];

	if (arg->kind == EXPR_K_LIST) {
		expr_set_int(out, arg->nkids);
		return;
	}
	expr_eval_node(c, nd->child, out);
	if (out->type == EXPR_STRING) {
		int64_t len = (int64_t)strlen(out->s);

		expr_value_clear(out);
		expr_set_int(out, len);
	} else if (out->type != EXPR_UNDEFINED) {
		expr_value_clear(out);
		expr_set_error(out);
	}
}

static const struct expr_fn expr_fns[] = {
	{ "ifThenElse", 3, 3, 0, -1, NULL, fn_ifthenelse },
	{ "isUndefined", 1, 1, 0, -1, fn_isundefined, NULL },
	{ "isError", 1, 1, 0, -1, fn_iserror, NULL },
	{ "isString", 1, 1, 0, -1, fn_isstring, NULL },
	{ "isInteger", 1, 1, 0, -1, fn_isinteger, NULL },
	{ "isReal", 1, 1, 0, -1, fn_isreal, NULL },
	{ "isBoolean", 1, 1, 0, -1, fn_isboolean, NULL },
	{ "int", 1, 1, 1, -1, fn_int, NULL },
	{ "real", 1, 1, 1, -1, fn_real, NULL },
	{ "string", 1, 1, 1, -1, fn_string, NULL },
	{ "toLower", 1, 1, 1, -1, fn_tolower, NULL },
	{ "toUpper", 1, 1, 1, -1, fn_toupper, NULL },
	{ "size", 1, 1, 0, 0, NULL, fn_size },
	{ "strlen", 1, 1, 1, -1, fn_strlen, NULL },
	{ "strcmp", 2, 2, 1, -1, fn_strcmp, NULL },
	{ "stricmp", 2, 2, 1, -1, fn_stricmp, NULL },
	{ "strcat", 0, INT_MAX, 1, -1, fn_strcat, NULL },
	{ "substr", 2, 3, 1, -1, fn_substr, NULL },
	{ "min", 1, INT_MAX, 1, -1, fn_min, NULL },
	{ "max", 1, INT_MAX, 1, -1, fn_max, NULL },
	{ "floor", 1, 1, 1, -1, fn_floor, NULL },
	{ "ceiling", 1, 1, 1, -1, fn_ceiling, NULL },
	{ "round", 1, 1, 1, -1, fn_round, NULL },
	{ "regexp", 2, 3, 1, -1, fn_regexp, NULL },
	{ "member", 2, 2, 0, 1, NULL, fn_member },
	{ "identicalMember", 2, 2, 0, 1, NULL, fn_imember },
	{ "stringListMember", 2, 3, 1, -1, fn_slmember, NULL },
	{ "stringListIMember", 2, 3, 1, -1, fn_slimember, NULL },
	{ "stringListsIntersect", 2, 3, 0, -1, fn_slintersect, NULL },
	{ "time", 0, 0, 0, -1, fn_time, NULL },
};
#define EXPR_NFNS (int)(sizeof expr_fns / sizeof expr_fns[0])

int
expr_fn_find(const char *name, int *minargs, int *maxargs)
{
	int	i;

	for (i = 0; i < EXPR_NFNS; i++)
		if (strcasecmp(name, expr_fns[i].name) == 0) {
			*minargs = expr_fns[i].min;
			*maxargs = expr_fns[i].max;
			return i;
		}
	return -1;
}

const char *
expr_fn_name(int fn)
{
	return fn >= 0 && fn < EXPR_NFNS ? expr_fns[fn].name : "?";
}

int
expr_fn_list_ok(int fn, int argno)
{
	return fn >= 0 && fn < EXPR_NFNS && expr_fns[fn].listarg == argno;
}

/*
 * Work done once at parse time for call node N: regexp() with a literal
 * pattern (and literal options) is compiled now, and a bad pattern is a
 * syntax error.  -1 with MSG on error.
 */
int
expr_fn_prepare(struct expr *e, int n, char *msg, size_t len)
{
	struct expr_node	*nd = &e->nodes[n];
	const struct expr_node	*pat, *opt;
	char			 why[80];
	regex_t			*re;
	int			 rc;

	if (strcmp(expr_fns[nd->fn].name, "regexp") != 0)
		return 0;
	pat = &e->nodes[nd->child];
	opt = nd->nkids == 3 ? &e->nodes[e->nodes[pat->next].next] : NULL;
	if (pat->kind != EXPR_K_LIT || pat->v.type != EXPR_STRING ||
	    (opt != NULL && (opt->kind != EXPR_K_LIT ||
	    opt->v.type != EXPR_STRING)))
		return 0;
	if (expr_fn_re_check(pat->v.s) == -1) {
		snprintf(msg, len, "regular expression too long or complex");
		return -1;
	}
	re = xmalloc(sizeof *re);
	rc = regcomp(re, pat->v.s, expr_fn_re_flags(opt != NULL ?
	    opt->v.s : ""));
	if (rc != 0) {
		regerror(rc, re, why, sizeof why);
		free(re);
		snprintf(msg, len, "bad regular expression: %s", why);
		return -1;
	}
	nd->re = re;
	return 0;
}

void
expr_fn_release(struct expr_node *nd)
{
	if (nd->re != NULL) {
		regfree(nd->re);
		free(nd->re);
		nd->re = NULL;
	}
}

void
expr_fn_call(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	const struct expr_fn	*f = &expr_fns[nd->fn];
	struct expr_value	*a;
	int			 k, i, n = nd->nkids, undef = 0, err = 0;

	if (f->lazy != NULL) {
		f->lazy(c, nd, out);
		return;
	}
	a = xcalloc(n > 0 ? n : 1, sizeof *a);
	for (i = 0, k = nd->child; k >= 0; k = c->e->nodes[k].next, i++) {
		expr_eval_node(c, k, &a[i]);
		err |= a[i].type == EXPR_ERROR;
		undef |= a[i].type == EXPR_UNDEFINED;
	}
	if (f->strict && err)
		expr_set_error(out);
	else if (f->strict && undef)
		expr_set_undef(out);
	else {
		c->call = nd;
		f->eager(c, a, n, out);
	}
	for (i = 0; i < n; i++)
		expr_value_clear(&a[i]);
	free(a);
}
