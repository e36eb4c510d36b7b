/*
 * submit.c: the HTCondor submit language, read into job descriptions:
 * lines, statements and the driver (submit_parse_buf/submit_parse_file).
 *
 * A file is a list of logical lines (a trailing backslash continues a
 * line, comment lines inside a continuation are skipped): blank lines,
 * `#` comments, `name = value` assignments and queue statements.  Every
 * assignment defines a macro named by its key, case-insensitive
 * (submit-macro.c); keywords are the macros submit-kw.c gives a meaning
 * to, so a key that is not a keyword is a user macro and not an error
 * (as in HTCondor, a typo'd keyword is silently unused).  `+Attr = value`
 * and `My.Attr = value` define a custom attribute.  Values stay raw until
 * a queue statement (submit-queue.c): then, for every proc, each
 * keyword's latest value is expanded and applied, so settings may change
 * between queue statements.  Invariants: on error nothing is returned
 * and the message is "FILE:LINE: what is wrong" ("FILE: ..." when no line
 * applies); every line is UTF-8 without NUL; every size is checked
 * against jobdesc.h's limits.  The parser reads the submit file, the
 * item file of `queue ... from FILE` and the directories `queue ...
 * matching` globs, nothing else.  Called by `cq submit`, which sends the
 * result on with jobdesc_to_json(), and by the unit tests and fuzzer.
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

#include "expr.h"
#include "jobdesc.h"
#include "log.h"
#include "submit.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

int
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
const char *
submit_q(char *dst, size_t dstlen, const char *s)
{
	return log_escape(dst, dstlen, s, strlen(s));
}

int
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

void
submit_buf_reset(struct submit_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* A string for the list; frees nothing, fails past MAX entries. */
int
submit_list_add(struct submit_list *l, const char *s, size_t len, size_t max)
{
	if (l->n >= max)
		return -1;
	/* Doubling: the capacity is implied by n (a power of two past it). */
	if (l->n == 0 || ((l->n + 1) & l->n) == 0)
		l->v = xreallocarray(l->v, 2 * (l->n + 1), sizeof(*l->v));
	l->v[l->n++] = xstrndup(s, len);
	l->v[l->n] = NULL;
	return 0;
}

void
submit_list_free(struct submit_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *
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
int
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

static void
submit_bool_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/*
 * A boolean value as condor_submit reads one: true, false, 1, 0 (any
 * case), yes and no (cq's), or a constant expression (true && false).
 * 1, 0, or -1 if VAL is none of them.
 */
int
submit_bool(const char *val)
{
	struct expr		*e;
	struct expr_value	 v;
	char			 why[8];
	int			 refs = 0, rc = -1;

	if (strcasecmp(val, "true") == 0 || strcmp(val, "1") == 0 ||
	    strcasecmp(val, "yes") == 0)
		return 1;
	if (strcasecmp(val, "false") == 0 || strcmp(val, "0") == 0 ||
	    strcasecmp(val, "no") == 0)
		return 0;
	if ((e = expr_parse(val, why, sizeof(why))) == NULL)
		return -1;
	expr_attrs(e, submit_bool_ref, &refs);
	if (refs == 0) {
		expr_eval(e, NULL, NULL, &v);
		if (v.type == EXPR_BOOL)
			rc = v.b != 0;
		else if (v.type == EXPR_INT)
			rc = v.i != 0;
		expr_value_clear(&v);
	}
	expr_free(e);
	return rc;
}

/* Split VAL on commas and white space into OUT. */
int
submit_words(struct submit_parse *p, int line, const char *what,
    const char *val, struct submit_list *out)
{
	const char	*s = val;
	size_t		 n;

	for (;;) {
		s += strspn(s, ", \t");
		if (*s == '\0')
			return 0;
		n = strcspn(s, ", \t");
		if (submit_list_add(out, s, n, JOBDESC_MAX_ARGS) == -1) {
			submit_list_free(out);
			return submit_error(p, line, "%s: too many entries "
			    "(limit %d)", what, JOBDESC_MAX_ARGS);
		}
		s += n;
	}
}

/* A macro name: letters, digits, '_' and '.'. */
int
submit_is_name(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!text_isalnum(s[i]) && s[i] != '_' && s[i] != '.')
			return 0;
	}
	return 1;
}


