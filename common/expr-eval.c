/*
 * expr-eval.c: the expression language's values, operators and evaluator
 * (docs/expressions.md); expr.c parses, expr-fn.c has the built-in
 * functions.  Evaluation is total and follows ClassAd: most operators are
 * strict in UNDEFINED and ERROR, && || and ?: are not, =?= and =!= never
 * give UNDEFINED.  Recursion follows the tree, whose depth the parser
 * bounds (EXPR_MAX_DEPTH); chains of one operator are loops.  Integer
 * arithmetic wraps instead of invoking undefined behaviour; a real result
 * that is not finite is an error.  No libevent
 * or json-c here.  Callers: expr_eval*(), from the scheduler and cq.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "expr-int.h"
#include "xmalloc.h"

/* --- values ---------------------------------------------------------------- */

void
expr_value_clear(struct expr_value *v)
{
	if (v == NULL)
		return;
	if (v->type == EXPR_STRING)
		free(v->s);
	memset(v, 0, sizeof *v);
	v->type = EXPR_UNDEFINED;
}

void
expr_value_copy(struct expr_value *out, const struct expr_value *v)
{
	*out = *v;
	if (v->type == EXPR_STRING)
		out->s = xstrdup(v->s);
}

void
expr_set_undef(struct expr_value *v)
{
	memset(v, 0, sizeof *v);
	v->type = EXPR_UNDEFINED;
}

void
expr_set_error(struct expr_value *v)
{
	memset(v, 0, sizeof *v);
	v->type = EXPR_ERROR;
}

void
expr_set_bool(struct expr_value *v, int b)
{
	memset(v, 0, sizeof *v);
	v->type = EXPR_BOOL;
	v->b = b != 0;
}

void
expr_set_int(struct expr_value *v, int64_t i)
{
	memset(v, 0, sizeof *v);
	v->type = EXPR_INT;
	v->i = i;
}

void
expr_set_real(struct expr_value *v, double r)
{
	memset(v, 0, sizeof *v);
	v->type = EXPR_REAL;
	v->r = r;
}

void
expr_set_str(struct expr_value *v, char *s)
{
	memset(v, 0, sizeof *v);
	v->type = EXPR_STRING;
	v->s = s;
}

const char *
expr_type_str(enum expr_type t)
{
	switch (t) {
	case EXPR_UNDEFINED: return "undefined";
	case EXPR_ERROR: return "error";
	case EXPR_BOOL: return "boolean";
	case EXPR_INT: return "integer";
	case EXPR_REAL: return "real";
	case EXPR_STRING: return "string";
	}
	return "?";
}

int
expr_is_true(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_BOOL: return v->b != 0;
	case EXPR_INT: return v->i != 0;
	case EXPR_REAL: return v->r != 0.0;
	default: return 0;
	}
}

void
expr_real_fmt(double r, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", r);
	if (strtod(buf, NULL) != r)
		snprintf(buf, len, "%.17g", r);
	if (strpbrk(buf, ".eEni") == NULL && strlen(buf) + 3 <= len)
		memcpy(buf + strlen(buf), ".0", 3);
}

const char *
expr_value_str(const struct expr_value *v, char *buf, size_t len)
{
	size_t		 o = 0;
	const char	*s;
	char		 esc;

	if (len == 0)
		return buf;
	switch (v->type) {
	case EXPR_UNDEFINED:
		snprintf(buf, len, "undefined");
		break;
	case EXPR_ERROR:
		snprintf(buf, len, "error");
		break;
	case EXPR_BOOL:
		snprintf(buf, len, "%s", v->b ? "true" : "false");
		break;
	case EXPR_INT:
		snprintf(buf, len, "%lld", (long long)v->i);
		break;
	case EXPR_REAL:
		expr_real_fmt(v->r, buf, len);
		break;
	case EXPR_STRING:
		buf[o++] = '"';
		for (s = v->s != NULL ? v->s : ""; *s != '\0' && o + 1 < len;
		    s++) {
			esc = *s == '"' || *s == '\\' ? *s : *s == '\n' ? 'n' :
			    *s == '\t' ? 't' : *s == '\r' ? 'r' : 0;
			if (esc != 0) {
				if (o + 2 >= len)
					break;
				buf[o++] = '\\';
				buf[o++] = esc;
			} else
				buf[o++] = *s;
		}
		if (o + 1 < len)
			buf[o++] = '"';
		buf[o < len ? o : len - 1] = '\0';
		break;
	}
	return buf;
}

