/*
 * submit.c: the HTCondor submit language, read into job descriptions.
 *
 * submit_parse_buf() reads HTCondor's basic submit language.  A file is a
 * list of logical lines (a trailing backslash continues a line, comment
 * lines inside a continuation are skipped): blank lines, `#` comments,
 * `name = value` assignments and `queue [N]` statements.  Every assignment
 * defines a macro named by its key, case-insensitive; keywords are simply
 * the macros the keyword table below gives a meaning to, so a key that is
 * not a keyword is a user macro and not an error (as in HTCondor, a typo'd
 * keyword is silently unused).  `+Attr = value` defines a custom attribute.
 * Values stay raw until a queue statement: then, for every proc, each
 * keyword's latest value is expanded and applied in table order (initialdir
 * before the paths it anchors, getenv before environment), so settings may
 * change between queue statements and may use macros defined later.
 * Expansion: `$(name)` is the macro's value (empty if undefined),
 * `$(name:default)` the default if undefined, `$(Process)`/`$(ProcId)` the
 * proc number (counted from 0 across all queue statements), `$(DOLLAR)` a
 * `$`, and `$(Cluster)`/`$(ClusterId)` the literal text `$(Cluster)`: the
 * cluster id is unknown until the scheduler answers, so the scheduler
 * replaces that placeholder.  `$$(...)` is left alone (match-time
 * substitution).  A value that refers to its own macro takes the previous
 * value at definition time (`foo = $(foo) more`), as HTCondor does;
 * nesting deeper than SUBMIT_MAX_DEPTH is "macro recursion".  An empty
 * value means "unset".  Invariants: every path stored is absolute and
 * cleaned of `.` and `//`; argv[argc] and env[nenv] are NULL and both
 * arrays always exist; env holds unique "NAME=value" strings; all text is
 * UTF-8 without NUL (the wire is JSON, which the other side validates);
 * every size is checked against jobdesc.h's limits; on error nothing is
 * returned and the message is "FILE:LINE: what is wrong" ("FILE: ..."
 * when no line applies).  The parser touches no file other than the one
 * it reads.  Called by `cq submit`, which sends the result on with
 * jobdesc_to_json().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jobdesc.h"
#include "log.h"
#include "submit.h"
#include "text.h"
#include "xmalloc.h"

#define SUBMIT_MAX_DEPTH	32		/* nested macro references */
#define SUBMIT_MAX_REFS		10000		/* references in an expansion */
#define SUBMIT_MAX_LINE		(JOBDESC_MAX_STR + 1024)
#define SUBMIT_MAX_FILE		(16 * 1024 * 1024)
/* Assignments with distinct names: the +Attrs among them fit the wire. */
#define SUBMIT_MAX_MACROS	JOBDESC_MAX_CUSTOM

struct submit_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
};

struct submit_list {
	char	       **v;		/* NULL-terminated */
	size_t		 n;
};

struct submit_macro {
	char		*name;		/* lower case; "+attr" for +Attr */
	char		*attr;		/* +Attr as last written, or NULL */
	char		*value;		/* raw, expanded at queue time */
	int		 line;
};

struct submit_parse {
	const char	*file;
	char		*cwd;		/* absolute, cleaned */
	char	       **envp;
	struct submit_macro *macros;
	size_t		 nmacros;
	struct jobdesc	*jobs;
	size_t		 njobs;
	size_t		 jobscap;
	int		 queued;
	uint32_t	 proc;		/* while expanding */
	size_t		 refs;		/* references in this expansion */
	char		*err;
	size_t		 errlen;
};

struct submit_keyword {
	const char	*name;
	int		(*set)(struct submit_parse *, struct jobdesc *,
			    const struct submit_keyword *, const char *, int);
	size_t		 off;		/* member, for the generic setters */
	int		 unit;		/* sizes: 1 KiB, 2 MiB (default, result) */
};

/* Macros the parser defines itself; assigning them is an error. */
static const char *submit_reserved[] = {
	"process", "procid", "cluster", "clusterid", "dollar"
};

