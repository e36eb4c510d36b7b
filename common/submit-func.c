/*
 * submit-func.c: the macro functions of the submit language that
 * compute a value, as HTCondor's manual documents them:
 *
 *   $INT(name[,format])	name's value evaluated as an integer
 *   $REAL(name[,format])	... as a real number
 *   $CHOICE(index, list)	the index'th (from 0) item of the comma list
 *				in macro `list`, or of the items written out
 *				($CHOICE(index, a, b, c))
 *   $SUBSTR(name, start[, length])  part of name's value: a negative
 *				start counts from the end, a negative
 *				length leaves that many characters off
 *   $RANDOM_CHOICE(a, b, ...)	one of the items (or of the list a macro
 *				holds), at random
 *   $RANDOM_INTEGER(min, max[, step])  min, min + step, ... up to max,
 *				at random
 *
 * An argument that names a macro (or $(Process), a loop variable...)
 * stands for its value; otherwise it is taken as written, with its own
 * references expanded.  A number is any constant ClassAd expression
 * ($INT(XYArea) with XYArea = 2 * 6 is 12).  A format is a printf
 * conversion with optional text around it (%04d, Area=%d).  Errors name
 * the line of the value and what is wrong; a '$NAME(' with no closing
 * parenthesis is plain text.  Called by submit-macro.c's expansion.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "jobdesc.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

enum submit_fn { SF_INT, SF_REAL, SF_CHOICE, SF_SUBSTR, SF_RCHOICE,
    SF_RINT };

static const struct {
	const char	*name;
	enum submit_fn	 fn;
} submit_fns[] = {
	{ "INT", SF_INT },
	{ "REAL", SF_REAL },
	{ "CHOICE", SF_CHOICE },
	{ "SUBSTR", SF_SUBSTR },
	{ "RANDOM_CHOICE", SF_RCHOICE },
	{ "RANDOM_INTEGER", SF_RINT },
};

#define SUBMIT_FN_MAXARGS	1024

struct submit_fn_call {
	const char	*name;		/* of the function, for errors */
	struct submit_list args;	/* raw, split on top-level commas */
};

/* The raw text of argument I, trimmed. */
static char *
submit_fn_raw(struct submit_fn_call *c, size_t i)
{
	return submit_trim(c->args.v[i]);
}

/*
 * Argument I's value into OUT (trimmed in *VAL): a name's value if it is
 * one, else the text expanded.
 */
static int
submit_fn_arg(struct submit_parse *p, struct submit_fn_call *c, size_t i,
    struct submit_buf *out, char **val, int depth, int line)
{
	char	*raw = submit_fn_raw(c, i);
	int	 rc = 0;

	submit_buf_reset(out);
	submit_buf_add(out, "", 0, JOBDESC_MAX_STR);
	if (submit_is_name(raw, strlen(raw)))
		rc = submit_macro_lookup(p, raw, strlen(raw), out, depth, line);
	if (rc == -1)
		return -1;
	if (rc == 0 && submit_macro_expand(p, raw, out, depth + 1,
	    line) == -1)
		return -1;
	*val = submit_trim(out->s);
	return 0;
}

static void
submit_fn_count_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/* VAL as a constant number: 0 with *I (and *R), -1 if it is not one. */
static int
submit_fn_number(const char *val, int real, long long *i, double *r)
{
	struct expr		*e;
	struct expr_value	 v;
	char			 why[8];
	int			 refs = 0, rc = -1;

	if ((e = expr_parse(val, why, sizeof(why))) == NULL)
		return -1;
	expr_attrs(e, submit_fn_count_ref, &refs);
	if (refs == 0) {
		expr_eval(e, NULL, NULL, &v);
		if (v.type == EXPR_INT) {
			*i = v.i;
			*r = (double)v.i;
			rc = 0;
		} else if (v.type == EXPR_REAL && real) {
			*r = v.r;
			rc = 0;
		}
		expr_value_clear(&v);
	}
	expr_free(e);
	return rc;
}

