/*
 * expr.c: the expression language's lexer and parser (docs/expressions.md);
 * values and evaluation are in expr-eval.c, the built-in functions in
 * expr-fn.c, JSON attribute lookup in expr-json.c.  Invariants: the source
 * is at most EXPR_MAX_SOURCE bytes, the tree at most EXPR_MAX_NODES nodes
 * and EXPR_MAX_DEPTH deep, and the parser's recursion is bounded by the
 * nesting it counts (the same limit); a chain of operators of one level
 * (a + b - c) is one node with a child per operand.  The first error
 * stops the parse with its column.  No libevent or json-c here.
 * Callers: the scheduler (constraints, matchmaking, policies), cq.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "expr-int.h"
#include "xmalloc.h"

enum expr_tok {
	T_EOF, T_LIT, T_IDENT, T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE,
	T_COMMA, T_DOT, T_QUESTION, T_COLON, T_OROR, T_ANDAND,
	T_EQ, T_NE, T_IS, T_ISNT, T_LT, T_LE, T_GT, T_GE,
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_BANG
};

struct expr_parser {
	const char		*src;
	size_t			 pos;
	struct expr		*e;
	char			*err;
	size_t			 errlen;
	int			 failed;
	int			 nest;
	size_t			 last_end;	/* past the last token taken */
	/* The current token. */
	enum expr_tok		 tok;
	int			 col;
	const char		*text;
	size_t			 len;
	struct expr_value	 v;		/* T_LIT */
};

static int	expr_parse_expr(struct expr_parser *);

static void
expr_fail(struct expr_parser *p, int col, const char *fmt, ...)
{
	char	msg[160];
	va_list	ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->errlen > 0)
		snprintf(p->err, p->errlen, "column %d: %s", col, msg);
}

/* Scan a number at P->pos into the token; 0 or -1. */
static int
expr_lex_number(struct expr_parser *p)
{
	const char	*s = p->src + p->pos;
	char		 buf[80];
	size_t		 n = 0;
	int64_t		 i = 0;
	int		 real = 0;
	double		 r;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (s[n] == '.' && isdigit((unsigned char)s[n + 1])) {
		real = 1;
		for (n++; isdigit((unsigned char)s[n]); n++)
			;
	}
	if ((s[n] == 'e' || s[n] == 'E') && (isdigit((unsigned char)s[n + 1]) ||
	    ((s[n + 1] == '+' || s[n + 1] == '-') &&
	    isdigit((unsigned char)s[n + 2])))) {
		real = 1;
		for (n += 2; isdigit((unsigned char)s[n]); n++)
			;
	}
	p->len = n;
	if (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.') {
		expr_fail(p, p->col, "bad number");
		return -1;
	}
	if (real) {
		if (n >= sizeof buf) {
			expr_fail(p, p->col, "number too long");
			return -1;
		}
		memcpy(buf, s, n);
		buf[n] = '\0';
		r = strtod(buf, NULL);
		if (!isfinite(r)) {
			expr_fail(p, p->col, "real out of range");
			return -1;
		}
		expr_set_real(&p->v, r);
		return 0;
	}
	for (n = 0; isdigit((unsigned char)s[n]); n++) {
		if (i > (INT64_MAX - (s[n] - '0')) / 10) {
			expr_fail(p, p->col, "integer out of range");
			return -1;
		}
		i = i * 10 + (s[n] - '0');
	}
	expr_set_int(&p->v, i);
	return 0;
}

/* Scan a string literal; the opening quote is at P->pos. */
static int
expr_lex_string(struct expr_parser *p)
{
	const char	*s = p->src + p->pos + 1;
	char		*out;
	size_t		 n = 0, o = 0;

	out = xmalloc(strlen(s) + 1);
	for (;;) {
		if (s[n] == '\0') {
			free(out);
			expr_fail(p, p->col, "unterminated string");
			return -1;
		}
		if (s[n] == '"')
			break;
		if (s[n] == '\\' && s[n + 1] != '\0') {
			n++;
			switch (s[n]) {
			case 'n':
				out[o++] = '\n';
				break;
			case 't':
				out[o++] = '\t';
				break;
			case 'r':
				out[o++] = '\r';
				break;
			default:
				out[o++] = s[n];
				break;
			}
			n++;
			continue;
		}
		out[o++] = s[n++];
	}
	out[o] = '\0';
	expr_set_str(&p->v, out);
	p->len = n + 2;
	return 0;
}

