/*
 * expr.h: a small ClassAd-like expression language (docs/expressions.md),
 * for `cq q/rm -constraint`, job and machine requirements and rank, and
 * periodic policies.  expr_parse() turns bounded source text into an
 * immutable tree; expr_eval() evaluates it against attribute values that
 * a lookup function supplies.  Evaluation is total: every expression gives
 * a value, possibly UNDEFINED or ERROR, never a crash, and its cost is
 * bounded by the tree's size.
 *
 * Attribute names are case-insensitive: a lookup function must find
 * "RequestMemory", "requestmemory" and "REQUESTMEMORY" alike, so the ad a
 * constraint sees should not hold two names differing only in case.
 */
#ifndef CQ_EXPR_H
#define CQ_EXPR_H

#include <stddef.h>
#include <stdint.h>

#define EXPR_MAX_SOURCE	(64 * 1024)	/* bytes of source text */
#define EXPR_MAX_DEPTH	200		/* nesting of the tree */
#define EXPR_MAX_NODES	16384		/* nodes of the tree */
#define EXPR_MAX_STRING	(1024 * 1024)	/* a string built by a function */

enum expr_type {
	EXPR_UNDEFINED,
	EXPR_ERROR,
	EXPR_BOOL,
	EXPR_INT,
	EXPR_REAL,
	EXPR_STRING
};

/* A value; only the member of its type is meaningful.  S is owned. */
struct expr_value {
	enum expr_type	 type;
	int		 b;
	int64_t		 i;
	double		 r;
	char		*s;
};

struct expr;	/* a parsed expression: immutable, may be shared */

/* Attribute scopes. */
#define EXPR_SCOPE_NONE		0
#define EXPR_SCOPE_MY		1
#define EXPR_SCOPE_TARGET	2

/*
 * Attribute lookup: SCOPE is EXPR_SCOPE_*, NAME as written in the source.
 * Fill *OUT (a string is a fresh allocation the evaluator frees) and
 * return 0, or return -1 for "no such attribute" (UNDEFINED).
 */
typedef int (*expr_lookup_fn)(void *arg, int scope, const char *name,
	    struct expr_value *out);

/* What an evaluation sees: attributes and the time for time(). */
struct expr_env {
	expr_lookup_fn	 lookup;	/* NULL: every attribute undefined */
	void		*arg;
	int64_t		 now;		/* epoch seconds; < 0: the real clock */
};

/* Parse SRC.  NULL and ERR = "column N: what is wrong" on error. */
struct expr	*expr_parse(const char *src, char *err, size_t errlen);
void		 expr_free(struct expr *);
/* The source text the expression was parsed from (borrowed). */
const char	*expr_source(const struct expr *);

/* Evaluate; always fills *OUT (the caller calls expr_value_clear). */
void	expr_eval(const struct expr *, expr_lookup_fn, void *arg,
	    struct expr_value *out);
/* The same with an explicit environment (a fixed clock for tests). */
void	expr_eval_env(const struct expr *, const struct expr_env *,
	    struct expr_value *out);
void	expr_value_clear(struct expr_value *);
/* OUT becomes a copy of V, a string its own (free with the above). */
void	expr_value_copy(struct expr_value *out, const struct expr_value *v);

struct json_object;
/*
 * Evaluate with attributes from JSON objects (case-insensitive keys; MY.
 * and unscoped names look in MY first then TARGET; TARGET. only in
 * TARGET; either may be NULL).  JSON int/double/string/boolean/null map
 * to INT/REAL/STRING/BOOL/UNDEFINED; arrays and objects to ERROR.
 */
void	expr_eval_json(const struct expr *, struct json_object *my,
	    struct json_object *target, struct expr_value *out);
/* JSON V (NULL: undefined) as a value, mapped as above, into OUT. */
void	expr_value_from_json(struct json_object *v, struct expr_value *out);
/* V as JSON for BOOL, INT, REAL and STRING; NULL for the others. */
struct json_object *expr_value_json(const struct expr_value *v);
/* The same with a fixed clock: NOW epoch seconds for time(). */
void	expr_eval_json_at(const struct expr *, struct json_object *my,
	    struct json_object *target, int64_t now, struct expr_value *out);

/* Every attribute reference, in source order, repeats included (the
   attributes a match depends on). */
typedef void (*expr_attr_fn)(void *arg, int scope, const char *name);
void	expr_attrs(const struct expr *, expr_attr_fn, void *arg);

/*
 * Clauses: the operands of a top-level a && b && c (one clause if the
 * expression is not such a chain), to tell which one rejects a match.
 * The text is the clause's source (parentheses kept); out of range: "".
 */
int		 expr_clause_count(const struct expr *);
const char	*expr_clause_str(const struct expr *, int k, char *buf,
		    size_t len);
/* Evaluate clause K alone (out of range: ERROR). */
void		 expr_clause_eval(const struct expr *, int k,
		    const struct expr_env *, struct expr_value *out);

/* 1 if V is boolean true (or a nonzero number, as ClassAd's requirements
   treat it), else 0. */
int		 expr_is_true(const struct expr_value *v);
/* The value printed ClassAd-style (strings quoted), into BUF. */
const char	*expr_value_str(const struct expr_value *v, char *buf,
		    size_t len);
/* The name of a type: "undefined", "error", "boolean", ... */
const char	*expr_type_str(enum expr_type);

#endif