static int
submit_error(struct submit_parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
submit_error(struct submit_parse *p, int line, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* User text for an error message: escaped and truncated. */
static const char *
submit_q(char *dst, size_t dstlen, const char *s)
{
	return log_escape(dst, dstlen, s, strlen(s));
}

static int
submit_buf_add(struct submit_buf *b, const char *s, size_t n, size_t max)
{
	size_t	 cap;

	if (n > max || b->len > max - n)
		return -1;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 64 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xreallocarray(b->s, cap, 1);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static void
submit_buf_reset(struct submit_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* A string for the list; frees nothing, fails past MAX entries. */
static int
submit_list_add(struct submit_list *l, const char *s, size_t len, size_t max)
{
	if (l->n >= max)
		return -1;
	l->v = xreallocarray(l->v, l->n + 2, sizeof(*l->v));
	l->v[l->n++] = xstrndup(s, len);
	l->v[l->n] = NULL;
	return 0;
}

static void
submit_list_free(struct submit_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *
submit_trim(char *s)
{
	char	*e;

	while (text_isspace(*s))
		s++;
	e = s + strlen(s);
	while (e > s && text_isspace(e[-1]))
		e--;
	*e = '\0';
	return s;
}

/* Digits only, then strtonum: no signs, no spaces, no surprises. */
static int
submit_number(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	char		 tmp[32];
	const char	*errstr;
	size_t		 i;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++)
		if (!text_isdigit(s[i]))
			return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*out = strtonum(tmp, min, max, &errstr);
	return errstr == NULL ? 0 : -1;
}

static struct submit_macro *
submit_find(struct submit_parse *p, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < p->nmacros; i++) {
		if (strncasecmp(p->macros[i].name, name, len) == 0 &&
		    p->macros[i].name[len] == '\0')
			return &p->macros[i];
	}
	return NULL;
}

static int
submit_is_name(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!text_isalnum(s[i]) && s[i] != '_' &&
		    s[i] != '.')
			return 0;
	}
	return 1;
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
submit_ref(const char *s, struct submit_ref *r)
{
	const char	*e, *d;

	if (s[0] != '$' || s[1] != '(')
		return 0;
	for (e = s + 2; text_isalnum(*e) || *e == '_' || *e == '.';
	    e++)
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
submit_is(const struct submit_ref *r, const char *name)
{
	return strlen(name) == r->namelen &&
	    strncasecmp(r->name, name, r->namelen) == 0;
}

/* Append S to OUT with its macro references expanded. */
static int
submit_expand(struct submit_parse *p, const char *s, struct submit_buf *out,
    int depth, int line)
{
	struct submit_macro	*m;
	struct submit_ref	 r;
	char		 num[16];
	const char	*lit;
	size_t		 litlen;

	while (*s != '\0') {
		if (s[0] == '$' && s[1] == '$') {
			lit = s;
			litlen = 2;
			s += 2;
		} else if (submit_ref(s, &r)) {
			s += r.len;
			if (++p->refs > SUBMIT_MAX_REFS)
				return submit_error(p, line,
				    "macro expansion too large (over %d "
				    "references)", SUBMIT_MAX_REFS);
			if (submit_is(&r, "process") ||
			    submit_is(&r, "procid")) {
				snprintf(num, sizeof(num), "%u", p->proc);
				lit = num;
				litlen = strlen(num);
			} else if (submit_is(&r, "cluster") ||
			    submit_is(&r, "clusterid")) {
				lit = "$(Cluster)";
				litlen = strlen(lit);
			} else if (submit_is(&r, "dollar")) {
				lit = "$";
				litlen = 1;
			} else if ((m = submit_find(p, r.name,
			    r.namelen)) != NULL) {
				if (depth >= SUBMIT_MAX_DEPTH)
					return submit_error(p, line,
					    "macro recursion in $(%.*s)",
					    (int)r.namelen, r.name);
				if (submit_expand(p, m->value, out, depth + 1,
				    line) == -1)
					return -1;
				continue;
			} else {
				lit = r.def != NULL ? r.def : "";
				litlen = r.deflen;
			}
		} else {
			lit = s;
			litlen = 1;
			s++;
		}
		if (submit_buf_add(out, lit, litlen, JOBDESC_MAX_STR) == -1)
			return submit_error(p, line,
			    "value too long (limit %d bytes)", JOBDESC_MAX_STR);
	}
	return 0;
}

/*
 * Define macro KEY.  References to KEY itself take its previous value
 * now; without one they stay and fail as recursion when used.
 */
static int
submit_define(struct submit_parse *p, const char *key, const char *value,
    int line)
{
	struct submit_macro	*m;
	struct submit_buf	 b = { NULL, 0, 0 };
	struct submit_ref	 r;
	const char	*s, *name = key + (key[0] == '+');
	char		*lower;
	size_t		 i, n;

	m = submit_find(p, key, strlen(key));
	for (s = value; *s != '\0'; s += n) {
		if (m != NULL && key[0] != '+' && submit_ref(s, &r) &&
		    r.namelen == strlen(key) &&
		    strncasecmp(r.name, key, r.namelen) == 0) {
			n = r.len;
			if (submit_buf_add(&b, m->value, strlen(m->value),
			    JOBDESC_MAX_STR) == -1)
				goto toolong;
		} else {
			n = 1;
			if (submit_buf_add(&b, s, 1, JOBDESC_MAX_STR) == -1)
				goto toolong;
		}
	}
	if (b.s == NULL)
		b.s = xstrdup("");
	if (m == NULL) {
		if (p->nmacros >= SUBMIT_MAX_MACROS) {
			free(b.s);
			return submit_error(p, line, "too many assignments "
			    "(limit %d)", SUBMIT_MAX_MACROS);
		}
		p->macros = xreallocarray(p->macros, p->nmacros + 1,
		    sizeof(*p->macros));
		m = &p->macros[p->nmacros++];
		lower = xstrdup(key);
		for (i = 0; lower[i] != '\0'; i++)
			lower[i] = text_tolower(lower[i]);
		m->name = lower;
		m->attr = NULL;
		m->value = NULL;
	}
	free(m->value);
	m->value = b.s;
	m->line = line;
	if (key[0] == '+') {
		free(m->attr);
		m->attr = xstrdup(name);
	}
	return 0;

toolong:
	free(b.s);
	return submit_error(p, line, "value too long (limit %d bytes)",
	    JOBDESC_MAX_STR);
}

/* HTCondor's new syntax: strip the double quotes around VAL, "" is ". */
static int
submit_unquote(struct submit_parse *p, int line, const char *what,
    const char *val, struct submit_buf *raw)
{
	const char	*s;

	submit_buf_reset(raw);
	for (s = val + 1; *s != '\0'; s++) {
		if (*s == '"' && s[1] == '"')
			s++;
		else if (*s == '"') {
			for (s++; text_isspace(*s); s++)
				;
			if (*s != '\0')
				return submit_error(p, line, "%s: text after "
				    "the closing double quote (write \"\" for "
				    "a literal one)", what);
			if (raw->s == NULL)
				submit_buf_add(raw, "", 0, JOBDESC_MAX_STR);
			return 0;
		}
		if (submit_buf_add(raw, s, 1, JOBDESC_MAX_STR) == -1)
			return submit_error(p, line, "%s: value too long",
			    what);
	}
	return submit_error(p, line, "%s: unterminated double quote", what);
}

/*
 * Split new-syntax RAW into words: white space separates, single quotes
 * group, and '' inside single quotes is a literal quote.
 */
static int
submit_split(struct submit_parse *p, int line, const char *what,
    const char *raw, struct submit_list *out, size_t max)
{
	struct submit_buf	 tok = { NULL, 0, 0 };
	const char	*s;
	int		 intok = 0;

	for (s = raw; *s != '\0'; s++) {
		if (*s == '\'') {
			intok = 1;
			for (s++;; s++) {
				if (*s == '\0') {
					submit_error(p, line, "%s: unbalanced "
					    "single quote", what);
					goto fail;
				}
				if (*s == '\'' && s[1] == '\'')
					s++;
				else if (*s == '\'')
					break;
				submit_buf_add(&tok, s, 1, JOBDESC_MAX_STR);
			}
		} else if (text_isspace(*s)) {
			if (!intok)
				continue;
			if (submit_list_add(out, tok.len ? tok.s : "", tok.len,
			    max) == -1)
				goto toomany;
			submit_buf_reset(&tok);
			intok = 0;
		} else {
			intok = 1;
			submit_buf_add(&tok, s, 1, JOBDESC_MAX_STR);
		}
	}
	if (intok && submit_list_add(out, tok.len ? tok.s : "", tok.len,
	    max) == -1)
		goto toomany;
	free(tok.s);
	return 0;

toomany:
	submit_error(p, line, "%s: too many entries (limit %zu)", what, max);
fail:
	free(tok.s);
	return -1;
}

static int
submit_set_universe(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	 q[80];

	if (strcasecmp(val, "vanilla") != 0)
		return submit_error(p, line, "universe '%s' is not supported "
		    "(only vanilla)", submit_q(q, sizeof(q), val));
	return 0;
}

/*
 * A path member: initialdir relative to the working directory, the others
 * relative to initialdir (set before them, see the table).
 */
static int
submit_set_path(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);
	char	 *path;

	path = text_path(dst == &jd->initialdir ? p->cwd : jd->initialdir, val);
	if (strlen(path) > JOBDESC_MAX_STR) {
		free(path);
		return submit_error(p, line, "%s: path too long", kw->name);
	}
	free(*dst);
	*dst = path;
	return 0;
}

static int
submit_set_text(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);

	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

static int
submit_set_arguments(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct submit_list	 args = { NULL, 0 };
	struct submit_buf	 raw = { NULL, 0, 0 };
	const char	*s;

	if (val[0] == '"') {
		if (submit_unquote(p, line, kw->name, val, &raw) == -1 ||
		    submit_split(p, line, kw->name, raw.s, &args,
		    JOBDESC_MAX_ARGS) == -1)
			goto fail;
	} else {
		/* Old syntax: \" is a quote, a bare " an error. */
		for (s = val;; s++) {
			if (*s == '\0' || text_isspace(*s)) {
				if (raw.len > 0 && submit_list_add(&args, raw.s,
				    raw.len, JOBDESC_MAX_ARGS) == -1) {
					submit_error(p, line, "%s: too many "
					    "entries (limit %d)", kw->name,
					    JOBDESC_MAX_ARGS);
					goto fail;
				}
				submit_buf_reset(&raw);
				if (*s == '\0')
					break;
				continue;
			}
			if (*s == '"') {
				submit_error(p, line, "%s: unescaped double "
				    "quote (the old syntax wants \\\", the new "
				    "one quotes the whole value)", kw->name);
				goto fail;
			}
			if (*s == '\\' && s[1] == '"')
				s++;
			submit_buf_add(&raw, s, 1, JOBDESC_MAX_STR);
		}
	}
	free(raw.s);
	if (args.v == NULL)
		args.v = xcalloc(1, sizeof(*args.v));
	submit_list_free(&(struct submit_list){ jd->argv, jd->argc });
	jd->argv = args.v;
	jd->argc = args.n;
	return 0;

fail:
	free(raw.s);
	submit_list_free(&args);
	return -1;
}

static int
submit_set_cpus(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	long long	 n;
	char		 q[80];

	if (submit_number(val, strlen(val), 1, INT_MAX, &n) == -1)
		return submit_error(p, line, "%s: '%s' is not a positive "
		    "integer", kw->name, submit_q(q, sizeof(q), val));
	jd->request_cpus = n;
	return 0;
}

/*
 * A size: digits, optional blanks, optional K/KB/M/MB/G/GB/T/TB in any
 * case; kw->unit (1 = KiB, 2 = MiB) is both the default unit and the
 * unit stored.  Rounds up.
 */
static int
submit_set_size(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	static const char	 units[] = "KMGTkmgt";
	const char		*s, *u;
	long long		 n;
	int			 e = kw->unit, unit = kw->unit, i;
	char			 q[80];

	for (s = val; text_isdigit(*s); s++)
		;
	if (submit_number(val, s - val, 0, LLONG_MAX, &n) == -1)
		goto bad;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0') {
		if ((u = strchr(units, *s)) == NULL)
			goto bad;
		e = (u - units) % 4 + 1;
		s++;
		if (*s == 'B' || *s == 'b')
			s++;
		if (*s != '\0')
			goto bad;
	}
	for (i = e; i < unit; i++)
		n = n / 1024 + (n % 1024 != 0);
	for (i = unit; i < e; i++) {
		if (n > INT64_MAX / 1024)
			return submit_error(p, line, "%s: '%s' is too large",
			    kw->name, submit_q(q, sizeof(q), val));
		n *= 1024;
	}
	*(int64_t *)((char *)jd + kw->off) = n;
	return 0;

bad:
	return submit_error(p, line, "%s: bad size '%s' (a number, optionally "
	    "followed by K, M, G or T)", kw->name, submit_q(q, sizeof(q), val));
}

/* Set ENTRY ("NAME=value", LEN bytes) in JD's environment, replacing. */
static int
submit_env_set(struct submit_parse *p, int line, const char *what,
    struct jobdesc *jd, const char *entry, size_t len)
{
	const char	*eq;
	size_t		 i, namelen;
	char		 q[80];

	if ((eq = memchr(entry, '=', len)) == NULL) {
		char	*tmp = xstrndup(entry, len);

		submit_error(p, line, "%s: '%s' has no '='", what,
		    submit_q(q, sizeof(q), tmp));
		free(tmp);
		return -1;
	}
	if (eq == entry)
		return submit_error(p, line, "%s: empty variable name", what);
	if (len > JOBDESC_MAX_STR)
		return submit_error(p, line, "%s: variable too long (limit %d "
		    "bytes)", what, JOBDESC_MAX_STR);
	namelen = eq - entry;
	for (i = 0; i < jd->nenv; i++) {
		if (strncmp(jd->env[i], entry, namelen + 1) == 0) {
			free(jd->env[i]);
			jd->env[i] = xstrndup(entry, len);
			return 0;
		}
	}
	if (jd->nenv >= JOBDESC_MAX_ENV)
		return submit_error(p, line, "%s: too many variables (limit "
		    "%d)", what, JOBDESC_MAX_ENV);
	jd->env = xreallocarray(jd->env, jd->nenv + 2, sizeof(*jd->env));
	jd->env[jd->nenv++] = xstrndup(entry, len);
	jd->env[jd->nenv] = NULL;
	return 0;
}

static int
submit_set_getenv(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	**e, q[80];

	if (strcasecmp(val, "false") == 0 || strcasecmp(val, "no") == 0)
		return 0;
	if (strcasecmp(val, "true") != 0 && strcasecmp(val, "yes") != 0)
		return submit_error(p, line, "%s: expected true or false, not "
		    "'%s'", kw->name, submit_q(q, sizeof(q), val));
	for (e = p->envp; e != NULL && *e != NULL; e++) {
		if (**e == '=' || strchr(*e, '=') == NULL)
			continue;	/* not a variable, nothing to copy */
		if (!text_utf8(*e, strlen(*e)))
			return submit_error(p, line, "%s: '%s' is not valid "
			    "UTF-8", kw->name, submit_q(q, sizeof(q), *e));
		if (submit_env_set(p, line, kw->name, jd, *e, strlen(*e)) == -1)
			return -1;
	}
	return 0;
}

static int
submit_set_environment(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct submit_list	 ents = { NULL, 0 };
	struct submit_buf	 raw = { NULL, 0, 0 };
	const char	*s, *e = val;
	size_t		 i;

	if (val[0] == '"') {
		if (submit_unquote(p, line, kw->name, val, &raw) == -1 ||
		    submit_split(p, line, kw->name, raw.s, &ents,
		    JOBDESC_MAX_ENV) == -1)
			goto fail;
		for (i = 0; i < ents.n; i++) {
			if (submit_env_set(p, line, kw->name, jd, ents.v[i],
			    strlen(ents.v[i])) == -1)
				goto fail;
		}
	} else {
		/* Old syntax: NAME=value;NAME=value, no quoting at all. */
		for (s = val; *s != '\0'; s = *e == ';' ? e + 1 : e) {
			while (*s == ' ' || *s == '\t')
				s++;
			if ((e = strchr(s, ';')) == NULL)
				e = s + strlen(s);
			if (e == s)
				continue;
			if (submit_env_set(p, line, kw->name, jd, s,
			    e - s) == -1)
				goto fail;
		}
	}
	free(raw.s);
	submit_list_free(&ents);
	return 0;

fail:
	free(raw.s);
	submit_list_free(&ents);
	return -1;
}

#define SUBMIT_OFF(m)	offsetof(struct jobdesc, m)

/* The keywords, applied in this order for every proc. */
static const struct submit_keyword submit_keywords[] = {
	{ "universe",		submit_set_universe, 0, 0 },
	{ "initialdir",		submit_set_path, SUBMIT_OFF(initialdir), 0 },
	{ "executable",		submit_set_path, SUBMIT_OFF(executable), 0 },
	{ "arguments",		submit_set_arguments, 0, 0 },
	{ "input",		submit_set_path, SUBMIT_OFF(input), 0 },
	{ "output",		submit_set_path, SUBMIT_OFF(output), 0 },
	{ "error",		submit_set_path, SUBMIT_OFF(error), 0 },
	{ "log",		submit_set_path, SUBMIT_OFF(log), 0 },
	{ "request_cpus",	submit_set_cpus, 0, 0 },
	{ "request_memory",	submit_set_size,
	    SUBMIT_OFF(request_memory_mb), 2 },
	{ "request_disk",	submit_set_size,
	    SUBMIT_OFF(request_disk_kb), 1 },
	{ "requirements",	submit_set_text, SUBMIT_OFF(requirements), 0 },
	{ "getenv",		submit_set_getenv, 0, 0 },
	{ "environment",	submit_set_environment, 0, 0 },
};

/* A +Attr value: integer, boolean, "string" literal, or the raw text. */
static struct json_object *
submit_custom_value(const char *val)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	struct json_object *o;
	const char	*s = val;
	long long	 n;
	size_t		 len = strlen(val);

	if (*s == '-')
		s++;
	if (submit_number(s, strlen(s), 0, LLONG_MAX, &n) == 0)
		return json_object_new_int64(s == val ? n : -n);
	if (strcasecmp(val, "true") == 0)
		return json_object_new_boolean(1);
	if (strcasecmp(val, "false") == 0)
		return json_object_new_boolean(0);
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		submit_buf_add(&b, "", 0, JOBDESC_MAX_STR);
		for (s = val + 1; s < val + len - 1; s++) {
			if (*s == '"')
				break;		/* not one literal */
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\') &&
			    s + 1 < val + len - 1)
				s++;
			submit_buf_add(&b, s, 1, JOBDESC_MAX_STR);
		}
		if (s == val + len - 1) {
			o = json_object_new_string_len(b.s, (int)b.len);
			free(b.s);
			return o;
		}
		free(b.s);
	}
	return json_object_new_string(val);
}