/* Advance to the next token; on a lexical error P->failed is set. */
static void
expr_next(struct expr_parser *p)
{
	const char	*s;
	size_t		 n;

	if (p->failed)
		return;
	p->last_end = p->pos + p->len;
	p->pos += p->len;
	expr_value_clear(&p->v);
	while (isspace((unsigned char)p->src[p->pos]))
		p->pos++;
	s = p->src + p->pos;
	p->col = (int)p->pos + 1;
	p->text = s;
	p->len = 1;
	if (*s == '\0') {
		p->tok = T_EOF;
		p->len = 0;
		return;
	}
	if (isdigit((unsigned char)*s) ||
	    (*s == '.' && isdigit((unsigned char)s[1]))) {
		p->tok = T_LIT;
		expr_lex_number(p);
		return;
	}
	if (*s == '"') {
		p->tok = T_LIT;
		expr_lex_string(p);
		return;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		for (n = 1; isalnum((unsigned char)s[n]) || s[n] == '_'; n++)
			;
		p->len = n;
		p->tok = T_IDENT;
		if (n == 4 && strncasecmp(s, "true", 4) == 0) {
			p->tok = T_LIT;
			expr_set_bool(&p->v, 1);
		} else if (n == 5 && strncasecmp(s, "false", 5) == 0) {
			p->tok = T_LIT;
			expr_set_bool(&p->v, 0);
		} else if (n == 9 && strncasecmp(s, "undefined", 9) == 0) {
			p->tok = T_LIT;
			expr_set_undef(&p->v);
		} else if (n == 5 && strncasecmp(s, "error", 5) == 0) {
			p->tok = T_LIT;
			expr_set_error(&p->v);
		} else if (n == 2 && strncasecmp(s, "is", 2) == 0)
			p->tok = T_IS;
		else if (n == 4 && strncasecmp(s, "isnt", 4) == 0)
			p->tok = T_ISNT;
		return;
	}
	if (strncmp(s, "=?=", 3) == 0 || strncmp(s, "=!=", 3) == 0) {
		p->tok = s[1] == '?' ? T_IS : T_ISNT;
		p->len = 3;
		return;
	}
	if ((s[1] == '=' && strchr("=!<>", s[0]) != NULL) ||
	    (s[0] == '&' && s[1] == '&') || (s[0] == '|' && s[1] == '|')) {
		p->len = 2;
		switch (s[0]) {
		case '=': p->tok = T_EQ; return;
		case '!': p->tok = T_NE; return;
		case '<': p->tok = T_LE; return;
		case '>': p->tok = T_GE; return;
		case '&': p->tok = T_ANDAND; return;
		case '|': p->tok = T_OROR; return;
		}
	}
	switch (*s) {
	case '(': p->tok = T_LPAREN; return;
	case ')': p->tok = T_RPAREN; return;
	case '{': p->tok = T_LBRACE; return;
	case '}': p->tok = T_RBRACE; return;
	case ',': p->tok = T_COMMA; return;
	case '.': p->tok = T_DOT; return;
	case '?': p->tok = T_QUESTION; return;
	case ':': p->tok = T_COLON; return;
	case '<': p->tok = T_LT; return;
	case '>': p->tok = T_GT; return;
	case '+': p->tok = T_PLUS; return;
	case '-': p->tok = T_MINUS; return;
	case '*': p->tok = T_STAR; return;
	case '/': p->tok = T_SLASH; return;
	case '%': p->tok = T_PERCENT; return;
	case '!': p->tok = T_BANG; return;
	case '=':
		expr_fail(p, p->col, "'=' is not an operator (use == or =?=)");
		return;
	case '&':
	case '|':
		expr_fail(p, p->col, "'%c' is not an operator (use %c%c)",
		    *s, *s, *s);
		return;
	}
	if (isprint((unsigned char)*s))
		expr_fail(p, p->col, "unexpected character '%c'", *s);
	else
		expr_fail(p, p->col, "unexpected byte 0x%02x",
		    (unsigned char)*s);
}

