/*
 * submit-macro.c: macros of the submit language, defined by assignments
 * and expanded when a queue statement builds its jobs.
 *
 * `$(name)` is the macro's value (empty if undefined), `$(name:default)`
 * the default if undefined.  The parser's own macros: `$(Process)` and
 * `$(ProcId)` the proc number (counted from 0 across all queue
 * statements), `$(Item)` and every variable a `queue VAR... in/from/
 * matching` names the current item's value, `$(ItemIndex)` and `$(Row)`
 * the item's index in its list, `$(Step)` the step of `queue N` for that
 * item, `$(DOLLAR)` a `$`, and `$(Cluster)`/`$(ClusterId)` the literal
 * text `$(Cluster)`: the cluster id is unknown until the scheduler
 * answers, so the scheduler replaces that placeholder.  `$$(attr)` is
 * left alone (match-time substitution); `$$([expr])` is refused until
 * the expression language exists.  A value that refers to its own macro
 * takes the previous value at definition time (`foo = $(foo) more`), as
 * HTCondor does; nesting deeper than SUBMIT_MAX_DEPTH is "macro
 * recursion", and one expansion follows at most SUBMIT_MAX_REFS
 * references, so a value can neither loop nor blow up.  Called by
 * submit.c (definitions), submit-kw.c and submit-queue.c (expansion).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jobdesc.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

/* Macros the parser defines itself; assigning them is an error. */
static const char *submit_macro_predef[] = {
	"process", "procid", "cluster", "clusterid", "dollar", "itemindex",
	"row", "step"
};

int
submit_macro_reserved(const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(submit_macro_predef) /
	    sizeof(submit_macro_predef[0]); i++) {
		if (strcasecmp(key, submit_macro_predef[i]) == 0)
			return 1;
	}
	return 0;
}

struct submit_macro *
submit_macro_find(struct submit_parse *p, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < p->nmacros; i++) {
		if (strncasecmp(p->macros[i].name, name, len) == 0 &&
		    p->macros[i].name[len] == '\0')
			return &p->macros[i];
	}
	return NULL;
}

struct submit_ref {
	const char	*name;
	size_t		 namelen;
	const char	*def;		/* NULL: no default */
	size_t		 deflen;
	size_t		 len;		/* of the whole reference */
};

/* Does S start "$(name)" or "$(name:default)"?  Otherwise it is text. */
static int
submit_macro_ref(const char *s, struct submit_ref *r)
{
	const char	*e, *d;

	if (s[0] != '$' || s[1] != '(')
		return 0;
	for (e = s + 2; text_isalnum(*e) || *e == '_' || *e == '.'; e++)
		;
	if (e == s + 2)
		return 0;
	r->name = s + 2;
	r->namelen = e - r->name;
	r->def = NULL;
	r->deflen = 0;
	if (*e == ':') {
		/* Stopping at '$' keeps scanning linear in the line. */
		d = e + 1 + strcspn(e + 1, ")$");
		if (*d != ')')
			return 0;
		r->def = e + 1;
		r->deflen = d - r->def;
		e = d;
	}
	if (*e != ')')
		return 0;
	r->len = e + 1 - s;
	return 1;
}

static int
submit_macro_is(const struct submit_ref *r, const char *name)
{
	return strlen(name) == r->namelen &&
	    strncasecmp(r->name, name, r->namelen) == 0;
}

/* The value of a loop variable or a number the parser defines, or NULL. */
static const char *
submit_macro_auto(struct submit_parse *p, const struct submit_ref *r,
    char *num, size_t numlen, size_t *len)
{
	const char	*v = NULL;
	size_t		 i;

	for (i = 0; i < p->nvars; i++) {
		if (submit_macro_is(r, p->vars[i])) {
			v = p->vals[i];
			*len = strlen(v);
			return v;
		}
	}
	if (submit_macro_is(r, "process") || submit_macro_is(r, "procid"))
		snprintf(num, numlen, "%u", p->proc);
	else if (submit_macro_is(r, "itemindex") || submit_macro_is(r, "row"))
		snprintf(num, numlen, "%zu", p->item_index);
	else if (submit_macro_is(r, "step"))
		snprintf(num, numlen, "%zu", p->step);
	else if (submit_macro_is(r, "cluster") ||
	    submit_macro_is(r, "clusterid"))
		v = "$(Cluster)";
	else if (submit_macro_is(r, "dollar"))
		v = "$";
	else
		return NULL;
	if (v == NULL)
		v = num;
	*len = strlen(v);
	return v;
}

/* Append S to OUT with its macro references expanded. */
int
submit_macro_expand(struct submit_parse *p, const char *s,
    struct submit_buf *out, int depth, int line)
{
	struct submit_macro	*m;
	struct submit_ref	 r;
	char		 num[24];
	const char	*lit;
	size_t		 litlen;

