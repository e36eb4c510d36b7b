/*
 * expr-int.h: the expression tree and the evaluator's internals, shared by
 * the parser and evaluator (expr.c) and the built-in functions (expr-fn.c)
 * only.  Nodes live in one array; children are a linked list of indices
 * (CHILD, then NEXT), so a chain such as a || b || c is one node with
 * three children and is evaluated by a loop, not by recursion.
 */
#ifndef CQ_EXPR_INT_H
#define CQ_EXPR_INT_H

#include "expr.h"

enum expr_kind {
	EXPR_K_LIT,	/* V */
	EXPR_K_ATTR,	/* SCOPE, NAME */
	EXPR_K_UNARY,	/* OP, one child */
	EXPR_K_CHAIN,	/* left fold; each child after the first has LOP */
	EXPR_K_AND,	/* && over the children */
	EXPR_K_OR,	/* || over the children */
	EXPR_K_COND,	/* c ? a : b */
	EXPR_K_ELVIS,	/* c ?: b */
	EXPR_K_CALL,	/* FN over the children */
	EXPR_K_LIST	/* { ... }: only as some functions' argument */
};

enum expr_op {
	EXPR_OP_NONE,
	EXPR_OP_ADD, EXPR_OP_SUB, EXPR_OP_MUL, EXPR_OP_DIV, EXPR_OP_MOD,
	EXPR_OP_EQ, EXPR_OP_NE, EXPR_OP_IS, EXPR_OP_ISNT,
	EXPR_OP_LT, EXPR_OP_LE, EXPR_OP_GT, EXPR_OP_GE,
	EXPR_OP_NEG, EXPR_OP_PLUS, EXPR_OP_NOT
};

struct expr_node {
	struct expr_value	 v;
	char			*name;
	void			*re;		/* regexp(): compiled literal */
	int			 child;		/* first child, -1 if none */
	int			 next;		/* next sibling, -1 if none */
	int			 fn;		/* EXPR_K_CALL: expr-fn.c index */
	int			 col;		/* 1-based source column */
	int			 start, end;	/* source bytes [start, end) */
	int			 depth;		/* 1 + deepest child */
	int			 nkids;
	unsigned char		 kind;
	unsigned char		 op;		/* UNARY */
	unsigned char		 lop;		/* in a CHAIN: op to the left */
	unsigned char		 scope;
};

struct expr {
	struct expr_node	*nodes;
	int			 n;
	int			 cap;
	int			 root;
	char			*src;
};

/* One evaluation in progress. */
struct expr_ctx {
	const struct expr	*e;
	const struct expr_env	*env;
	int64_t			 now;		/* -1 until time() is needed */
	const struct expr_node	*call;		/* the eager function called */
};

void	expr_eval_node(struct expr_ctx *, int, struct expr_value *);
/* The node of top-level clause K (expr.c), or -1. */
int	expr_clause_node(const struct expr *, int k);
int64_t	expr_ctx_now(struct expr_ctx *);

/* Value helpers (expr.c). */
void	expr_set_undef(struct expr_value *);
void	expr_set_error(struct expr_value *);
void	expr_set_bool(struct expr_value *, int);
void	expr_set_int(struct expr_value *, int64_t);
void	expr_set_real(struct expr_value *, double);
void	expr_set_str(struct expr_value *, char *);	/* takes ownership */
/* A comparison operator over two values (==, <, =?= ...). */
void	expr_compare(int op, const struct expr_value *,
	    const struct expr_value *, struct expr_value *);
/* Format a real so that it reads back as a real. */
void	expr_real_fmt(double, char *, size_t);

/* Built-in functions (expr-fn.c). */
int	expr_fn_find(const char *name, int *minargs, int *maxargs);
const char *expr_fn_name(int);
int	expr_fn_list_ok(int fn, int argno);
int	expr_fn_prepare(struct expr *, int, char *, size_t);
void	expr_fn_release(struct expr_node *);
void	expr_fn_call(struct expr_ctx *, const struct expr_node *,
	    struct expr_value *);

#endif