/* Complain about the current token. */
static void
expr_unexpected(struct expr_parser *p, const char *what)
{
	int	n = p->len > 20 ? 20 : (int)p->len;

	if (p->tok == T_EOF)
		expr_fail(p, p->col, "unexpected end of expression%s%s",
		    what != NULL ? ", expected " : "", what != NULL ? what : "");
	else
		expr_fail(p, p->col, "unexpected '%.*s'%s%s", n, p->text,
		    what != NULL ? ", expected " : "", what != NULL ? what : "");
}

static int
expr_node_new(struct expr_parser *p, int kind, int col)
{
	struct expr		*e = p->e;
	struct expr_node	*nd;

	if (e->n >= EXPR_MAX_NODES) {
		expr_fail(p, col, "expression too large (over %d nodes)",
		    EXPR_MAX_NODES);
		return -1;
	}
	if (e->n == e->cap) {
		e->cap = e->cap == 0 ? 16 : e->cap * 2;
		e->nodes = xreallocarray(e->nodes, e->cap, sizeof *e->nodes);
	}
	nd = &e->nodes[e->n];
	memset(nd, 0, sizeof *nd);
	nd->v.type = EXPR_UNDEFINED;
	nd->kind = kind;
	nd->child = nd->next = -1;
	nd->col = col;
	nd->depth = 1;
	return e->n++;
}

/* Append CHILD (with operator OP) to PARENT's children; *TAIL tracks the
   last child. */
static int
expr_node_add(struct expr_parser *p, int parent, int child, int op,
    int *tail)
{
	struct expr_node	*pn = &p->e->nodes[parent];
	struct expr_node	*cn = &p->e->nodes[child];

	cn->lop = op;
	if (*tail < 0)
		pn->child = child;
	else
		p->e->nodes[*tail].next = child;
	*tail = child;
	pn->nkids++;
	if (cn->depth + 1 > pn->depth)
		pn->depth = cn->depth + 1;
	if (pn->depth > EXPR_MAX_DEPTH) {
		expr_fail(p, pn->col, "expression nested too deeply (over %d)",
		    EXPR_MAX_DEPTH);
		return -1;
	}
	return 0;
}

/* Make KIND with children A (and B, C if >= 0). */
static int
expr_node_make(struct expr_parser *p, int kind, int op, int col, int a,
    int b, int c)
{
	int	n, tail = -1;

	if ((n = expr_node_new(p, kind, col)) < 0)
		return -1;
	p->e->nodes[n].op = op;
	if (expr_node_add(p, n, a, EXPR_OP_NONE, &tail) == -1 ||
	    (b >= 0 && expr_node_add(p, n, b, EXPR_OP_NONE, &tail) == -1) ||
	    (c >= 0 && expr_node_add(p, n, c, EXPR_OP_NONE, &tail) == -1))
		return -1;
	return n;
}

/* Record that node N spans the source from START to the last token. */
static int
expr_spanned(struct expr_parser *p, int n, size_t start)
{
	if (n >= 0 && !p->failed) {
		p->e->nodes[n].start = (int)start;
		p->e->nodes[n].end = (int)p->last_end;
	}
	return n;
}

static int
expr_tok_op(enum expr_tok t)
{
	switch (t) {
	case T_EQ: return EXPR_OP_EQ;
	case T_NE: return EXPR_OP_NE;
	case T_IS: return EXPR_OP_IS;
	case T_ISNT: return EXPR_OP_ISNT;
	case T_LT: return EXPR_OP_LT;
	case T_LE: return EXPR_OP_LE;
	case T_GT: return EXPR_OP_GT;
	case T_GE: return EXPR_OP_GE;
	case T_PLUS: return EXPR_OP_ADD;
	case T_MINUS: return EXPR_OP_SUB;
	case T_STAR: return EXPR_OP_MUL;
	case T_SLASH: return EXPR_OP_DIV;
	case T_PERCENT: return EXPR_OP_MOD;
	default: return EXPR_OP_NONE;
	}
}