/* Expand macro M for the current proc into OUT, trimmed. */
static int
submit_value(struct submit_parse *p, const struct submit_macro *m,
    struct submit_buf *out, char **val)
{
	submit_buf_reset(out);
	p->refs = 0;
	if (submit_expand(p, m->value, out, 0, m->line) == -1)
		return -1;
	if (out->s == NULL)
		submit_buf_add(out, "", 0, JOBDESC_MAX_STR);
	*val = submit_trim(out->s);
	return 0;
}

/* Build proc PROC from the macros as they stand at the queue on QLINE. */
static int
submit_build(struct submit_parse *p, uint32_t proc, int qline,
    struct jobdesc *jd)
{
	const struct submit_keyword	*kw;
	struct submit_macro		*m;
	struct submit_buf		 b = { NULL, 0, 0 };
	char			*val;
	size_t			 i;

	memset(jd, 0, sizeof(*jd));
	jd->proc = proc;
	jd->initialdir = xstrdup(p->cwd);
	jd->argv = xcalloc(1, sizeof(*jd->argv));
	jd->env = xcalloc(1, sizeof(*jd->env));
	jobdesc_defaults(jd);
	jd->custom = json_object_new_object();
	p->proc = proc;

	for (i = 0; i < sizeof(submit_keywords) / sizeof(submit_keywords[0]);
	    i++) {
		kw = &submit_keywords[i];
		if ((m = submit_find(p, kw->name, strlen(kw->name))) == NULL)
			continue;
		if (submit_value(p, m, &b, &val) == -1)
			goto fail;
		if (*val != '\0' && kw->set(p, jd, kw, val, m->line) == -1)
			goto fail;
	}
	for (i = 0; i < p->nmacros; i++) {
		m = &p->macros[i];
		if (m->attr == NULL)
			continue;
		if (submit_value(p, m, &b, &val) == -1)
			goto fail;
		if (*val != '\0')
			json_object_object_add(jd->custom, m->attr,
			    submit_custom_value(val));
	}
	if (jd->executable == NULL) {
		submit_error(p, qline, "no executable");
		goto fail;
	}
	free(b.s);
	return 0;

fail:
	free(b.s);
	jobdesc_free(jd);
	return -1;
}