/* An argument that must be an integer. */
static int
submit_fn_int_arg(struct submit_parse *p, struct submit_fn_call *c,
    size_t i, const char *what, long long *n, int depth, int line)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	char			*val, q[80];
	double			 r;

	if (submit_fn_arg(p, c, i, &b, &val, depth, line) == -1) {
		free(b.s);
		return -1;
	}
	if (submit_fn_number(val, 0, n, &r) == -1) {
		submit_error(p, line, "$%s(): %s '%s' is not an integer",
		    c->name, what, submit_q(q, sizeof(q), val));
		free(b.s);
		return -1;
	}
	free(b.s);
	return 0;
}

/*
 * FMT checked as a printf format of one conversion of the kind REAL asks
 * for, rewritten into OUT for a long long or a double.
 */
static int
submit_fn_format(const char *fmt, int real, char *out, size_t outlen)
{
	const char	*s = fmt;
	size_t		 o = 0;
	int		 convs = 0;

	for (; *s != '\0'; s++) {
		if (o + 8 >= outlen)
			return -1;
		if (*s != '%') {
			out[o++] = *s;
			continue;
		}
		out[o++] = *s++;
		if (*s == '%') {
			out[o++] = '%';
			continue;
		}
		while (*s != '\0' && strchr("-+ #0", *s) != NULL &&
		    o + 8 < outlen)
			out[o++] = *s++;
		while (text_isdigit(*s) && o + 8 < outlen)
			out[o++] = *s++;
		if (*s == '.') {
			out[o++] = *s++;
			while (text_isdigit(*s) && o + 8 < outlen)
				out[o++] = *s++;
		}
		while (*s == 'l' || *s == 'h')
			s++;		/* the length is ours to give */
		if (*s == '\0' || strchr(real ? "eEfFgG" : "diouxXc",
		    *s) == NULL || ++convs > 1)
			return -1;
		if (!real) {
			out[o++] = 'l';
			out[o++] = 'l';
		}
		out[o++] = *s;
	}
	out[o] = '\0';
	return convs == 1 ? 0 : -1;
}

/* $INT and $REAL. */
static int
submit_fn_number_fn(struct submit_parse *p, struct submit_fn_call *c,
    int real, struct submit_buf *out, int depth, int line)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	char			*val, fmt[256], res[512], q[80];
	const char		*f = real ? "%.16G" : "%lld";
	long long		 i = 0;
	double			 r = 0;
	int			 n;

	if (c->args.n > 2)
		return submit_error(p, line, "$%s(): too many arguments "
		    "(name and format)", c->name);
	if (c->args.n == 2) {
		/* The format is everything after the comma, blanks too. */
		if (submit_fn_format(c->args.v[1], real, fmt,
		    sizeof(fmt)) == -1)
			return submit_error(p, line, "$%s(): '%s' is not a "
			    "valid format", c->name, submit_q(q, sizeof(q),
			    c->args.v[1]));
		f = fmt;
	}
	if (submit_fn_arg(p, c, 0, &b, &val, depth, line) == -1) {
		free(b.s);
		return -1;
	}
	if (submit_fn_number(val, real, &i, &r) == -1) {
		submit_error(p, line, "$%s(): '%s' does not evaluate to %s",
		    c->name, submit_q(q, sizeof(q), val),
		    real ? "a number" : "an integer");
		free(b.s);
		return -1;
	}
	free(b.s);
	if (real)
		n = snprintf(res, sizeof(res), f, r);
	else
		n = snprintf(res, sizeof(res), f, i);
	if (n < 0 || (size_t)n >= sizeof(res))
		return submit_error(p, line, "$%s(): result too long",
		    c->name);
	/* A formatted real keeps looking like one. */
	if (real && c->args.n == 2 && strchr(res, '.') == NULL &&
	    (size_t)n + 2 < sizeof(res))
		strlcat(res, ".0", sizeof(res));
	if (submit_buf_add(out, res, strlen(res), JOBDESC_MAX_STR) == -1)
		return submit_error(p, line, "value too long (limit %d bytes)",
		    JOBDESC_MAX_STR);
	return 0;
}

/*
 * The items of a list: the arguments from FIRST on, or, if only one is
 * there, the comma list in the macro it names.  Each trimmed into L.
 */
