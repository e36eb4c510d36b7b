/*
 * jobdesc.c: the submit language and the wire form of a job description.
 *
 * jobdesc_parse_buf() reads HTCondor's basic submit language.  A file is a
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
 * nesting deeper than JD_MAX_DEPTH is "macro recursion".  An empty value
 * means "unset".  Invariants: every path stored is absolute and cleaned of
 * `.` and `//`; argv[argc] and env[nenv] are NULL and both arrays always
 * exist; env holds unique "NAME=value" strings; all text is UTF-8 without
 * NUL (the wire is JSON, which the other side validates); every size is
 * checked against jobdesc.h's limits; on error nothing is returned and the
 * message is "FILE:LINE: what is wrong" ("FILE: ..." when no line applies).
 * The parser touches no file other than the one it reads.  Called by
 * `cq submit` (the parsers and jobdesc_to_json) and by the scheduler and
 * the agent (the strict jobdesc_from_json on what arrives over the wire).
 */
#include "config.h"

#include <sys/stat.h>

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
#include "jsonx.h"
#include "log.h"
#include "xmalloc.h"

#define JD_MAX_DEPTH	32		/* nested macro references */
#define JD_MAX_MACROS	4096		/* assignments with distinct names */
#define JD_MAX_REFS	10000		/* references in one expansion */
#define JD_MAX_LINE	(JOBDESC_MAX_STR + 1024)
#define JD_MAX_FILE	(16 * 1024 * 1024)
#define JD_DEFAULT_PATH	"/usr/bin:/bin"

struct jd_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
};

struct jd_list {
	char	       **v;		/* NULL-terminated */
	size_t		 n;
};

struct jd_macro {
	char		*name;		/* lower case; "+attr" for +Attr */
	char		*attr;		/* +Attr as last written, or NULL */
	char		*value;		/* raw, expanded at queue time */
	int		 line;
};