/* --- operators ------------------------------------------------------------- */

enum { TV_FALSE, TV_TRUE, TV_UNDEF, TV_ERR };

/* A value as a logical operand: numbers count, strings are errors. */
static int
expr_truth(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_UNDEFINED: return TV_UNDEF;
	case EXPR_BOOL:
	case EXPR_INT:
	case EXPR_REAL: return expr_is_true(v) ? TV_TRUE : TV_FALSE;
	default: return TV_ERR;
	}
}

static void
expr_set_truth(struct expr_value *v, int t)
{
	if (t == TV_UNDEF)
		expr_set_undef(v);
	else if (t == TV_ERR)
		expr_set_error(v);
	else
		expr_set_bool(v, t == TV_TRUE);
}

/* A number: 1 integer (booleans count as 0 and 1), 2 real, 0 neither. */
static int
expr_numeric(const struct expr_value *v, int64_t *i, double *r)
{
	switch (v->type) {
	case EXPR_BOOL:
		*i = v->b;
		*r = v->b;
		return 1;
	case EXPR_INT:
		*i = v->i;
		*r = (double)v->i;
		return 1;
	case EXPR_REAL:
		*i = 0;
		*r = v->r;
		return 2;
	default:
		return 0;
	}
}

/* ACC = ACC op B for + - * / %.  Integers wrap around (two's complement)
   rather than invoke undefined behaviour; a zero divisor is an error. */
static void
expr_arith(int op, struct expr_value *acc, const struct expr_value *b)
{
	int64_t		ia = 0, ib = 0;
	double		ra = 0, rb = 0;
	int		ka, kb;
	uint64_t	ua, ub;

	if (acc->type == EXPR_ERROR || b->type == EXPR_ERROR) {
		expr_value_clear(acc);
		expr_set_error(acc);
		return;
	}
	if (acc->type == EXPR_UNDEFINED || b->type == EXPR_UNDEFINED) {
		expr_value_clear(acc);
		return;
	}
	ka = expr_numeric(acc, &ia, &ra);
	kb = expr_numeric(b, &ib, &rb);
	expr_value_clear(acc);
	if (ka == 0 || kb == 0) {
		expr_set_error(acc);
		return;
	}
	if (ka == 1 && kb == 1) {
		ua = (uint64_t)ia;
		ub = (uint64_t)ib;
		switch (op) {
		case EXPR_OP_ADD: expr_set_int(acc, (int64_t)(ua + ub)); return;
		case EXPR_OP_SUB: expr_set_int(acc, (int64_t)(ua - ub)); return;
		case EXPR_OP_MUL: expr_set_int(acc, (int64_t)(ua * ub)); return;
		}
		if (ib == 0)
			expr_set_error(acc);
		else if (ib == -1)	/* INT64_MIN / -1 traps */
			expr_set_int(acc, op == EXPR_OP_DIV ?
			    (int64_t)(0 - ua) : 0);
		else
			expr_set_int(acc, op == EXPR_OP_DIV ? ia / ib : ia % ib);
		return;
	}
	switch (op) {
	case EXPR_OP_ADD: ra = ra + rb; break;
	case EXPR_OP_SUB: ra = ra - rb; break;
	case EXPR_OP_MUL: ra = ra * rb; break;
	default:
		if (rb == 0.0)
			ra = NAN;
		else
			ra = op == EXPR_OP_DIV ? ra / rb : fmod(ra, rb);
		break;
	}
	/* No infinities or NaNs: an overflow is an error like 1 / 0. */
	if (isfinite(ra))
		expr_set_real(acc, ra);
	else
		expr_set_error(acc);
}

/* Same type and value, strings case-sensitive: =?= and is. */
static int
expr_identical(const struct expr_value *a, const struct expr_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case EXPR_BOOL: return a->b == b->b;
	case EXPR_INT: return a->i == b->i;
	case EXPR_REAL: return a->r == b->r;
	case EXPR_STRING: return strcmp(a->s, b->s) == 0;
	default: return 1;
	}
}