/* `queue` or `queue N`; the place to grow `queue ... in/from/matching`. */
static int
submit_queue(struct submit_parse *p, const char *args, int line)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	struct submit_macro	 m = { NULL, NULL, (char *)args, line };
	long long	 n = 1;
	char		*val, q[80];
	size_t		 i;

	p->queued = 1;
	p->proc = (uint32_t)p->njobs;
	if (submit_value(p, &m, &b, &val) == -1)
		goto fail;
	if (*val != '\0' &&
	    submit_number(val, strlen(val), 0, JOBDESC_MAX_PROCS, &n) == -1) {
		submit_error(p, line, "queue: expected a count, not '%s'",
		    submit_q(q, sizeof(q), val));
		goto fail;
	}
	free(b.s);
	if ((size_t)n > JOBDESC_MAX_PROCS - p->njobs)
		return submit_error(p, line, "too many jobs (limit %d)",
		    JOBDESC_MAX_PROCS);
	if (p->njobs + n > p->jobscap) {
		p->jobscap = p->njobs + n;
		if (p->jobscap < p->njobs * 2)
			p->jobscap = p->njobs * 2;
		p->jobs = xreallocarray(p->jobs, p->jobscap,
		    sizeof(*p->jobs));
	}
	for (i = 0; i < (size_t)n; i++) {
		if (submit_build(p, (uint32_t)p->njobs, line,
		    &p->jobs[p->njobs]) == -1)
			return -1;
		p->njobs++;
	}
	return 0;