struct jd_parse {
	const char	*file;
	char		*cwd;		/* absolute, cleaned */
	char	       **envp;
	struct jd_macro	*macros;
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

struct jd_keyword {
	const char	*name;
	int		(*set)(struct jd_parse *, struct jobdesc *,
			    const struct jd_keyword *, const char *, int);
	size_t		 off;		/* member, for the generic setters */
	int		 unit;		/* sizes: 1 KiB, 2 MiB (default, result) */
};

/* Macros the parser defines itself; assigning them is an error. */
static const char *jd_reserved[] = {
	"process", "procid", "cluster", "clusterid", "dollar"
};

/*
 * ASCII classes: a caller's setlocale() must not turn a byte of a UTF-8
 * sequence into white space.
 */
static int
jd_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
jd_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
jd_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
jd_isalnum(int c)
{
	return jd_isalpha(c) || jd_isdigit(c);
}

static int
jd_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Strict UTF-8: the wire is JSON, which the other side validates. */
static int
jd_utf8(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	uint32_t		 c;

	while (i < len) {
		if ((c = s[i]) < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, c &= 0x07;
		else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int
jd_error(struct jd_parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
jd_error(struct jd_parse *p, int line, const char *fmt, ...)
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
jd_q(char *dst, size_t dstlen, const char *s)
{
	return log_escape(dst, dstlen, s, strlen(s));
}

static int
jd_buf_add(struct jd_buf *b, const char *s, size_t n, size_t max)
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
jd_buf_reset(struct jd_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* A string for the list; frees nothing, fails past MAX entries. */
static int
jd_list_add(struct jd_list *l, const char *s, size_t len, size_t max)
{
	if (l->n >= max)
		return -1;
	l->v = xreallocarray(l->v, l->n + 2, sizeof(*l->v));
	l->v[l->n++] = xstrndup(s, len);
	l->v[l->n] = NULL;
	return 0;
}

static void
jd_list_free(struct jd_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *
jd_trim(char *s)
{
	char	*e;

	while (jd_isspace(*s))
		s++;
	e = s + strlen(s);
	while (e > s && jd_isspace(e[-1]))
		e--;
	*e = '\0';
	return s;
}

/* DIR/REL (or REL if absolute), without empty and "." components. */
static char *
jd_path(const char *dir, const char *rel)
{
	char		*joined, *out;
	const char	*s, *e;
	size_t		 o = 0, n;

	if (rel[0] == '/')
		joined = xstrdup(rel);
	else
		xasprintf(&joined, "%s/%s", dir, rel);
	out = xmalloc(strlen(joined) + 2);
	for (s = joined; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		n = e - s;
		if (n == 1 && s[0] == '.')
			continue;
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(joined);
	return out;
}

/* Digits only, then strtonum: no signs, no spaces, no surprises. */
static int
jd_number(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	char		 tmp[32];
	const char	*errstr;
	size_t		 i;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++)
		if (!jd_isdigit(s[i]))
			return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*out = strtonum(tmp, min, max, &errstr);
	return errstr == NULL ? 0 : -1;
}

static struct jd_macro *
jd_find(struct jd_parse *p, const char *name, size_t len)
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
jd_is_name(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!jd_isalnum(s[i]) && s[i] != '_' &&
		    s[i] != '.')
			return 0;
	}
	return 1;
}

/* A custom attribute name: a ClassAd identifier. */
static int
jd_is_attr(const char *s)
{
	if (!jd_isalpha(*s) && *s != '_')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!jd_isalnum(*s) && *s != '_')
			return 0;
	return 1;
}

struct jd_ref {
	const char	*name;
	size_t		 namelen;
	const char	*def;		/* NULL: no default */
	size_t		 deflen;
	size_t		 len;		/* of the whole reference */
};

/* Does S start "$(name)" or "$(name:default)"?  Otherwise it is text. */
static int
jd_ref(const char *s, struct jd_ref *r)
{
	const char	*e, *d;

	if (s[0] != '$' || s[1] != '(')
		return 0;
	for (e = s + 2; jd_isalnum(*e) || *e == '_' || *e == '.';
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
jd_is(const struct jd_ref *r, const char *name)
{
	return strlen(name) == r->namelen &&
	    strncasecmp(r->name, name, r->namelen) == 0;
}

/* Append S to OUT with its macro references expanded. */
static int
jd_expand(struct jd_parse *p, const char *s, struct jd_buf *out, int depth,
    int line)
{
	struct jd_macro	*m;
	struct jd_ref	 r;
	char		 num[16];
	const char	*lit;
	size_t		 litlen;

	while (*s != '\0') {
		if (s[0] == '$' && s[1] == '$') {
			lit = s;
			litlen = 2;
			s += 2;
		} else if (jd_ref(s, &r)) {
			s += r.len;
			if (++p->refs > JD_MAX_REFS)
				return jd_error(p, line,
				    "macro expansion too large (over %d "
				    "references)", JD_MAX_REFS);
			if (jd_is(&r, "process") || jd_is(&r, "procid")) {
				snprintf(num, sizeof(num), "%u", p->proc);
				lit = num;
				litlen = strlen(num);
			} else if (jd_is(&r, "cluster") ||
			    jd_is(&r, "clusterid")) {
				lit = "$(Cluster)";
				litlen = strlen(lit);
			} else if (jd_is(&r, "dollar")) {
				lit = "$";
				litlen = 1;
			} else if ((m = jd_find(p, r.name, r.namelen)) != NULL) {
				if (depth >= JD_MAX_DEPTH)
					return jd_error(p, line,
					    "macro recursion in $(%.*s)",
					    (int)r.namelen, r.name);
				if (jd_expand(p, m->value, out, depth + 1,
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
		if (jd_buf_add(out, lit, litlen, JOBDESC_MAX_STR) == -1)
			return jd_error(p, line,
			    "value too long (limit %d bytes)", JOBDESC_MAX_STR);
	}
	return 0;
}

/*
 * Define macro KEY.  References to KEY itself take its previous value
 * now; without one they stay and fail as recursion when used.
 */
static int
jd_define(struct jd_parse *p, const char *key, const char *value, int line)
{
	struct jd_macro	*m;
	struct jd_buf	 b = { NULL, 0, 0 };
	struct jd_ref	 r;
	const char	*s, *name = key + (key[0] == '+');
	char		*lower;
	size_t		 i, n;

	m = jd_find(p, key, strlen(key));
	for (s = value; *s != '\0'; s += n) {
		if (m != NULL && key[0] != '+' && jd_ref(s, &r) &&
		    r.namelen == strlen(key) &&
		    strncasecmp(r.name, key, r.namelen) == 0) {
			n = r.len;
			if (jd_buf_add(&b, m->value, strlen(m->value),
			    JOBDESC_MAX_STR) == -1)
				goto toolong;
		} else {
			n = 1;
			if (jd_buf_add(&b, s, 1, JOBDESC_MAX_STR) == -1)
				goto toolong;
		}
	}
	if (b.s == NULL)
		b.s = xstrdup("");
	if (m == NULL) {
		if (p->nmacros >= JD_MAX_MACROS) {
			free(b.s);
			return jd_error(p, line, "too many assignments "
			    "(limit %d)", JD_MAX_MACROS);
		}
		p->macros = xreallocarray(p->macros, p->nmacros + 1,
		    sizeof(*p->macros));
		m = &p->macros[p->nmacros++];
		lower = xstrdup(key);
		for (i = 0; lower[i] != '\0'; i++)
			lower[i] = jd_tolower(lower[i]);
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
	return jd_error(p, line, "value too long (limit %d bytes)",
	    JOBDESC_MAX_STR);
}

/* HTCondor's new syntax: strip the double quotes around VAL, "" is ". */
static int
jd_unquote(struct jd_parse *p, int line, const char *what, const char *val,
    struct jd_buf *raw)
{
	const char	*s;

	jd_buf_reset(raw);
	for (s = val + 1; *s != '\0'; s++) {
		if (*s == '"' && s[1] == '"')
			s++;
		else if (*s == '"') {
			for (s++; jd_isspace(*s); s++)
				;
			if (*s != '\0')
				return jd_error(p, line, "%s: text after the "
				    "closing double quote (write \"\" for a "
				    "literal one)", what);
			if (raw->s == NULL)
				jd_buf_add(raw, "", 0, JOBDESC_MAX_STR);
			return 0;
		}
		if (jd_buf_add(raw, s, 1, JOBDESC_MAX_STR) == -1)
			return jd_error(p, line, "%s: value too long", what);
	}
	return jd_error(p, line, "%s: unterminated double quote", what);
}

/*
 * Split new-syntax RAW into words: white space separates, single quotes
 * group, and '' inside single quotes is a literal quote.
 */
static int
jd_split(struct jd_parse *p, int line, const char *what, const char *raw,
    struct jd_list *out, size_t max)
{
	struct jd_buf	 tok = { NULL, 0, 0 };
	const char	*s;
	int		 intok = 0;

	for (s = raw; *s != '\0'; s++) {
		if (*s == '\'') {
			intok = 1;
			for (s++;; s++) {
				if (*s == '\0') {
					jd_error(p, line, "%s: unbalanced "
					    "single quote", what);
					goto fail;
				}
				if (*s == '\'' && s[1] == '\'')
					s++;
				else if (*s == '\'')
					break;
				jd_buf_add(&tok, s, 1, JOBDESC_MAX_STR);
			}
		} else if (jd_isspace(*s)) {
			if (!intok)
				continue;
			if (jd_list_add(out, tok.len ? tok.s : "", tok.len,
			    max) == -1)
				goto toomany;
			jd_buf_reset(&tok);
			intok = 0;
		} else {
			intok = 1;
			jd_buf_add(&tok, s, 1, JOBDESC_MAX_STR);
		}
	}
	if (intok && jd_list_add(out, tok.len ? tok.s : "", tok.len,
	    max) == -1)
		goto toomany;
	free(tok.s);
	return 0;

toomany:
	jd_error(p, line, "%s: too many entries (limit %zu)", what, max);
fail:
	free(tok.s);
	return -1;
}

static int
jd_set_universe(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	char	 q[80];

	if (strcasecmp(val, "vanilla") != 0)
		return jd_error(p, line, "universe '%s' is not supported "
		    "(only vanilla)", jd_q(q, sizeof(q), val));
	return 0;
}

/*
 * A path member: initialdir relative to the working directory, the others
 * relative to initialdir (set before them, see the table).
 */
static int
jd_set_path(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);
	char	 *path;

	path = jd_path(dst == &jd->initialdir ? p->cwd : jd->initialdir, val);
	if (strlen(path) > JOBDESC_MAX_STR) {
		free(path);
		return jd_error(p, line, "%s: path too long", kw->name);
	}
	free(*dst);
	*dst = path;
	return 0;
}

static int
jd_set_text(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);

	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

static int
jd_set_arguments(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	struct jd_list	 args = { NULL, 0 };
	struct jd_buf	 raw = { NULL, 0, 0 };
	const char	*s;

	if (val[0] == '"') {
		if (jd_unquote(p, line, kw->name, val, &raw) == -1 ||
		    jd_split(p, line, kw->name, raw.s, &args,
		    JOBDESC_MAX_ARGS) == -1)
			goto fail;
	} else {
		/* Old syntax: \" is a quote, a bare " an error. */
		for (s = val;; s++) {
			if (*s == '\0' || jd_isspace(*s)) {
				if (raw.len > 0 && jd_list_add(&args, raw.s,
				    raw.len, JOBDESC_MAX_ARGS) == -1) {
					jd_error(p, line, "%s: too many entries "
					    "(limit %d)", kw->name,
					    JOBDESC_MAX_ARGS);
					goto fail;
				}
				jd_buf_reset(&raw);
				if (*s == '\0')
					break;
				continue;
			}
			if (*s == '"') {
				jd_error(p, line, "%s: unescaped double quote "
				    "(the old syntax wants \\\", the new one "
				    "quotes the whole value)", kw->name);
				goto fail;
			}
			if (*s == '\\' && s[1] == '"')
				s++;
			jd_buf_add(&raw, s, 1, JOBDESC_MAX_STR);
		}
	}
	free(raw.s);
	if (args.v == NULL)
		args.v = xcalloc(1, sizeof(*args.v));
	jd_list_free(&(struct jd_list){ jd->argv, jd->argc });
	jd->argv = args.v;
	jd->argc = args.n;
	return 0;

fail:
	free(raw.s);
	jd_list_free(&args);
	return -1;
}

static int
jd_set_cpus(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	long long	 n;
	char		 q[80];

	if (jd_number(val, strlen(val), 1, INT_MAX, &n) == -1)
		return jd_error(p, line, "%s: '%s' is not a positive integer",
		    kw->name, jd_q(q, sizeof(q), val));
	jd->request_cpus = n;
	return 0;
}

/*
 * A size: digits, optional blanks, optional K/KB/M/MB/G/GB/T/TB in any
 * case; kw->unit (1 = KiB, 2 = MiB) is both the default unit and the
 * unit stored.  Rounds up.
 */
static int
jd_set_size(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	static const char	 units[] = "KMGTkmgt";
	const char		*s, *u;
	long long		 n;
	int			 e = kw->unit, unit = kw->unit, i;
	char			 q[80];

	for (s = val; jd_isdigit(*s); s++)
		;
	if (jd_number(val, s - val, 0, LLONG_MAX, &n) == -1)
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
			return jd_error(p, line, "%s: '%s' is too large",
			    kw->name, jd_q(q, sizeof(q), val));
		n *= 1024;
	}
	*(int64_t *)((char *)jd + kw->off) = n;
	return 0;

bad:
	return jd_error(p, line, "%s: bad size '%s' (a number, optionally "
	    "followed by K, M, G or T)", kw->name, jd_q(q, sizeof(q), val));
}

/* Set ENTRY ("NAME=value", LEN bytes) in JD's environment, replacing. */
static int
jd_env_set(struct jd_parse *p, int line, const char *what,
    struct jobdesc *jd, const char *entry, size_t len)
{
	const char	*eq;
	size_t		 i, namelen;
	char		 q[80];

	if ((eq = memchr(entry, '=', len)) == NULL) {
		char	*tmp = xstrndup(entry, len);

		jd_error(p, line, "%s: '%s' has no '='", what,
		    jd_q(q, sizeof(q), tmp));
		free(tmp);
		return -1;
	}
	if (eq == entry)
		return jd_error(p, line, "%s: empty variable name", what);
	if (len > JOBDESC_MAX_STR)
		return jd_error(p, line, "%s: variable too long (limit %d "
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
		return jd_error(p, line, "%s: too many variables (limit %d)",
		    what, JOBDESC_MAX_ENV);
	jd->env = xreallocarray(jd->env, jd->nenv + 2, sizeof(*jd->env));
	jd->env[jd->nenv++] = xstrndup(entry, len);
	jd->env[jd->nenv] = NULL;
	return 0;
}

static int
jd_set_getenv(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	char	**e, q[80];

	if (strcasecmp(val, "false") == 0 || strcasecmp(val, "no") == 0)
		return 0;
	if (strcasecmp(val, "true") != 0 && strcasecmp(val, "yes") != 0)
		return jd_error(p, line, "%s: expected true or false, not "
		    "'%s'", kw->name, jd_q(q, sizeof(q), val));
	for (e = p->envp; e != NULL && *e != NULL; e++) {
		if (**e == '=' || strchr(*e, '=') == NULL)
			continue;	/* not a variable, nothing to copy */
		if (!jd_utf8(*e, strlen(*e)))
			return jd_error(p, line, "%s: '%s' is not valid UTF-8",
			    kw->name, jd_q(q, sizeof(q), *e));
		if (jd_env_set(p, line, kw->name, jd, *e, strlen(*e)) == -1)
			return -1;
	}
	return 0;
}

static int
jd_set_environment(struct jd_parse *p, struct jobdesc *jd,
    const struct jd_keyword *kw, const char *val, int line)
{
	struct jd_list	 ents = { NULL, 0 };
	struct jd_buf	 raw = { NULL, 0, 0 };
	const char	*s, *e = val;
	size_t		 i;

	if (val[0] == '"') {
		if (jd_unquote(p, line, kw->name, val, &raw) == -1 ||
		    jd_split(p, line, kw->name, raw.s, &ents,
		    JOBDESC_MAX_ENV) == -1)
			goto fail;
		for (i = 0; i < ents.n; i++) {
			if (jd_env_set(p, line, kw->name, jd, ents.v[i],
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
			if (jd_env_set(p, line, kw->name, jd, s, e - s) == -1)
				goto fail;
		}
	}
	free(raw.s);
	jd_list_free(&ents);
	return 0;

fail:
	free(raw.s);
	jd_list_free(&ents);
	return -1;
}

#define JD_OFF(m)	offsetof(struct jobdesc, m)

/* The keywords, applied in this order for every proc. */
static const struct jd_keyword jd_keywords[] = {
	{ "universe",		jd_set_universe,	0,			0 },
	{ "initialdir",		jd_set_path,	JD_OFF(initialdir),	0 },
	{ "executable",		jd_set_path,	JD_OFF(executable),	0 },
	{ "arguments",		jd_set_arguments,	0,			0 },
	{ "input",		jd_set_path,	JD_OFF(input),		0 },
	{ "output",		jd_set_path,	JD_OFF(output),		0 },
	{ "error",		jd_set_path,	JD_OFF(error),		0 },
	{ "log",		jd_set_path,	JD_OFF(log),		0 },
	{ "request_cpus",	jd_set_cpus,		0,			0 },
	{ "request_memory",	jd_set_size, JD_OFF(request_memory_mb),	2 },
	{ "request_disk",	jd_set_size, JD_OFF(request_disk_kb),	1 },
	{ "requirements",	jd_set_text,	JD_OFF(requirements),	0 },
	{ "getenv",		jd_set_getenv,		0,			0 },
	{ "environment",	jd_set_environment,	0,			0 },
};

/* A +Attr value: integer, boolean, "string" literal, or the raw text. */
static struct json_object *
jd_custom_value(const char *val)
{
	struct jd_buf	 b = { NULL, 0, 0 };
	struct json_object *o;
	const char	*s = val;
	long long	 n;
	size_t		 len = strlen(val);

	if (*s == '-')
		s++;
	if (jd_number(s, strlen(s), 0, LLONG_MAX, &n) == 0)
		return json_object_new_int64(s == val ? n : -n);
	if (strcasecmp(val, "true") == 0)
		return json_object_new_boolean(1);
	if (strcasecmp(val, "false") == 0)
		return json_object_new_boolean(0);
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		jd_buf_add(&b, "", 0, JOBDESC_MAX_STR);
		for (s = val + 1; s < val + len - 1; s++) {
			if (*s == '"')
				break;		/* not one literal */
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\') &&
			    s + 1 < val + len - 1)
				s++;
			jd_buf_add(&b, s, 1, JOBDESC_MAX_STR);
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
jd_value(struct jd_parse *p, const struct jd_macro *m, struct jd_buf *out,
    char **val)
{
	jd_buf_reset(out);
	p->refs = 0;
	if (jd_expand(p, m->value, out, 0, m->line) == -1)
		return -1;
	if (out->s == NULL)
		jd_buf_add(out, "", 0, JOBDESC_MAX_STR);
	*val = jd_trim(out->s);
	return 0;
}

/* Build proc PROC from the macros as they stand at the queue on QLINE. */
static int
jd_build(struct jd_parse *p, uint32_t proc, int qline, struct jobdesc *jd)
{
	const struct jd_keyword	*kw;
	struct jd_macro		*m;
	struct jd_buf		 b = { NULL, 0, 0 };
	char			*val;
	size_t			 i;

	memset(jd, 0, sizeof(*jd));
	jd->proc = proc;
	jd->initialdir = xstrdup(p->cwd);
	jd->argv = xcalloc(1, sizeof(*jd->argv));
	jd->env = xcalloc(1, sizeof(*jd->env));
	jd->request_cpus = 1;
	jd->custom = json_object_new_object();
	p->proc = proc;

	for (i = 0; i < sizeof(jd_keywords) / sizeof(jd_keywords[0]); i++) {
		kw = &jd_keywords[i];
		if ((m = jd_find(p, kw->name, strlen(kw->name))) == NULL)
			continue;
		if (jd_value(p, m, &b, &val) == -1)
			goto fail;
		if (*val != '\0' && kw->set(p, jd, kw, val, m->line) == -1)
			goto fail;
	}
	for (i = 0; i < p->nmacros; i++) {
		m = &p->macros[i];
		if (m->attr == NULL)
			continue;
		if (jd_value(p, m, &b, &val) == -1)
			goto fail;
		if (*val != '\0')
			json_object_object_add(jd->custom, m->attr,
			    jd_custom_value(val));
	}
	if (jd->executable == NULL) {
		jd_error(p, qline, "no executable");
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
jd_queue(struct jd_parse *p, const char *args, int line)
{
	struct jd_buf	 b = { NULL, 0, 0 };
	struct jd_macro	 m = { NULL, NULL, (char *)args, line };
	long long	 n = 1;
	char		*val, q[80];
	size_t		 i;

	p->queued = 1;
	p->proc = (uint32_t)p->njobs;
	if (jd_value(p, &m, &b, &val) == -1)
		goto fail;
	if (*val != '\0' &&
	    jd_number(val, strlen(val), 0, JOBDESC_MAX_PROCS, &n) == -1) {
		jd_error(p, line, "queue: expected a count, not '%s'",
		    jd_q(q, sizeof(q), val));
		goto fail;
	}
	free(b.s);
	if ((size_t)n > JOBDESC_MAX_PROCS - p->njobs)
		return jd_error(p, line, "too many jobs (limit %d)",
		    JOBDESC_MAX_PROCS);
	if (p->njobs + n > p->jobscap) {
		p->jobscap = p->njobs + n;
		if (p->jobscap < p->njobs * 2)
			p->jobscap = p->njobs * 2;
		p->jobs = xreallocarray(p->jobs, p->jobscap,
		    sizeof(*p->jobs));
	}
	for (i = 0; i < (size_t)n; i++) {
		if (jd_build(p, (uint32_t)p->njobs, line,
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
jd_statement(struct jd_parse *p, char *s, int line)
{
	char	*eq, *key, *val, q[80];
	size_t	 i;

	while (jd_isspace(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (strncasecmp(s, "queue", 5) == 0 &&
	    (s[5] == '\0' || jd_isspace(s[5]))) {
		for (val = s + 5; jd_isspace(*val); val++)
			;
		if (*val != '=')
			return jd_queue(p, val, line);
	}
	if ((eq = strchr(s, '=')) == NULL)
		return jd_error(p, line, "syntax error: expected 'name = "
		    "value' or 'queue'");
	*eq = '\0';
	key = jd_trim(s);
	val = jd_trim(eq + 1);
	if (key[0] == '+' ? !jd_is_attr(key + 1) :
	    !jd_is_name(key, strlen(key)))
		return jd_error(p, line, "bad name '%s'",
		    jd_q(q, sizeof(q), key));
	for (i = 0; i < sizeof(jd_reserved) / sizeof(jd_reserved[0]); i++) {
		if (strcasecmp(key, jd_reserved[i]) == 0)
			return jd_error(p, line, "'%s' is predefined and "
			    "cannot be assigned", key);
	}
	return jd_define(p, key, val, line);
}

/*
 * Next logical line of [*CUR, END) into LINE; *LINENO counts physical
 * lines, *START gets the first of this one.  1, 0 at the end, or -1.
 */
static int
jd_getline(struct jd_parse *p, const char **cur, const char *end,
    struct jd_buf *line, int *lineno, int *start)
{
	const char	*s, *nl, *t;
	size_t		 len;
	int		 cont = 0;

	if (*cur >= end)
		return 0;
	jd_buf_reset(line);
	jd_buf_add(line, "", 0, JD_MAX_LINE);
	*start = *lineno + 1;
	while (*cur < end) {
		s = *cur;
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		*cur = nl < end ? nl + 1 : end;
		(*lineno)++;
		len = nl - s;
		while (len > 0 && jd_isspace(s[len - 1]))
			len--;
		if (cont) {
			for (t = s; t < s + len && jd_isspace(*t);
			    t++)
				;
			if (t < s + len && *t == '#')
				continue;	/* comment inside a continuation */
		}
		cont = len > 0 && s[len - 1] == '\\';
		if (jd_buf_add(line, s, len - cont, JD_MAX_LINE) == -1)
			return jd_error(p, *start, "line too long (limit %d "
			    "bytes)", JD_MAX_LINE);
		if (!cont)
			break;
	}
	return 1;
}

/* Every line must be text: no NUL, valid UTF-8. */
static int
jd_check_text(struct jd_parse *p, const char *buf, size_t len)
{
	const char	*s = buf, *end = buf + len, *nl;
	int		 line;

	for (line = 1; s < end; line++, s = nl + 1) {
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		if (memchr(s, '\0', nl - s) != NULL)
			return jd_error(p, line, "NUL byte");
		if (!jd_utf8(s, nl - s))
			return jd_error(p, line, "invalid UTF-8");
		if (nl == end)
			break;
	}
	return 0;
}

static void
jd_parse_free(struct jd_parse *p)
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

/* Parse a submit description held in BUF; see jobdesc.h. */
int
jobdesc_parse_buf(const char *name, const char *buf, size_t len,
    const char *cwd, char **envp, struct jobdesc **jobs, size_t *njobs,
    char *err, size_t errlen)
{
	struct jd_parse	 p;
	struct jd_buf	 line = { NULL, 0, 0 };
	const char	*cur = buf, *end = buf + len;
	int		 lineno = 0, start, rc;

	*jobs = NULL;
	*njobs = 0;
	memset(&p, 0, sizeof(p));
	p.file = name;
	p.envp = envp;
	p.err = err;
	p.errlen = errlen;
	if (cwd == NULL || cwd[0] != '/' || !jd_utf8(cwd, strlen(cwd))) {
		snprintf(err, errlen, "%s: the working directory is not "
		    "absolute UTF-8", name);
		return -1;
	}
	p.cwd = jd_path("/", cwd);
	if (len > JD_MAX_FILE) {
		snprintf(err, errlen, "%s: file too large (limit %d bytes)",
		    name, JD_MAX_FILE);
		goto fail;
	}
	if (jd_check_text(&p, buf, len) == -1)
		goto fail;
	while ((rc = jd_getline(&p, &cur, end, &line, &lineno, &start)) == 1)
		if (jd_statement(&p, line.s, start) == -1)
			goto fail;
	if (rc == -1)
		goto fail;
	if (!p.queued) {
		jd_error(&p, lineno > 0 ? lineno : 1, "no queue statement");
		goto fail;
	}
	log_debug("%s: %zu jobs", name, p.njobs);
	free(line.s);
	jd_parse_free(&p);
	*jobs = p.jobs;
	*njobs = p.njobs;
	return 0;

fail:
	free(line.s);
	jobdesc_free_all(p.jobs, p.njobs);
	jd_parse_free(&p);
	return -1;
}

/* Read and parse the submit description in PATH; see jobdesc.h. */
int
jobdesc_parse_file(const char *path, const char *cwd, char **envp,
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
			if (len > JD_MAX_FILE) {
				snprintf(err, errlen, "%s: file too large "
				    "(limit %d bytes)", path, JD_MAX_FILE);
				goto fail;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if (cap > JD_MAX_FILE + 1)
				cap = JD_MAX_FILE + 1;
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
	rc = jobdesc_parse_buf(path, buf, len, cwd, envp, jobs, njobs, err,
	    errlen);
	free(buf);
	return rc;

fail:
	close(fd);
	free(buf);
	return -1;
}

static int
jd_is_exec(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/* CMD as execvp would find it, made absolute; NULL if not found. */
static char *
jd_which(const char *cmd, const char *cwd)
{
	const char	*path, *s, *e;
	char		*dir, *base, *cand;

	if (*cmd == '\0')
		return NULL;
	if (strchr(cmd, '/') != NULL) {
		cand = jd_path(cwd, cmd);
		if (jd_is_exec(cand))
			return cand;
		free(cand);
		return NULL;
	}
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = JD_DEFAULT_PATH;
	for (s = path;; s = e + 1) {
		if ((e = strchr(s, ':')) == NULL)
			e = s + strlen(s);
		dir = e == s ? xstrdup(".") : xstrndup(s, e - s);
		base = jd_path(cwd, dir);
		cand = jd_path(base, cmd);
		free(dir);
		free(base);
		if (jd_is_exec(cand))
			return cand;
		free(cand);
		if (*e == '\0')
			return NULL;
	}
}

/* One job, proc 0, from ARGV; the executable is searched as a shell would. */
int
jobdesc_from_argv(int argc, char **argv, const char *cwd,
    struct jobdesc *jd, char *err, size_t errlen)
{
	int	 i;

	memset(jd, 0, sizeof(*jd));
	if (argc < 1 || argv[0] == NULL) {
		snprintf(err, errlen, "no command");
		return -1;
	}
	if (cwd == NULL || cwd[0] != '/' || !jd_utf8(cwd, strlen(cwd))) {
		snprintf(err, errlen, "%s: the working directory is not "
		    "absolute UTF-8", argv[0]);
		return -1;
	}
	if ((size_t)argc - 1 > JOBDESC_MAX_ARGS) {
		snprintf(err, errlen, "%s: too many arguments (limit %d)",
		    argv[0], JOBDESC_MAX_ARGS);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) > JOBDESC_MAX_STR) {
			snprintf(err, errlen, "%s: argument %d too long "
			    "(limit %d bytes)", argv[0], i, JOBDESC_MAX_STR);
			return -1;
		}
		if (!jd_utf8(argv[i], strlen(argv[i]))) {
			snprintf(err, errlen, "%s: argument %d is not valid "
			    "UTF-8", argv[0], i);
			return -1;
		}
	}
	if ((jd->executable = jd_which(argv[0], cwd)) == NULL) {
		snprintf(err, errlen, "%s: command not found", argv[0]);
		return -1;
	}
	if (!jd_utf8(jd->executable, strlen(jd->executable)) ||
	    strlen(jd->executable) > JOBDESC_MAX_STR) {
		snprintf(err, errlen, "%s: found as a path that is too long "
		    "or not UTF-8", argv[0]);
		jobdesc_free(jd);
		return -1;
	}
	jd->argv = xcalloc(argc, sizeof(*jd->argv));
	for (i = 1; i < argc; i++)
		jd->argv[i - 1] = xstrdup(argv[i]);
	jd->argc = argc - 1;
	jd->env = xcalloc(1, sizeof(*jd->env));
	jd->initialdir = jd_path("/", cwd);
	jd->request_cpus = 1;
	jd->custom = json_object_new_object();
	return 0;
}

/* Free what JD holds and zero it; the struct itself is the caller's. */
void
jobdesc_free(struct jobdesc *jd)
{
	size_t	 i;

	if (jd == NULL)
		return;
	free(jd->executable);
	if (jd->argv != NULL)
		for (i = 0; i < jd->argc; i++)
			free(jd->argv[i]);
	free(jd->argv);
	free(jd->input);
	free(jd->output);
	free(jd->error);
	free(jd->log);
	free(jd->initialdir);
	free(jd->requirements);
	if (jd->env != NULL)
		for (i = 0; i < jd->nenv; i++)
			free(jd->env[i]);
	free(jd->env);
	json_object_put(jd->custom);
	memset(jd, 0, sizeof(*jd));
}

/* Free N descriptions and the array that holds them. */
void
jobdesc_free_all(struct jobdesc *jds, size_t n)
{
	size_t	 i;

	for (i = 0; jds != NULL && i < n; i++)
		jobdesc_free(&jds[i]);
	free(jds);
}

static struct json_object *
jd_json_str(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}

/* The wire and dry-run form, keys in DESIGN.md's order. */
struct json_object *
jobdesc_to_json(const struct jobdesc *jd)
{
	struct json_object	*o, *a, *e, *c = NULL;
	const char		*eq;
	char			*name;
	size_t			 i;

	o = json_object_new_object();
	json_object_object_add(o, "proc", json_object_new_int64(jd->proc));
	json_object_object_add(o, "executable", jd_json_str(jd->executable));
	a = json_object_new_array();
	for (i = 0; i < jd->argc; i++)
		json_object_array_add(a, json_object_new_string(jd->argv[i]));
	json_object_object_add(o, "arguments", a);
	json_object_object_add(o, "output", jd_json_str(jd->output));
	json_object_object_add(o, "error", jd_json_str(jd->error));
	json_object_object_add(o, "log", jd_json_str(jd->log));
	json_object_object_add(o, "input", jd_json_str(jd->input));
	json_object_object_add(o, "initialdir", jd_json_str(jd->initialdir));
	json_object_object_add(o, "request_cpus",
	    json_object_new_int64(jd->request_cpus));
	json_object_object_add(o, "request_memory_mb",
	    json_object_new_int64(jd->request_memory_mb));
	json_object_object_add(o, "request_disk_kb",
	    json_object_new_int64(jd->request_disk_kb));
	json_object_object_add(o, "requirements",
	    jd_json_str(jd->requirements));
	e = json_object_new_object();
	for (i = 0; i < jd->nenv; i++) {
		if ((eq = strchr(jd->env[i], '=')) == NULL)
			continue;
		name = xstrndup(jd->env[i], eq - jd->env[i]);
		json_object_object_add(e, name, json_object_new_string(eq + 1));
		free(name);
	}
	json_object_object_add(o, "environment", e);
	if (jd->custom == NULL ||
	    json_object_deep_copy(jd->custom, &c, NULL) != 0)
		c = json_object_new_object();
	json_object_object_add(o, "custom", c);
	return o;
}

static const struct msg_member jd_members[] = {
	{ "proc",		JT_INT,		1 },
	{ "executable",		JT_STRING,	1 },
	{ "arguments",		JT_ARRAY,	1 },
	{ "output",		JT_STRING,	0 },	/* or null */
	{ "error",		JT_STRING,	0 },	/* or null */
	{ "log",		JT_STRING,	0 },	/* or null */
	{ "input",		JT_STRING,	0 },	/* or null */
	{ "initialdir",		JT_STRING,	1 },
	{ "request_cpus",	JT_INT,		1 },
	{ "request_memory_mb",	JT_INT,		1 },
	{ "request_disk_kb",	JT_INT,		1 },
	{ "requirements",	JT_STRING,	0 },	/* or null */
	{ "environment",	JT_OBJECT,	1 },
	{ "custom",		JT_OBJECT,	1 },
	{ NULL,			0,		0 }
};

/* The optional members are exactly those that may be null. */
static int
jd_is_nullable(const char *key)
{
	const struct msg_member	*m;

	for (m = jd_members; m->name != NULL; m++)
		if (strcmp(key, m->name) == 0)
			return !m->required;
	return 0;
}

/* A JSON string without NUL and within the limit; 0 or -1. */
static int
jd_json_text(struct json_object *v, const char **s, const char **errstr)
{
	if (!json_object_is_type(v, json_type_string)) {
		*errstr = "member has the wrong type";
		return -1;
	}
	*s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(*s)) {
		*errstr = "NUL byte in a string";
		return -1;
	}
	if (strlen(*s) > JOBDESC_MAX_STR) {
		*errstr = "string too long";
		return -1;
	}
	return 0;
}

/* An optional absolute path member: null or an absolute path. */
static int
jd_json_path(struct json_object *obj, const char *key, int nullable,
    char **out, const char **errstr)
{
	struct json_object	*v = jsonx_get(obj, key);
	const char		*s;

	*out = NULL;
	if (v == NULL && nullable)
		return 0;
	if (jd_json_text(v, &s, errstr) == -1)
		return -1;
	if (s[0] != '/') {
		*errstr = "path is not absolute";
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

static int
jd_json_int(struct json_object *obj, const char *key, int64_t min,
    int64_t max, int64_t *out, const char **errstr)
{
	struct json_object	*v = jsonx_get(obj, key);
	int64_t			 n = json_object_get_int64(v);

	/* json-c keeps integers above INT64_MAX as uint64 and clamps. */
	if (n < min || n > max || (n == INT64_MAX &&
	    json_object_get_uint64(v) != (uint64_t)INT64_MAX)) {
		*errstr = "number out of range";
		return -1;
	}
	*out = n;
	return 0;
}

static int
jd_json_env(struct json_object *obj, struct jobdesc *jd, const char **errstr)
{
	struct json_object	*envobj = jsonx_get(obj, "environment");
	const char		*val;
	size_t			 n;

	if ((n = json_object_object_length(envobj)) > JOBDESC_MAX_ENV) {
		*errstr = "too many environment variables";
		return -1;
	}
	jd->env = xcalloc(n + 1, sizeof(*jd->env));
	json_object_object_foreach(envobj, name, v) {
		if (*name == '\0' || strchr(name, '=') != NULL) {
			*errstr = "bad environment variable name";
			return -1;
		}
		if (v == NULL || jd_json_text(v, &val, errstr) == -1) {
			if (v == NULL)
				*errstr = "member has the wrong type";
			return -1;
		}
		if (strlen(name) + 1 + strlen(val) > JOBDESC_MAX_STR) {
			*errstr = "string too long";
			return -1;
		}
		xasprintf(&jd->env[jd->nenv++], "%s=%s", name, val);
	}
	return 0;
}

static int
jd_json_custom(struct json_object *obj, struct jobdesc *jd,
    const char **errstr)
{
	struct json_object	*c = jsonx_get(obj, "custom");
	const char		*s;

	if (json_object_object_length(c) > JD_MAX_MACROS) {
		*errstr = "too many custom attributes";
		return -1;
	}
	json_object_object_foreach(c, name, v) {
		if (!jd_is_attr(name) || strlen(name) > JOBDESC_MAX_STR) {
			*errstr = "bad custom attribute name";
			return -1;
		}
		if (json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_boolean))
			continue;
		if (!json_object_is_type(v, json_type_string)) {
			*errstr = "custom attribute of an unsupported type";
			return -1;
		}
		if (jd_json_text(v, &s, errstr) == -1)
			return -1;
	}
	if (json_object_deep_copy(c, &jd->custom, NULL) != 0) {
		*errstr = "out of memory";
		return -1;
	}
	return 0;
}

/* Strictly decode the wire form into JD; nothing is kept on error. */
int
jobdesc_from_json(struct json_object *obj, struct jobdesc *jd,
    const char **errstr)
{
	const struct msg_member	*m;
	struct json_object	*tmp, *args, *v;
	const char		*s;
	int64_t			 n;
	size_t			 i;
	int			 rc;

	memset(jd, 0, sizeof(*jd));
	if (!json_object_is_type(obj, json_type_object)) {
		*errstr = "not an object";
		return -1;
	}
	/* jsonx_check knows no null: check a copy without nullable nulls. */
	tmp = json_object_new_object();
	json_object_object_foreach(obj, key, val) {
		if (val == NULL && jd_is_nullable(key))
			continue;
		json_object_object_add(tmp, key, json_object_get(val));
	}
	rc = jsonx_check(tmp, jd_members, errstr);
	json_object_put(tmp);
	if (rc == -1)
		return -1;
	for (m = jd_members; m->name != NULL; m++) {
		if (!json_object_object_get_ex(obj, m->name, NULL)) {
			*errstr = "missing member";
			return -1;
		}
	}

	if (jd_json_int(obj, "proc", 0, UINT32_MAX, &n, errstr) == -1)
		goto fail;
	jd->proc = (uint32_t)n;
	if (jd_json_path(obj, "executable", 0, &jd->executable,
	    errstr) == -1 ||
	    jd_json_path(obj, "output", 1, &jd->output, errstr) == -1 ||
	    jd_json_path(obj, "error", 1, &jd->error, errstr) == -1 ||
	    jd_json_path(obj, "log", 1, &jd->log, errstr) == -1 ||
	    jd_json_path(obj, "input", 1, &jd->input, errstr) == -1 ||
	    jd_json_path(obj, "initialdir", 0, &jd->initialdir,
	    errstr) == -1)
		goto fail;
	if (jd_json_int(obj, "request_cpus", 1, INT_MAX, &jd->request_cpus,
	    errstr) == -1 ||
	    jd_json_int(obj, "request_memory_mb", 0, INT64_MAX,
	    &jd->request_memory_mb, errstr) == -1 ||
	    jd_json_int(obj, "request_disk_kb", 0, INT64_MAX,
	    &jd->request_disk_kb, errstr) == -1)
		goto fail;
	if ((v = jsonx_get(obj, "requirements")) != NULL) {
		if (jd_json_text(v, &s, errstr) == -1)
			goto fail;
		jd->requirements = xstrdup(s);
	}

	args = jsonx_get(obj, "arguments");
	if (json_object_array_length(args) > JOBDESC_MAX_ARGS) {
		*errstr = "too many arguments";
		goto fail;
	}
	jd->argv = xcalloc(json_object_array_length(args) + 1,
	    sizeof(*jd->argv));
	for (i = 0; i < json_object_array_length(args); i++) {
		v = json_object_array_get_idx(args, i);
		if (v == NULL || jd_json_text(v, &s, errstr) == -1) {
			if (v == NULL)
				*errstr = "member has the wrong type";
			goto fail;
		}
		jd->argv[jd->argc++] = xstrdup(s);
	}
	if (jd_json_env(obj, jd, errstr) == -1 ||
	    jd_json_custom(obj, jd, errstr) == -1)
		goto fail;
	return 0;

fail:
	jobdesc_free(jd);
	return -1;
}
