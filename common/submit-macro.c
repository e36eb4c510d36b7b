/*
 * submit-macro.c: macros of the submit language, defined by assignments
 * and expanded when a queue statement builds its jobs.
 *
 * `$(name)` is the macro's value (empty if undefined), `$(name:default)`
 * the default if undefined.  The parser's own macros: `$(Process)` and
 * `$(ProcId)` the proc number (counted from 0 across all queue
 * statements), `$(Item)` and every variable a `queue VAR... in/from/
 * matching` names the current item's value (its references expanded in
 * turn), `$(ItemIndex)` and `$(Row)` the item's index in its list,
 * `$(Step)` the step of `queue N` for that item, `$(SUBMIT_FILE)` the
 * submit file's absolute path, `$(IsLinux)` 1, `$(IsWindows)` 0,
 * `$ENV(NAME)` the submitter's variable, `$F<flags>(name)` parts of the
 * file name a macro holds (HTCondor's filename functions), `$(DOLLAR)` a
 * `$`, and `$(Cluster)`/`$(ClusterId)` the cluster id given in the
 * options (a dry run's 1) or else the literal text `$(Cluster)`, which
 * the scheduler replaces once it knows the id.  A file may assign one of
 * them, as in condor_submit: its value then stands for the name.
 * `$INT()` and the other functions that compute are submit-func.c's.
 * `$$(attr)` and `$$([expr])` (match-time substitution) are refused.  A
 * value that refers to its own macro takes the previous value at
 * definition time (`foo = $(foo) more`), as HTCondor does; nesting deeper
 * than SUBMIT_MAX_DEPTH is "macro recursion", and one expansion follows
 * at most SUBMIT_MAX_REFS references, so a value can neither loop nor
 * blow up.  Called by submit.c (definitions), submit-kw.c and
 * submit-queue.c (expansion).
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

/*
 * Macros the parser defines itself.  As in condor_submit, a file may
 * assign one: its value then stands for the name in every expansion, and
 * a reference to the name inside that value is the parser's own
 * (`process = $(Process)`, as HTCondor's test suite writes).  A queue
 * statement's variable cannot be one.
 */