/* Binary levels, lowest first: || && equality relational additive
   multiplicative. */
static const enum expr_tok expr_levels[][5] = {
	{ T_OROR, T_EOF },
	{ T_ANDAND, T_EOF },
	{ T_EQ, T_NE, T_IS, T_ISNT, T_EOF },
	{ T_LT, T_LE, T_GT, T_GE, T_EOF },
	{ T_PLUS, T_MINUS, T_EOF },
	{ T_STAR, T_SLASH, T_PERCENT, T_EOF }
};
#define EXPR_NLEVELS (int)(sizeof expr_levels / sizeof expr_levels[0])

static int	expr_parse_unary(struct expr_parser *);

static int
expr_at_level(enum expr_tok t, int level)
{
	int	i;

	for (i = 0; expr_levels[level][i] != T_EOF; i++)
		if (expr_levels[level][i] == t)
			return 1;
	return 0;
}

/* One binary level: a chain of its operators is one node. */
static int
expr_parse_level(struct expr_parser *p, int level)
{
	int	first, n, c, tail = -1, col, kind, op;
	size_t	start = (size_t)(p->text - p->src);

	if (level == EXPR_NLEVELS)
		return expr_parse_unary(p);
	if ((first = expr_parse_level(p, level + 1)) < 0 || p->failed)
		return -1;
	if (!expr_at_level(p->tok, level))
		return first;
	kind = level == 0 ? EXPR_K_OR : level == 1 ? EXPR_K_AND : EXPR_K_CHAIN;
	col = p->e->nodes[first].col;
	if ((n = expr_node_new(p, kind, col)) < 0 ||
	    expr_node_add(p, n, first, EXPR_OP_NONE, &tail) == -1)
		return -1;
	while (expr_at_level(p->tok, level)) {
		op = expr_tok_op(p->tok);
		expr_next(p);
		if ((c = expr_parse_level(p, level + 1)) < 0 || p->failed ||
		    expr_node_add(p, n, c, op, &tail) == -1)
			return -1;
	}
	return expr_spanned(p, n, start);
}

/* Arguments of a call (after the name and '(') or elements of a list
   (after '{') into node N, up to CLOSE. */
static int
expr_parse_args(struct expr_parser *p, int n, enum expr_tok close)
{
	struct expr_node	*nd = &p->e->nodes[n];
	int			 c, tail = -1, argno = 0, fn = nd->fn, lcol;
	int			 iscall = nd->kind == EXPR_K_CALL;

	if (p->tok == close) {
		expr_next(p);
		return 0;
	}
	for (;;) {
		if (p->tok == T_LBRACE && iscall && expr_fn_list_ok(fn, argno)) {
			lcol = p->col;
			expr_next(p);
			if ((c = expr_node_new(p, EXPR_K_LIST, lcol)) < 0 ||
			    expr_parse_args(p, c, T_RBRACE) == -1)
				return -1;
		} else if ((c = expr_parse_expr(p)) < 0 || p->failed)
			return -1;
		if (expr_node_add(p, n, c, EXPR_OP_NONE, &tail) == -1)
			return -1;
		argno++;
		if (p->tok == close)
			break;
		if (p->tok != T_COMMA) {
			expr_unexpected(p, close == T_RPAREN ? "',' or ')'" :
			    "',' or '}'");
			return -1;
		}
		expr_next(p);
	}
	expr_next(p);
	return p->failed ? -1 : 0;
}