fail:
	free(b.s);
	return -1;
}

/* One logical line: an assignment, a queue statement or nothing. */
static int
submit_statement(struct submit_parse *p, char *s, int line)
{
	char	*eq, *key, *val, q[80];
	size_t	 i;

	while (text_isspace(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (strncasecmp(s, "queue", 5) == 0 &&
	    (s[5] == '\0' || text_isspace(s[5]))) {
		for (val = s + 5; text_isspace(*val); val++)
			;
		if (*val != '=')
			return submit_queue(p, val, line);
	}
	if ((eq = strchr(s, '=')) == NULL)
		return submit_error(p, line, "syntax error: expected 'name = "
		    "value' or 'queue'");
	*eq = '\0';
	key = submit_trim(s);
	val = submit_trim(eq + 1);
	if (key[0] == '+' ? !jobdesc_is_attr(key + 1) :
	    !submit_is_name(key, strlen(key)))
		return submit_error(p, line, "bad name '%s'",
		    submit_q(q, sizeof(q), key));
	for (i = 0; i < sizeof(submit_reserved) / sizeof(submit_reserved[0]);
	    i++) {
		if (strcasecmp(key, submit_reserved[i]) == 0)
			return submit_error(p, line, "'%s' is predefined and "
			    "cannot be assigned", key);
	}
	return submit_define(p, key, val, line);
}

/*
 * Next logical line of [*CUR, END) into LINE; *LINENO counts physical
 * lines, *START gets the first of this one.  1, 0 at the end, or -1.
 */
static int
submit_getline(struct submit_parse *p, const char **cur, const char *end,
    struct submit_buf *line, int *lineno, int *start)
{
	const char	*s, *nl, *t;
	size_t		 len;
	int		 cont = 0;

	if (*cur >= end)
		return 0;
	submit_buf_reset(line);
	submit_buf_add(line, "", 0, SUBMIT_MAX_LINE);
	*start = *lineno + 1;
	while (*cur < end) {
		s = *cur;
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		*cur = nl < end ? nl + 1 : end;
		(*lineno)++;
		len = nl - s;
		while (len > 0 && text_isspace(s[len - 1]))
			len--;
		if (cont) {
			for (t = s; t < s + len && text_isspace(*t);
			    t++)
				;
			if (t < s + len && *t == '#')
				continue;	/* comment inside a continuation */
		}
		cont = len > 0 && s[len - 1] == '\\';
		if (submit_buf_add(line, s, len - cont, SUBMIT_MAX_LINE) == -1)
			return submit_error(p, *start, "line too long "
			    "(limit %d bytes)", SUBMIT_MAX_LINE);
		if (!cont)
			break;
	}
	return 1;
}

/* Every line must be text: no NUL, valid UTF-8. */
static int
submit_check_text(struct submit_parse *p, const char *buf, size_t len)
{
	const char	*s = buf, *end = buf + len, *nl;
	int		 line;

	for (line = 1; s < end; line++, s = nl + 1) {
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		if (memchr(s, '\0', nl - s) != NULL)
			return submit_error(p, line, "NUL byte");
		if (!text_utf8(s, nl - s))
			return submit_error(p, line, "invalid UTF-8");
		if (nl == end)
			break;
	}
	return 0;
}

static void
submit_parse_free(struct submit_parse *p)
{
	size_t	 i;

	for (i = 0; i < p->nmacros; i++) {
		free(p->macros[i].name);
		free(p->macros[i].attr);
		free(p->macros[i].value);
	}
	free(p->macros);
	free(p->cwd);
}

/* Parse a submit description held in BUF; see submit.h. */
int
submit_parse_buf(const char *name, const char *buf, size_t len,
    const char *cwd, char **envp, struct jobdesc **jobs, size_t *njobs,
    char *err, size_t errlen)
{
	struct submit_parse	 p;
	struct submit_buf	 line = { NULL, 0, 0 };
	const char	*cur = buf, *end = buf + len;
	int		 lineno = 0, start, rc;

	*jobs = NULL;
	*njobs = 0;
	memset(&p, 0, sizeof(p));
	p.file = name;
	p.envp = envp;
	p.err = err;
	p.errlen = errlen;
	if (cwd == NULL || cwd[0] != '/' || !text_utf8(cwd, strlen(cwd))) {
		snprintf(err, errlen, "%s: the working directory is not "
		    "absolute UTF-8", name);
		return -1;
	}
	p.cwd = text_path("/", cwd);
	if (len > SUBMIT_MAX_FILE) {
		snprintf(err, errlen, "%s: file too large (limit %d bytes)",
		    name, SUBMIT_MAX_FILE);
		goto fail;
	}
	if (submit_check_text(&p, buf, len) == -1)
		goto fail;
	while ((rc = submit_getline(&p, &cur, end, &line, &lineno,
	    &start)) == 1)
		if (submit_statement(&p, line.s, start) == -1)
			goto fail;
	if (rc == -1)
		goto fail;
	if (!p.queued) {
		submit_error(&p, lineno > 0 ? lineno : 1, "no queue statement");
		goto fail;
	}
	log_debug("%s: %zu jobs", name, p.njobs);
	free(line.s);
	submit_parse_free(&p);
	*jobs = p.jobs;
	*njobs = p.njobs;
	return 0;

fail:
	free(line.s);
	jobdesc_free_all(p.jobs, p.njobs);
	submit_parse_free(&p);
	return -1;
}

/* Read and parse the submit description in PATH; see submit.h. */
int
submit_parse_file(const char *path, const char *cwd, char **envp,
    struct jobdesc **jobs, size_t *njobs, char *err, size_t errlen)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd, rc;

	*jobs = NULL;
	*njobs = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (len > SUBMIT_MAX_FILE) {
				snprintf(err, errlen, "%s: file too large "
				    "(limit %d bytes)", path, SUBMIT_MAX_FILE);
				goto fail;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if (cap > SUBMIT_MAX_FILE + 1)
				cap = SUBMIT_MAX_FILE + 1;
			buf = xreallocarray(buf, cap, 1);
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	rc = submit_parse_buf(path, buf, len, cwd, envp, jobs, njobs, err,
	    errlen);
	free(buf);
	return rc;

fail:
	close(fd);
	free(buf);
	return -1;
}