static int
submit_fn_items(struct submit_parse *p, struct submit_fn_call *c,
    size_t first, struct submit_list *l, int depth, int line)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	char			*raw, *s, *e, q[80];
	size_t			 i;
	int			 rc;

	if (c->args.n == first + 1) {
		raw = submit_fn_raw(c, first);
		submit_buf_add(&b, "", 0, JOBDESC_MAX_STR);
		rc = submit_is_name(raw, strlen(raw)) ?
		    submit_macro_lookup(p, raw, strlen(raw), &b, depth, line) :
		    0;
		if (rc == 0)
			submit_error(p, line, "$%s(): no list named '%s'",
			    c->name, submit_q(q, sizeof(q), raw));
		if (rc != 1) {
			free(b.s);
			return -1;
		}
		for (s = b.s;; s = e + 1) {
			if ((e = strchr(s, ',')) != NULL)
				*e = '\0';
			s = submit_trim(s);
			submit_list_add(l, s, strlen(s), SUBMIT_FN_MAXARGS);
			if (e == NULL)
				break;
		}
		free(b.s);
		return 0;
	}
	for (i = first; i < c->args.n; i++) {
		submit_buf_reset(&b);
		submit_buf_add(&b, "", 0, JOBDESC_MAX_STR);
		if (submit_macro_expand(p, submit_fn_raw(c, i), &b, depth + 1,
		    line) == -1) {
			free(b.s);
			return -1;
		}
		s = submit_trim(b.s);
		submit_list_add(l, s, strlen(s), SUBMIT_FN_MAXARGS);
	}
	free(b.s);
	return 0;
}

static int
submit_fn_add(struct submit_parse *p, struct submit_buf *out, const char *s,
    size_t len, int line)
{
	if (submit_buf_add(out, s, len, JOBDESC_MAX_STR) == -1)
		return submit_error(p, line, "value too long (limit %d bytes)",
		    JOBDESC_MAX_STR);
	return 0;
}

/* $CHOICE and $RANDOM_CHOICE. */
static int
submit_fn_choice(struct submit_parse *p, struct submit_fn_call *c, int rnd,
    struct submit_buf *out, int depth, int line)
{
	struct submit_list	 l = { NULL, 0 };
	long long		 index;
	int			 rc;

	if (!rnd && c->args.n < 2)
		return submit_error(p, line, "$CHOICE(): expected an index "
		    "and a list");
	if (!rnd && submit_fn_int_arg(p, c, 0, "index", &index, depth,
	    line) == -1)
		return -1;
	if (rnd && c->args.n == 1 && *submit_fn_raw(c, 0) == '\0')
		return submit_error(p, line, "$RANDOM_CHOICE(): no list");
	if (submit_fn_items(p, c, rnd ? 0 : 1, &l, depth, line) == -1) {
		submit_list_free(&l);
		return -1;
	}
	if (rnd)
		index = arc4random_uniform((uint32_t)l.n);
	if (index < 0 || (size_t)index >= l.n) {
		submit_error(p, line, "$CHOICE(): index %lld is out of range "
		    "(%zu items)", index, l.n);
		submit_list_free(&l);
		return -1;
	}
	rc = submit_fn_add(p, out, l.v[index], strlen(l.v[index]), line);
	submit_list_free(&l);
	return rc;
}

/* $SUBSTR(name, start[, length]). */
static int
submit_fn_substr(struct submit_parse *p, struct submit_fn_call *c,
    struct submit_buf *out, int depth, int line)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	long long		 start, len, n;
	char			*raw, *val;
	int			 rc;

	if (c->args.n < 2 || c->args.n > 3)
		return submit_error(p, line, "$SUBSTR(): expected a name, a "
		    "start and an optional length");
	if (submit_fn_int_arg(p, c, 1, "start", &start, depth, line) == -1)
		return -1;
	len = LLONG_MAX / 2;
	if (c->args.n == 3 && submit_fn_int_arg(p, c, 2, "length", &len,
	    depth, line) == -1)
		return -1;
	raw = submit_fn_raw(c, 0);
	submit_buf_add(&b, "", 0, JOBDESC_MAX_STR);
	if (submit_is_name(raw, strlen(raw)) && submit_macro_lookup(p, raw,
	    strlen(raw), &b, depth, line) == -1) {
		free(b.s);
		return -1;
	}
	val = b.s;
	n = (long long)strlen(val);
	if (start < 0)
		start += n;
	if (start < 0)
		start = 0;
	else if (start > n)
		start = n;
	n -= start;
	if (len < 0)
		len += n;
	if (len < 0)
		len = 0;
	else if (len > n)
		len = n;
	rc = submit_fn_add(p, out, val + start, (size_t)len, line);
	free(b.s);
	return rc;
}