/* An identifier: a call, a scoped or a plain attribute reference. */
static int
expr_parse_ident(struct expr_parser *p)
{
	const char	*name = p->text;
	size_t		 len = p->len;
	int		 col = p->col, n, fn, lo, hi, scope = EXPR_SCOPE_NONE;
	char		 buf[64], msg[128];

	expr_next(p);
	if (p->tok == T_LPAREN) {
		snprintf(buf, sizeof buf, "%.*s", (int)len, name);
		if (len >= sizeof buf || (fn = expr_fn_find(buf, &lo, &hi)) < 0) {
			expr_fail(p, col, "unknown function '%.*s'",
			    len > 40 ? 40 : (int)len, name);
			return -1;
		}
		if ((n = expr_node_new(p, EXPR_K_CALL, col)) < 0)
			return -1;
		p->e->nodes[n].fn = fn;
		expr_next(p);
		if (expr_parse_args(p, n, T_RPAREN) == -1)
			return -1;
		if (p->e->nodes[n].nkids < lo || p->e->nodes[n].nkids > hi) {
			if (lo == hi)
				expr_fail(p, col, "%s() takes %d argument%s",
				    expr_fn_name(fn), lo, lo == 1 ? "" : "s");
			else
				expr_fail(p, col, "%s() takes %d to %d "
				    "arguments", expr_fn_name(fn), lo, hi);
			return -1;
		}
		if (expr_fn_prepare(p->e, n, msg, sizeof msg) == -1) {
			expr_fail(p, col, "%s", msg);
			return -1;
		}
		return n;
	}
	if (p->tok == T_DOT) {
		if (len == 2 && strncasecmp(name, "my", 2) == 0)
			scope = EXPR_SCOPE_MY;
		else if (len == 6 && strncasecmp(name, "target", 6) == 0)
			scope = EXPR_SCOPE_TARGET;
		else {
			expr_fail(p, col, "unknown scope '%.*s' (only MY. and "
			    "TARGET.)", len > 40 ? 40 : (int)len, name);
			return -1;
		}
		expr_next(p);
		if (p->tok != T_IDENT) {
			expr_unexpected(p, "an attribute name");
			return -1;
		}
		name = p->text;
		len = p->len;
		expr_next(p);
	}
	if ((n = expr_node_new(p, EXPR_K_ATTR, col)) < 0)
		return -1;
	p->e->nodes[n].scope = scope;
	p->e->nodes[n].name = xstrndup(name, len);
	return n;
}

static int
expr_parse_primary(struct expr_parser *p)
{
	int	n;
	size_t	start = (size_t)(p->text - p->src);

	switch (p->tok) {
	case T_LIT:
		if ((n = expr_node_new(p, EXPR_K_LIT, p->col)) < 0)
			return -1;
		p->e->nodes[n].v = p->v;
		p->v.type = EXPR_UNDEFINED;
		p->v.s = NULL;
		expr_next(p);
		return expr_spanned(p, n, start);
	case T_IDENT:
		return expr_spanned(p, expr_parse_ident(p), start);
	case T_LPAREN:
		expr_next(p);
		if ((n = expr_parse_expr(p)) < 0 || p->failed)
			return -1;
		if (p->tok != T_RPAREN) {
			expr_unexpected(p, "')'");
			return -1;
		}
		expr_next(p);
		return expr_spanned(p, n, start);
	case T_LBRACE:
		expr_fail(p, p->col, "a list is only allowed as an argument "
		    "of member(), identicalMember() or size()");
		return -1;
	default:
		expr_unexpected(p, NULL);
		return -1;
	}
}

static int
expr_parse_unary(struct expr_parser *p)
{
	int	op, col = p->col, c, n;
	size_t	start = (size_t)(p->text - p->src);

	switch (p->tok) {
	case T_MINUS: op = EXPR_OP_NEG; break;
	case T_PLUS: op = EXPR_OP_PLUS; break;
	case T_BANG: op = EXPR_OP_NOT; break;
	default:
		return expr_parse_primary(p);
	}
	if (++p->nest > EXPR_MAX_DEPTH) {
		expr_fail(p, col, "expression nested too deeply (over %d)",
		    EXPR_MAX_DEPTH);
		return -1;
	}
	expr_next(p);
	if ((c = expr_parse_unary(p)) < 0 || p->failed)
		return -1;
	p->nest--;
	n = expr_node_make(p, EXPR_K_UNARY, op, col, c, -1, -1);
	return expr_spanned(p, n, start);
}

/* The conditional operator, lowest: c ? a : b (right-associative) and
   c ?: b.  Every nesting of the grammar passes here or in unary. */