	while (*s != '\0') {
		if (s[0] == '$' && s[1] == '$') {
			if (s[2] == '(' && s[3] == '[')
				return submit_error(p, line, "$$([...]) "
				    "expressions are not supported yet");
			lit = s;
			litlen = 2;
			s += 2;
		} else if (submit_macro_ref(s, &r)) {
			s += r.len;
			if (++p->refs > SUBMIT_MAX_REFS)
				return submit_error(p, line,
				    "macro expansion too large (over %d "
				    "references)", SUBMIT_MAX_REFS);
			if ((lit = submit_macro_auto(p, &r, num, sizeof(num),
			    &litlen)) != NULL)
				;
			else if ((m = submit_macro_find(p, r.name,
			    r.namelen)) != NULL) {
				if (depth >= SUBMIT_MAX_DEPTH)
					return submit_error(p, line,
					    "macro recursion in $(%.*s)",
					    (int)r.namelen, r.name);
				if (submit_macro_expand(p, m->value, out,
				    depth + 1, line) == -1)
					return -1;
				continue;
			} else {
				lit = r.def != NULL ? r.def : "";
				litlen = r.deflen;
			}
		} else {
			/* Plain text up to the next '$' in one piece. */
			lit = s;
			litlen = s[0] == '$' ? 1 : strcspn(s, "$");
			s += litlen;
		}
		if (submit_buf_add(out, lit, litlen, JOBDESC_MAX_STR) == -1)
			return submit_error(p, line,
			    "value too long (limit %d bytes)", JOBDESC_MAX_STR);
	}
	return 0;
}

/* Expand VALUE (defined on LINE) for the current proc into OUT, trimmed. */
int
submit_macro_value(struct submit_parse *p, const char *value, int line,
    struct submit_buf *out, char **val)
{
	submit_buf_reset(out);
	p->refs = 0;
	if (submit_macro_expand(p, value, out, 0, line) == -1)
		return -1;
	if (out->s == NULL)
		submit_buf_add(out, "", 0, JOBDESC_MAX_STR);
	*val = submit_trim(out->s);
	return 0;
}

/*
 * Define macro KEY.  References to KEY itself take its previous value
 * now; without one they stay and fail as recursion when used.  `+Attr`
 * and `My.Attr` are one custom attribute, named "+attr" here.
 */
int
submit_macro_define(struct submit_parse *p, const char *key,
    const char *value, int line)
{
	struct submit_macro	*m;
	struct submit_buf	 b = { NULL, 0, 0 };
	struct submit_ref	 r;
	const char	*s, *attr = NULL;
	char		*lower;
	size_t		 i, n;

	if (key[0] == '+')
		attr = key + 1;
	else if (strncasecmp(key, "my.", 3) == 0)
		attr = key + 3;
	if (attr != NULL)
		xasprintf(&lower, "+%s", attr);
	else
		lower = xstrdup(key);
	for (i = 0; lower[i] != '\0'; i++)
		lower[i] = text_tolower(lower[i]);
	m = submit_macro_find(p, lower, strlen(lower));
	for (s = value; *s != '\0'; s += n) {
		if (m != NULL && attr == NULL && submit_macro_ref(s, &r) &&
		    r.namelen == strlen(key) &&
		    strncasecmp(r.name, key, r.namelen) == 0) {
			n = r.len;
			if (submit_buf_add(&b, m->value, strlen(m->value),
			    JOBDESC_MAX_STR) == -1)
				goto toolong;
		} else {
			n = s[0] == '$' ? 1 : strcspn(s, "$");
			if (submit_buf_add(&b, s, n, JOBDESC_MAX_STR) == -1)
				goto toolong;
		}
	}
	if (b.s == NULL)
		b.s = xstrdup("");
	if (m == NULL) {
		if (p->nmacros >= SUBMIT_MAX_MACROS) {
			free(b.s);
			free(lower);
			return submit_error(p, line, "too many assignments "
			    "(limit %d)", SUBMIT_MAX_MACROS);
		}
		p->macros = xreallocarray(p->macros, p->nmacros + 1,
		    sizeof(*p->macros));
		m = &p->macros[p->nmacros++];
		m->name = lower;
		m->attr = NULL;
		m->value = NULL;
	} else
		free(lower);
	free(m->value);
	m->value = b.s;
	m->line = line;
	if (attr != NULL) {
		free(m->attr);
		m->attr = xstrdup(attr);
	}
	return 0;

toolong:
	free(b.s);
	free(lower);
	return submit_error(p, line, "value too long (limit %d bytes)",
	    JOBDESC_MAX_STR);
}