/*
 * The statements `cq submit -a` adds before each queue statement, or the
 * "name=value" definitions before the file: each named as from FILE,
 * line by line.
 */
static int
submit_extra(struct submit_parse *p, char *const *lines, const char *file)
{
	const char	*saved = p->file;
	char		*s;
	int		 i, rc = 0;

	if (lines == NULL)
		return 0;
	p->file = file;
	for (i = 0; rc == 0 && lines[i] != NULL; i++) {
		s = xstrdup(lines[i]);
		rc = submit_statement(p, s, i + 1);
		free(s);
	}
	p->file = saved;
	return rc;
}

/* A queue statement with ARGS on LINE, after the -a statements. */
static int
submit_queue_with(struct submit_parse *p, const char *args, int line)
{
	if (submit_extra(p, p->opts->append, "-append") == -1)
		return -1;
	return submit_queue(p, args, line);
}

/* One logical line: an assignment, a queue statement or nothing. */
int
submit_statement(struct submit_parse *p, char *s, int line)
{
	char	*eq, *key, *val, q[80];

	while (text_isspace(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (p->digest != NULL && p->queued) {
		/* A late materialization's queue statement ends its file. */
		p->not_factory = 1;
		return submit_error(p, line, "late materialization (max_"
		    "materialize, max_idle) needs the queue statement to be "
		    "the file's last statement, and its only one");
	}
	if (strncasecmp(s, "queue", 5) == 0 &&
	    (s[5] == '\0' || text_isspace(s[5]))) {
		for (val = s + 5; text_isspace(*val); val++)
			;
		if (*val != '=' && p->no_queue)
			return submit_error(p, line, "a late materialization's "
			    "statements hold no queue statement");
		if (*val != '=') {
			if (p->opts->append != NULL &&
			    strcmp(p->file, "-append") == 0)
				return submit_error(p, line, "a queue statement "
				    "cannot be appended (use -queue)");
			return submit_queue_with(p, val, line);
		}
	}
	if ((eq = strchr(s, '=')) == NULL)
		return submit_error(p, line, "syntax error: expected 'name = "
		    "value' or 'queue'");
	*eq = '\0';
	key = submit_trim(s);
	val = submit_trim(eq + 1);
	if (key[0] == '+' ? !jobdesc_is_attr(key + 1) :
	    strncasecmp(key, "my.", 3) == 0 ? !jobdesc_is_attr(key + 3) :
	    !submit_is_name(key, strlen(key)))
		return submit_error(p, line, "bad name '%s'",
		    submit_q(q, sizeof(q), key));
	return submit_macro_define(p, key, val, line);
}

/*
 * Next logical line from p->cur into LINE; p->lineno counts physical
 * lines, *START gets the first of this one.  1, 0 at the end, or -1.
 */
int
submit_getline(struct submit_parse *p, struct submit_buf *line, int *start)
{
	const char	*s, *nl, *t;
	size_t		 len;
	int		 cont = 0;

	if (p->cur >= p->end)
		return 0;
	submit_buf_reset(line);
	submit_buf_add(line, "", 0, SUBMIT_MAX_LINE);
	*start = p->lineno + 1;
	p->stmt = p->cur;
	while (p->cur < p->end) {
		s = p->cur;
		if ((nl = memchr(s, '\n', p->end - s)) == NULL)
			nl = p->end;
		p->cur = nl < p->end ? nl + 1 : p->end;
		p->lineno++;
		len = nl - s;
		while (len > 0 && text_isspace(s[len - 1]))
			len--;
		if (cont) {
			for (t = s; t < s + len && text_isspace(*t); t++)
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

/* Every line of BUF must be text: no NUL, valid UTF-8. */
int
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

void
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
	for (i = 0; i < sizeof(p->checked) / sizeof(p->checked[0]); i++)
		free(p->checked[i]);
	free(p->path);
}

/* Parse a submit description held in BUF; see submit.h. */
int
submit_parse_buf(const char *name, const char *buf, size_t len,
    const char *cwd, char **envp, struct jobdesc **jobs, size_t *njobs,
    char *err, size_t errlen)
{
	return submit_parse_opts(name, buf, len, cwd, envp, NULL, jobs, njobs,
	    err, errlen);
}

static int
submit_parse_run(struct submit_parse *p, const char *buf, size_t len)
{
	struct submit_buf	 line = { NULL, 0, 0 };
	int			 start, rc;

	if (submit_extra(p, p->opts->defs, "command line") == -1)
		return -1;
	if (len > SUBMIT_MAX_FILE) {
		snprintf(p->err, p->errlen, "%s: file too large (limit %d "
		    "bytes)", p->file, SUBMIT_MAX_FILE);
		return -1;
	}
	if (submit_check_text(p, buf, len) == -1)
		return -1;
	p->buf = p->cur = buf;
	p->end = buf + len;
	while ((rc = submit_getline(p, &line, &start)) == 1)
		if (submit_statement(p, line.s, start) == -1)
			break;
	free(line.s);
	if (rc != 0)
		return -1;
	if (p->opts->queue != NULL) {
		if (p->queued)
			return submit_error(p, p->lineno > 0 ? p->lineno : 1,
			    "-queue given, but the file has a queue statement");
		return submit_queue_with(p, p->opts->queue,
		    p->lineno > 0 ? p->lineno : 1);
	}
	if (!p->queued)
		return submit_error(p, p->lineno > 0 ? p->lineno : 1,
		    "no queue statement");
	return 0;
}

/* Parse BUF, or the file PATH if BUF is NULL; see submit.h. */
int
submit_parse_opts(const char *name, const char *buf, size_t len,
    const char *cwd, char **envp, const struct submit_opts *opts,
    struct jobdesc **jobs, size_t *njobs, char *err, size_t errlen)
{
	static const struct submit_opts	 none;
	struct submit_parse	 p;
	char			*fbuf = NULL;
	int			 rc;

	*jobs = NULL;
	*njobs = 0;
	if (buf == NULL) {
		if (submit_read_file(name, 0, &fbuf, &len, err, errlen) == -1)
			return -1;
		buf = fbuf;
	}
	memset(&p, 0, sizeof(p));
	p.file = name;
	p.envp = envp;
	p.err = err;
	p.errlen = errlen;
	p.opts = opts != NULL ? opts : &none;
	if (cwd == NULL || cwd[0] != '/' || !text_utf8(cwd, strlen(cwd))) {
		snprintf(err, errlen, "%s: the working directory is not "
		    "absolute UTF-8", name);
		free(fbuf);
		return -1;
	}
	p.cwd = text_path("/", cwd);
	if (strcmp(name, SUBMIT_STDIN) != 0 && text_utf8(name, strlen(name)))
		p.path = text_path(p.cwd, name);
	rc = submit_parse_run(&p, buf, len);
	free(fbuf);
	if (rc == -1) {
		jobdesc_free_all(p.jobs, p.njobs);
		submit_parse_free(&p);
		return -1;
	}
	log_debug("%s: %zu jobs", name, p.njobs);
	submit_parse_free(&p);
	*jobs = p.jobs;
	*njobs = p.njobs;
	return 0;
}

/*
 * Read PATH whole into *BUF (*LEN bytes, caller frees), at most
 * SUBMIT_MAX_FILE; REGULAR refuses anything but a regular file (so a
 * FIFO or a device cannot block or feed us forever).
 */
int
submit_read_file(const char *path, int regular, char **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC |
	    (regular ? O_NONBLOCK : 0))) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (regular && (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
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
	*bufp = buf;
	*lenp = len;
	return 0;

fail:
	close(fd);
	free(buf);
	return -1;
}

/* Read and parse the submit description in PATH; see submit.h. */
int
submit_parse_file(const char *path, const char *cwd, char **envp,
    struct jobdesc **jobs, size_t *njobs, char *err, size_t errlen)
{
	return submit_parse_opts(path, NULL, 0, cwd, envp, NULL, jobs, njobs,
	    err, errlen);
}