static int
expr_parse_expr(struct expr_parser *p)
{
	int	c, a, b, col = p->col, n;
	size_t	start = (size_t)(p->text - p->src);

	if (++p->nest > EXPR_MAX_DEPTH) {
		expr_fail(p, col, "expression nested too deeply (over %d)",
		    EXPR_MAX_DEPTH);
		return -1;
	}
	if ((c = expr_parse_level(p, 0)) < 0 || p->failed)
		return -1;
	if (p->tok != T_QUESTION) {
		p->nest--;
		return c;
	}
	expr_next(p);
	if (p->tok == T_COLON) {
		expr_next(p);
		if ((b = expr_parse_expr(p)) < 0 || p->failed)
			return -1;
		n = expr_node_make(p, EXPR_K_ELVIS, 0, col, c, b, -1);
	} else {
		if ((a = expr_parse_expr(p)) < 0 || p->failed)
			return -1;
		if (p->tok != T_COLON) {
			expr_unexpected(p, "':'");
			return -1;
		}
		expr_next(p);
		if ((b = expr_parse_expr(p)) < 0 || p->failed)
			return -1;
		n = expr_node_make(p, EXPR_K_COND, 0, col, c, a, b);
	}
	p->nest--;
	return expr_spanned(p, n, start);
}

struct expr *
expr_parse(const char *src, char *err, size_t errlen)
{
	struct expr_parser	 p;
	struct expr		*e;
	size_t			 len;

	memset(&p, 0, sizeof p);
	p.err = err;
	p.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if (src == NULL) {
		expr_fail(&p, 1, "empty expression");
		return NULL;
	}
	len = strlen(src);
	if (len > EXPR_MAX_SOURCE) {
		expr_fail(&p, 1, "expression too long (over %d bytes)",
		    EXPR_MAX_SOURCE);
		return NULL;
	}
	e = xcalloc(1, sizeof *e);
	e->src = xstrdup(src);
	e->root = -1;
	p.src = e->src;
	p.e = e;
	expr_next(&p);
	if (!p.failed && p.tok == T_EOF)
		expr_fail(&p, p.col, "empty expression");
	if (!p.failed)
		e->root = expr_parse_expr(&p);
	if (!p.failed && p.tok != T_EOF)
		expr_unexpected(&p, "an operator or the end");
	expr_value_clear(&p.v);
	if (p.failed || e->root < 0) {
		if (!p.failed)
			expr_fail(&p, 1, "invalid expression");
		expr_free(e);
		return NULL;
	}
	return e;
}

void
expr_free(struct expr *e)
{
	int	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++) {
		expr_value_clear(&e->nodes[i].v);
		free(e->nodes[i].name);
		expr_fn_release(&e->nodes[i]);
	}
	free(e->nodes);
	free(e->src);
	free(e);
}

const char *
expr_source(const struct expr *e)
{
	return e->src;
}

void
expr_attrs(const struct expr *e, expr_attr_fn fn, void *arg)
{
	int	i;

	for (i = 0; i < e->n; i++)
		if (e->nodes[i].kind == EXPR_K_ATTR)
			fn(arg, e->nodes[i].scope, e->nodes[i].name);
}

int
expr_clause_node(const struct expr *e, int k)
{
	int	n;

	if (e->nodes[e->root].kind != EXPR_K_AND)
		return k == 0 ? e->root : -1;
	for (n = e->nodes[e->root].child; n >= 0 && k > 0; k--)
		n = e->nodes[n].next;
	return k == 0 ? n : -1;
}

int
expr_clause_count(const struct expr *e)
{
	const struct expr_node	*root = &e->nodes[e->root];

	return root->kind == EXPR_K_AND ? root->nkids : 1;
}

const char *
expr_clause_str(const struct expr *e, int k, char *buf, size_t len)
{
	int	n = expr_clause_node(e, k);

	if (len == 0)
		return buf;
	if (n < 0)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%.*s", e->nodes[n].end - e->nodes[n].start,
		    e->src + e->nodes[n].start);
	return buf;
}