/* $RANDOM_INTEGER(min, max[, step]). */
static int
submit_fn_rint(struct submit_parse *p, struct submit_fn_call *c,
    struct submit_buf *out, int depth, int line)
{
	long long	 min, max, step = 1, k;
	char		 num[32];

	if (c->args.n < 2 || c->args.n > 3)
		return submit_error(p, line, "$RANDOM_INTEGER(): expected min, "
		    "max and an optional step");
	if (submit_fn_int_arg(p, c, 0, "min", &min, depth, line) == -1 ||
	    submit_fn_int_arg(p, c, 1, "max", &max, depth, line) == -1 ||
	    (c->args.n == 3 && submit_fn_int_arg(p, c, 2, "step", &step,
	    depth, line) == -1))
		return -1;
	if (step < 1)
		return submit_error(p, line, "$RANDOM_INTEGER(): step %lld is "
		    "below 1", step);
	if (min > max)
		return submit_error(p, line, "$RANDOM_INTEGER(): min %lld is "
		    "above max %lld", min, max);
	if (max - min > (long long)UINT32_MAX * step)
		return submit_error(p, line, "$RANDOM_INTEGER(): range too "
		    "large");
	k = arc4random_uniform((uint32_t)((max - min) / step + 1));
	snprintf(num, sizeof(num), "%lld", min + k * step);
	return submit_fn_add(p, out, num, strlen(num), line);
}

/*
 * A macro function call at S?  Appends its value to OUT, sets *LEN to the
 * call's length and *RC to 0 or -1 (error set), and returns 1; 0 if S
 * starts none.
 */
int
submit_func(struct submit_parse *p, const char *s, struct submit_buf *out,
    int depth, int line, size_t *len, int *rc)
{
	struct submit_fn_call	 c;
	const char		*a, *e;
	size_t			 i, n;
	int			 level;

	if (s[0] != '$')
		return 0;
	for (i = 0; i < sizeof(submit_fns) / sizeof(submit_fns[0]); i++) {
		n = strlen(submit_fns[i].name);
		if (strncmp(s + 1, submit_fns[i].name, n) == 0 &&
		    s[1 + n] == '(')
			break;
	}
	if (i == sizeof(submit_fns) / sizeof(submit_fns[0]))
		return 0;
	a = s + 2 + n;
	for (e = a, level = 0; *e != '\0'; e++) {
		if (*e == '(')
			level++;
		else if (*e == ')' && level-- == 0)
			break;
	}
	if (*e != ')')
		return 0;
	*len = e + 1 - s;
	*rc = -1;
	if (++p->refs > SUBMIT_MAX_REFS) {
		submit_error(p, line, "macro expansion too large (over %d "
		    "references)", SUBMIT_MAX_REFS);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.name = submit_fns[i].name;
	/* Split on the commas outside parentheses. */
	for (;;) {
		const char *t;

		for (t = a, level = 0; t < e; t++) {
			if (*t == '(')
				level++;
			else if (*t == ')')
				level--;
			else if (*t == ',' && level == 0)
				break;
		}
		if (submit_list_add(&c.args, a, t - a,
		    SUBMIT_FN_MAXARGS) == -1) {
			submit_error(p, line, "$%s(): too many arguments",
			    c.name);
			goto out;
		}
		if (t == e)
			break;
		a = t + 1;
	}
	switch (submit_fns[i].fn) {
	case SF_INT:
	case SF_REAL:
		*rc = submit_fn_number_fn(p, &c, submit_fns[i].fn == SF_REAL,
		    out, depth, line);
		break;
	case SF_CHOICE:
	case SF_RCHOICE:
		*rc = submit_fn_choice(p, &c, submit_fns[i].fn == SF_RCHOICE,
		    out, depth, line);
		break;
	case SF_SUBSTR:
		*rc = submit_fn_substr(p, &c, out, depth, line);
		break;
	case SF_RINT:
		*rc = submit_fn_rint(p, &c, out, depth, line);
		break;
	}
out:
	submit_list_free(&c.args);
	return 1;
}