static const char *submit_macro_predef[] = {
	"process", "procid", "cluster", "clusterid", "dollar", "itemindex",
	"row", "step", "submit_file", "islinux", "iswindows"
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

/* The value of a macro the parser defines, or NULL. */
static const char *
submit_macro_auto(struct submit_parse *p, const struct submit_ref *r,
    char *num, size_t numlen, size_t *len)
{
	const char	*v = NULL;

	if (submit_macro_is(r, "process") || submit_macro_is(r, "procid"))
		snprintf(num, numlen, "%u", p->proc);
	else if (submit_macro_is(r, "itemindex") || submit_macro_is(r, "row"))
		snprintf(num, numlen, "%zu", p->item_index);
	else if (submit_macro_is(r, "step"))
		snprintf(num, numlen, "%zu", p->step);
	else if (submit_macro_is(r, "cluster") ||
	    submit_macro_is(r, "clusterid")) {
		if (p->opts->cluster != 0)
			snprintf(num, numlen, "%u", p->opts->cluster);
		else
			v = "$(Cluster)";
	} else if (submit_macro_is(r, "dollar"))
		v = "$";
	else if (submit_macro_is(r, "submit_file") && p->path != NULL)
		v = p->path;
	else if (submit_macro_is(r, "islinux"))
		v = "1";
	else if (submit_macro_is(r, "iswindows"))
		v = "0";
	else
		return NULL;
	if (v == NULL)
		v = num;
	*len = strlen(v);
	return v;
}

/* Does the flag string F (N letters) hold C? */
static int
submit_macro_flag(const char *f, size_t n, int c)
{
	return memchr(f, c, n) != NULL;
}

/*
 * $F<flags>(name): the parts of the file name NAME's value holds that the
 * flags ask for, as HTCondor's manual lists them: f the path made
 * absolute, p its directory (with the '/'), d the directory's last
 * component (with the '/' unless b), n the name without its extension,
 * x the extension (with its '.' unless b), none of p, d, n, x the whole
 * path; u and w make the separators '/' or '\\', q quotes the result
 * ('...' with a).
 */
static int
submit_macro_fname(struct submit_parse *p, const char *fl, size_t nf,
    char *val, struct submit_buf *out, int line)
{
	struct submit_buf	 r = { NULL, 0, 0 };
	const char	*base, *dot, *d;
	char		*path, *c, q;
	int		 rc = 0;

	if (submit_macro_flag(fl, nf, 'u'))
		for (c = val; *c != '\0'; c++)
			if (*c == '\\')
				*c = '/';
	path = submit_macro_flag(fl, nf, 'f') ? text_path(p->cwd, val) :
	    xstrdup(val);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		dot = base + strlen(base);
	submit_buf_add(&r, "", 0, JOBDESC_MAX_STR);
	if (!submit_macro_flag(fl, nf, 'p') &&
	    !submit_macro_flag(fl, nf, 'd') &&
	    !submit_macro_flag(fl, nf, 'n') &&
	    !submit_macro_flag(fl, nf, 'x'))
		submit_buf_add(&r, path, strlen(path), JOBDESC_MAX_STR);
	else {
		if (submit_macro_flag(fl, nf, 'p'))
			submit_buf_add(&r, path, base - path, JOBDESC_MAX_STR);
		else if (submit_macro_flag(fl, nf, 'd') && base > path) {
			for (d = base - 1; d > path && d[-1] != '/'; d--)
				;
			submit_buf_add(&r, d, base - d -
			    (submit_macro_flag(fl, nf, 'b') ? 1 : 0),
			    JOBDESC_MAX_STR);
		}
		if (submit_macro_flag(fl, nf, 'n'))
			submit_buf_add(&r, base, dot - base, JOBDESC_MAX_STR);
		if (submit_macro_flag(fl, nf, 'x') && *dot != '\0') {
			if (submit_macro_flag(fl, nf, 'b'))
				dot++;
			submit_buf_add(&r, dot, strlen(dot), JOBDESC_MAX_STR);
		}
	}
	if (submit_macro_flag(fl, nf, 'w'))
		for (c = r.s; *c != '\0'; c++)
			if (*c == '/')
				*c = '\\';
	q = submit_macro_flag(fl, nf, 'a') ? '\'' : '"';
	if ((submit_macro_flag(fl, nf, 'q') &&
	    submit_buf_add(out, &q, 1, JOBDESC_MAX_STR) == -1) ||
	    submit_buf_add(out, r.s, r.len, JOBDESC_MAX_STR) == -1 ||
	    (submit_macro_flag(fl, nf, 'q') &&
	    submit_buf_add(out, &q, 1, JOBDESC_MAX_STR) == -1))
		rc = submit_error(p, line, "value too long (limit %d bytes)",
		    JOBDESC_MAX_STR);
	free(r.s);
	free(path);
	return rc;
}

/*
 * `$ENV(NAME)` or `$F<flags>(name)` at S?  Appends its value to OUT and
 * sets *LEN to the reference's length; 0 if S starts neither.
 */
static int
submit_macro_func(struct submit_parse *p, const char *s,
    struct submit_buf *out, int depth, int line, size_t *len, int *rc)
{
	static const char	 letters[] = "fpdnxbuwqa";
	struct submit_buf	 v = { NULL, 0, 0 };
	const char	*name, *e, *flags = NULL;
	char		**ev;
	size_t		 nlen, nflags = 0;
	int		 env;

	if (s[0] != '$')
		return 0;
	if (strncmp(s + 1, "ENV(", 4) == 0)
		env = 1, name = s + 5;
	else if (s[1] == 'F' && s[2] != '\0' && strchr(letters, s[2]) != NULL) {
		env = 0;
		flags = s + 2;
		for (e = flags; *e != '\0' && strchr(letters, *e) != NULL; e++)
			;
		if (*e != '(')
			return 0;
		nflags = e - flags;
		name = e + 1;
	} else
		return 0;
	for (e = name; text_isalnum(*e) || *e == '_' || *e == '.'; e++)
		;
	if (e == name || *e != ')')
		return 0;
	nlen = e - name;
	*len = e + 1 - s;
	*rc = -1;
	if (++p->refs > SUBMIT_MAX_REFS) {
		submit_error(p, line, "macro expansion too large (over %d "
		    "references)", SUBMIT_MAX_REFS);
		return 1;
	}
	if (env) {
		for (ev = p->envp; ev != NULL && *ev != NULL; ev++) {
			if (strncmp(*ev, name, nlen) == 0 &&
			    (*ev)[nlen] == '=') {
				if (submit_buf_add(out, *ev + nlen + 1,
				    strlen(*ev + nlen + 1), JOBDESC_MAX_STR) ==
				    -1) {
					submit_error(p, line, "value too long "
					    "(limit %d bytes)",
					    JOBDESC_MAX_STR);
					return 1;
				}
				break;
			}
		}
		*rc = 0;
		return 1;
	}
	/* The file name: any macro's value, the parser's own too. */
	submit_buf_add(&v, "", 0, JOBDESC_MAX_STR);
	if (submit_macro_lookup(p, name, nlen, &v, depth, line) != -1)
		*rc = submit_macro_fname(p, flags, nflags, submit_trim(v.s),
		    out, line);
	free(v.s);
	return 1;
}

/*
 * Append the value of the macro, loop variable or parser's macro NAME
 * (LEN bytes) to OUT: 1 if it is defined, 0 if not (nothing appended),
 * -1 with the error set.  The macro functions (submit-func.c) take their
 * arguments through it.
 */
int
submit_macro_lookup(struct submit_parse *p, const char *name, size_t len,
    struct submit_buf *out, int depth, int line)
{
	struct submit_macro	*m;
	struct submit_ref	 r;
	const char		*v;
	char			 num[24];
	size_t			 vlen;

	const char		*saved;
	size_t			 i;
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.namelen = len;
	/* A loop variable: the item's text, its references expanded. */
	for (i = 0; i < p->nvars; i++) {
		if (!submit_macro_is(&r, p->vars[i]))
			continue;
		if (depth >= SUBMIT_MAX_DEPTH)
			return submit_error(p, line, "macro recursion in "
			    "$(%.*s)", (int)len, name);
		return submit_macro_expand(p, p->vals[i], out, depth + 1,
		    line) == -1 ? -1 : 1;
	}
	/* A predefined name the file assigned: its value, once deep. */
	if ((m = submit_macro_find(p, name, len)) != NULL &&
	    m->attr == NULL && p->shadow != m->name &&
	    submit_macro_reserved(m->name)) {
		if (depth >= SUBMIT_MAX_DEPTH)
			return submit_error(p, line, "macro recursion in "
			    "$(%.*s)", (int)len, name);
		saved = p->shadow;
		p->shadow = m->name;
		rc = submit_macro_expand(p, m->value, out, depth + 1, line);
		p->shadow = saved;
		return rc == -1 ? -1 : 1;
	}
	if ((v = submit_macro_auto(p, &r, num, sizeof(num), &vlen)) != NULL) {
		if (submit_buf_add(out, v, vlen, JOBDESC_MAX_STR) == -1)
			return submit_error(p, line,
			    "value too long (limit %d bytes)", JOBDESC_MAX_STR);
		return 1;
	}
	if ((m = submit_macro_find(p, name, len)) == NULL)
		return 0;
	if (depth >= SUBMIT_MAX_DEPTH)
		return submit_error(p, line, "macro recursion in $(%.*s)",
		    (int)len, name);
	if (submit_macro_expand(p, m->value, out, depth + 1, line) == -1)
		return -1;
	return 1;
}

/* Append S to OUT with its macro references expanded. */
int
submit_macro_expand(struct submit_parse *p, const char *s,
    struct submit_buf *out, int depth, int line)
{
	struct submit_ref	 r;
	const char	*lit;
	size_t		 litlen;
	int		 rc;

	while (*s != '\0') {
		if (submit_func(p, s, out, depth, line, &litlen, &rc) == 1 ||
		    submit_macro_func(p, s, out, depth, line, &litlen,
		    &rc) == 1) {
			if (rc == -1)
				return -1;
			s += litlen;
			continue;
		}
		if (s[0] == '$' && s[1] == '$') {
			if (s[2] == '(' && s[3] == '[')
				return submit_error(p, line, "cq does not "
				    "support $$([expression]) (HTCondor's "
				    "match-time expression substitution)");
			if (s[2] == '(' && submit_macro_ref(s + 1, &r))
				return submit_error(p, line, "cq does not "
				    "support $$(%.*s) (HTCondor's match-time "
				    "substitution of the machine's attributes)",
				    (int)r.namelen, r.name);
			lit = s;
			litlen = 2;
			s += 2;
		} else if (submit_macro_ref(s, &r)) {
			s += r.len;
			if (++p->refs > SUBMIT_MAX_REFS)
				return submit_error(p, line,
				    "macro expansion too large (over %d "
				    "references)", SUBMIT_MAX_REFS);
			if ((rc = submit_macro_lookup(p, r.name, r.namelen,
			    out, depth, line)) == -1)
				return -1;
			if (rc == 1)
				continue;
			lit = r.def != NULL ? r.def : "";
			litlen = r.deflen;
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