void
expr_compare(int op, const struct expr_value *a, const struct expr_value *b,
    struct expr_value *out)
{
	int64_t	ia = 0, ib = 0;
	double	ra = 0, rb = 0;
	int	ka, kb, lt, eq, gt, c;

	if (op == EXPR_OP_IS || op == EXPR_OP_ISNT) {
		c = expr_identical(a, b);
		expr_set_bool(out, op == EXPR_OP_IS ? c : !c);
		return;
	}
	if (a->type == EXPR_ERROR || b->type == EXPR_ERROR) {
		expr_set_error(out);
		return;
	}
	if (a->type == EXPR_UNDEFINED || b->type == EXPR_UNDEFINED) {
		expr_set_undef(out);
		return;
	}
	if (a->type == EXPR_STRING && b->type == EXPR_STRING) {
		c = strcasecmp(a->s, b->s);
		lt = c < 0;
		eq = c == 0;
		gt = c > 0;
	} else {
		ka = expr_numeric(a, &ia, &ra);
		kb = expr_numeric(b, &ib, &rb);
		if (ka == 0 || kb == 0) {
			expr_set_error(out);
			return;
		}
		if (ka == 1 && kb == 1) {
			lt = ia < ib;
			eq = ia == ib;
			gt = ia > ib;
		} else {
			lt = ra < rb;
			eq = ra == rb;
			gt = ra > rb;
		}
	}
	switch (op) {
	case EXPR_OP_EQ: c = eq; break;
	case EXPR_OP_NE: c = !eq; break;
	case EXPR_OP_LT: c = lt; break;
	case EXPR_OP_LE: c = lt || eq; break;
	case EXPR_OP_GT: c = gt; break;
	default: c = gt || eq; break;
	}
	expr_set_bool(out, c);
}

static void
expr_unary(int op, struct expr_value *v)
{
	int	t;

	if (op == EXPR_OP_NOT) {
		t = expr_truth(v);
		expr_value_clear(v);
		expr_set_truth(v, t == TV_TRUE ? TV_FALSE :
		    t == TV_FALSE ? TV_TRUE : t);
		return;
	}
	switch (v->type) {
	case EXPR_UNDEFINED:
		return;
	case EXPR_BOOL:
		expr_set_int(v, op == EXPR_OP_NEG ? -(int64_t)v->b : v->b);
		return;
	case EXPR_INT:
		if (op == EXPR_OP_NEG)
			v->i = (int64_t)(0 - (uint64_t)v->i);
		return;
	case EXPR_REAL:
		if (op == EXPR_OP_NEG)
			v->r = -v->r;
		return;
	default:
		expr_value_clear(v);
		expr_set_error(v);
		return;
	}
}

/* --- evaluation ------------------------------------------------------------- */

int64_t
expr_ctx_now(struct expr_ctx *c)
{
	if (c->now < 0)
		c->now = c->env->now >= 0 ? c->env->now : (int64_t)time(NULL);
	return c->now;
}

static void
expr_eval_attr(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	const struct expr_env	*env = c->env;

	expr_set_undef(out);
	if (env->lookup != NULL &&
	    env->lookup(env->arg, nd->scope, nd->name, out) == 0) {
		if (out->type < EXPR_UNDEFINED || out->type > EXPR_STRING) {
			expr_set_error(out);	/* a broken lookup */
		} else if (out->type == EXPR_STRING && out->s == NULL)
			out->s = xstrdup("");
		return;
	}
	expr_value_clear(out);
	/* Old ClassAds' implicit attribute, which HTCondor still keeps. */
	if (nd->scope != EXPR_SCOPE_TARGET &&
	    strcasecmp(nd->name, "CurrentTime") == 0)
		expr_set_int(out, expr_ctx_now(c));
}

/* && and || over the children, left to right, skipping what cannot
   change the result. */
static void
expr_eval_logic(struct expr_ctx *c, const struct expr_node *nd,
    struct expr_value *out)
{
	struct expr_value	 v;
	int			 k, t, tb, isand = nd->kind == EXPR_K_AND;

	expr_eval_node(c, nd->child, &v);
	t = expr_truth(&v);
	expr_value_clear(&v);
	for (k = c->e->nodes[nd->child].next; k >= 0; k = c->e->nodes[k].next) {
		if (t == TV_ERR || t == (isand ? TV_FALSE : TV_TRUE))
			break;
		expr_eval_node(c, k, &v);
		tb = expr_truth(&v);
		expr_value_clear(&v);
		if (t == (isand ? TV_TRUE : TV_FALSE))
			t = tb;
		else if (tb == (isand ? TV_FALSE : TV_TRUE) || tb == TV_ERR)
			t = tb;		/* t was undefined */
	}
	expr_set_truth(out, t);
}

void
expr_eval_node(struct expr_ctx *c, int idx, struct expr_value *out)
{
	const struct expr_node	*nd = &c->e->nodes[idx];
	struct expr_value	 b, r;
	int			 k, t, lit;

	switch (nd->kind) {
	case EXPR_K_LIT:
		*out = nd->v;
		if (out->type == EXPR_STRING)
			out->s = xstrdup(nd->v.s);
		return;
	case EXPR_K_ATTR:
		expr_eval_attr(c, nd, out);
		return;
	case EXPR_K_UNARY:
		expr_eval_node(c, nd->child, out);
		expr_unary(nd->op, out);
		return;
	case EXPR_K_CHAIN:
		expr_eval_node(c, nd->child, out);
		for (k = c->e->nodes[nd->child].next; k >= 0;
		    k = c->e->nodes[k].next) {
			/* A literal operand is used in place, not copied. */
			lit = c->e->nodes[k].kind == EXPR_K_LIT;
			if (!lit)
				expr_eval_node(c, k, &b);
			t = c->e->nodes[k].lop;
			if (t >= EXPR_OP_ADD && t <= EXPR_OP_MOD)
				expr_arith(t, out, lit ? &c->e->nodes[k].v : &b);
			else {
				expr_compare(t, out, lit ? &c->e->nodes[k].v :
				    &b, &r);
				expr_value_clear(out);
				*out = r;
			}
			if (!lit)
				expr_value_clear(&b);
		}
		return;
	case EXPR_K_AND:
	case EXPR_K_OR:
		expr_eval_logic(c, nd, out);
		return;
	case EXPR_K_COND:
		expr_eval_node(c, nd->child, out);
		t = expr_truth(out);
		expr_value_clear(out);
		k = c->e->nodes[nd->child].next;
		if (t == TV_TRUE)
			expr_eval_node(c, k, out);
		else if (t == TV_FALSE)
			expr_eval_node(c, c->e->nodes[k].next, out);
		else
			expr_set_truth(out, t);
		return;
	case EXPR_K_ELVIS:
		expr_eval_node(c, nd->child, out);
		if (out->type == EXPR_UNDEFINED)
			expr_eval_node(c, c->e->nodes[nd->child].next, out);
		return;
	case EXPR_K_CALL:
		expr_fn_call(c, nd, out);
		return;
	default:
		expr_set_error(out);	/* a list where a value is needed */
		return;
	}
}

void
expr_eval_env(const struct expr *e, const struct expr_env *env,
    struct expr_value *out)
{
	struct expr_ctx	c;

	if (e == NULL || e->root < 0) {
		expr_set_error(out);
		return;
	}
	c.e = e;
	c.env = env;
	c.now = -1;
	c.call = NULL;
	expr_eval_node(&c, e->root, out);
}

void
expr_eval(const struct expr *e, expr_lookup_fn lookup, void *arg,
    struct expr_value *out)
{
	struct expr_env	env = { lookup, arg, -1 };

	expr_eval_env(e, &env, out);
}

void
expr_clause_eval(const struct expr *e, int k, const struct expr_env *env,
    struct expr_value *out)
{
	struct expr_ctx	c;
	int		n;

	if (e == NULL || e->root < 0 || (n = expr_clause_node(e, k)) < 0) {
		expr_set_error(out);
		return;
	}
	c.e = e;
	c.env = env;
	c.now = -1;
	c.call = NULL;
	expr_eval_node(&c, n, out);
}
