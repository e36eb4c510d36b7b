/*
 * submit-queue.c: the queue statement in all its HTCondor forms, and
 * the jobs it queues.
 *
 *   queue [N]
 *   queue [N] [VAR] in [slice] (item item, item ...)
 *   queue [N] [VAR[,VAR...]] from [slice] FILE
 *   queue [N] [VAR[,VAR...]] from [slice] ( one item per line ... )
 *   queue [N] [VAR[,VAR...]] from [slice] COMMAND |
 *   queue [N] [VAR] matching [files|dirs] [slice] GLOB...
 *
 * The statement's text is macro-expanded first (`queue $(n)`).  N
 * defaults to 1 and VAR to Item.  Each item queues N procs, numbered on
 * from the jobs already queued (one cluster), with $(Step) counting 0 to
 * N-1, $(ItemIndex)/$(Row) the item's index and each VAR its value.
 * A variable named like a keyword sets it (submit_kw_resolve()).
 * `in` items are separated by commas and/or white space; `from` items
 * are lines (blank ones and `#` comments skipped), and with several
 * variables a line is split as HTCondor does: each variable but the last
 * takes the next word ending at a comma or white space, the last takes
 * the rest of the line.  A parenthesised list may span lines until the
 * one that holds the `)`.  FILE is relative to the submit file's
 * directory and must be a regular file; GLOBs are relative to
 * initialdir, matches are sorted and made unique, `files` keeps only
 * files and `dirs` only directories.  A slice `[start:end:step]` picks
 * items as in Python.  `from COMMAND |` takes the lines a command
 * writes, as condor_submit does (submit_queue_command()).  Called by
 * submit.c for each queue statement.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "expr.h"
#include "jobdesc.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

enum submit_queue_form { SQ_PLAIN, SQ_IN, SQ_FROM, SQ_MATCHING };

struct submit_queue_stmt {
	enum submit_queue_form	 form;
	long long		 count;
	struct submit_list	 vars;		/* lower case */
	struct submit_list	 items;
	int			 files, dirs;	/* matching qualifiers */
	int			 sliced;
	long long		 slice[3];	/* start, end, step */
	int			 has[3];
	size_t			*index;		/* sliced: items' first indexes */
};

static void
submit_queue_stmt_free(struct submit_queue_stmt *q)
{
	submit_list_free(&q->vars);
	submit_list_free(&q->items);
	free(q->index);
}

static int
submit_queue_isname(int c)
{
	return text_isalnum(c) || c == '_' || c == '.';
}

/* Skip white space. */
static const char *
submit_queue_ws(const char *s)
{
	while (text_isspace(*s))
		s++;
	return s;
}

static int
submit_queue_add(struct submit_parse *p, int line, struct submit_list *l,
    const char *s, size_t len)
{
	if (submit_list_add(l, s, len, SUBMIT_MAX_PROCS) == -1)
		return submit_error(p, line, "queue: too many items (limit "
		    "%d)", SUBMIT_MAX_PROCS);
	return 0;
}

/* Split S into words ending at commas and white space, into L. */
static int
submit_queue_words(struct submit_parse *p, int line, const char *s,
    size_t len, struct submit_list *l)
{
	const char	*e = s + len;
	size_t		 n;

	while (s < e) {
		while (s < e && (*s == ',' || text_isspace(*s)))
			s++;
		for (n = 0; s + n < e && s[n] != ',' && !text_isspace(s[n]);
		    n++)
			;
		if (n > 0 && submit_queue_add(p, line, l, s, n) == -1)
			return -1;
		s += n;
	}
	return 0;
}

/*
 * Lines of [S, E) as items, trimmed, blank and # lines skipped; the
 * first is line FIRST of the file being read.
 */
static int
submit_queue_lines(struct submit_parse *p, const char *s, const char *e,
    int first, struct submit_list *l)
{
	const char	*nl, *a, *b;
	int		 line;

	for (line = first; s < e; line++, s = nl + 1) {
		if ((nl = memchr(s, '\n', e - s)) == NULL)
			nl = e;
		for (a = s; a < nl && text_isspace(*a); a++)
			;
		for (b = nl; b > a && text_isspace(b[-1]); b--)
			;
		if (a < b && *a != '#' &&
		    submit_queue_add(p, line, l, a, b - a) == -1)
			return -1;
		if (nl == e)
			break;
	}
	return 0;
}

/*
 * The parenthesised list opened in REST ('(' already skipped) on LINE:
 * its text up to the ')' on this or a later physical line, into TEXT.
 * BYLINE (from): only a line that starts with ')' closes the list, so
 * items may hold parentheses.  What follows the ')' must be blank.
 */
static int
submit_queue_paren(struct submit_parse *p, const char *rest, int line,
    int byline, struct submit_buf *text)
{
	const char	*s, *nl, *stop, *t;
	size_t		 len = strlen(rest);

	while (len > 0 && text_isspace(rest[len - 1]))
		len--;
	stop = byline ? (len > 0 && rest[len - 1] == ')' ? rest + len - 1 :
	    NULL) : strchr(rest, ')');
	if (stop != NULL) {
		if (*submit_queue_ws(stop + 1) != '\0')
			return submit_error(p, line, "queue: text after ')'");
		submit_buf_add(text, rest, stop - rest, SUBMIT_MAX_FILE);
		return 0;
	}
	submit_buf_add(text, rest, strlen(rest), SUBMIT_MAX_FILE);
	while (p->cur < p->end) {
		s = p->cur;
		if ((nl = memchr(s, '\n', p->end - s)) == NULL)
			nl = p->end;
		p->cur = nl < p->end ? nl + 1 : p->end;
		p->lineno++;
		if (byline) {
			for (t = s; t < nl && text_isspace(*t); t++)
				;
			stop = t < nl && *t == ')' ? t : NULL;
		} else
			stop = memchr(s, ')', nl - s);
		if (stop != NULL) {
			for (t = stop + 1; t < nl && text_isspace(*t); t++)
				;
			if (t < nl)
				return submit_error(p, p->lineno,
				    "queue: text after ')'");
		}
		if (submit_buf_add(text, "\n", 1, SUBMIT_MAX_FILE) == -1 ||
		    submit_buf_add(text, s, (stop != NULL ? stop : nl) - s,
		    SUBMIT_MAX_FILE) == -1)
			return submit_error(p, line, "queue: list too long");
		if (stop != NULL)
			return 0;
	}
	return submit_error(p, line, "queue: no ')' closes the list");
}

/* A slice "[start:end:step]" at *SP, each part optional and signed. */
static int
submit_queue_slice(struct submit_parse *p, int line, const char **sp,
    struct submit_queue_stmt *q)
{
	const char	*s = *sp + 1;
	long long	 n;
	size_t		 len;
	int		 i, neg;

	for (i = 0; i < 3; i++) {
		s = submit_queue_ws(s);
		if ((neg = *s == '-'))
			s++;
		for (len = 0; text_isdigit(s[len]); len++)
			;
		if (len > 0) {
			if (submit_number(s, len, 0, SUBMIT_MAX_PROCS,
			    &n) == -1)
				goto bad;
			q->slice[i] = neg ? -n : n;
			q->has[i] = 1;
		} else if (neg)
			goto bad;
		s = submit_queue_ws(s + len);
		if (*s == ']')
			break;
		if (*s != ':' || i == 2)
			goto bad;
		s++;
	}
	if (*s != ']' || (q->has[2] && q->slice[2] <= 0))
		goto bad;
	q->sliced = 1;
	*sp = s + 1;
	return 0;

bad:
	return submit_error(p, line, "queue: bad slice (expected "
	    "[start:end:step], step above 0)");
}

/*
 * Keep the items Python's items[start:end:step] would; q->index keeps
 * their indexes in the whole list, which $(ItemIndex) shows.
 */
static void
submit_queue_apply_slice(struct submit_queue_stmt *q)
{
	long long	 n = (long long)q->items.n, a, b, st, i;
	size_t		 k = 0;

	if (!q->sliced || n == 0)
		return;
	a = q->has[0] ? q->slice[0] : 0;
	b = q->has[1] ? q->slice[1] : n;
	st = q->has[2] ? q->slice[2] : 1;
	if (a < 0)
		a = a + n < 0 ? 0 : a + n;
	if (b < 0)
		b = b + n < 0 ? 0 : b + n;
	if (a > n)
		a = n;
	if (b > n)
		b = n;
	q->index = xcalloc(n + 1, sizeof(*q->index));
	for (i = 0; i < n; i++) {
		if (i >= a && i < b && (i - a) % st == 0) {
			q->index[k] = i;
			q->items.v[k++] = q->items.v[i];
		} else
			free(q->items.v[i]);
	}
	q->items.n = k;
	q->items.v[k] = NULL;
}

/* The directory a relative FILE or GLOB is taken from. */
static char *
submit_queue_dir(struct submit_parse *p, int initialdir)
{
	struct submit_macro	*m;
	struct submit_buf	 b = { NULL, 0, 0 };
	char			*val, *dir, *slash;

	if (!initialdir) {
		/* The submit file's directory. */
		dir = text_path(p->cwd, p->file);
		if ((slash = strrchr(dir, '/')) != NULL)
			slash[slash == dir] = '\0';
		return dir;
	}
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	m = NULL;		/* globs stay in the working directory */
#else
	m = submit_macro_find(p, "initialdir", 10);
#endif
	if (m == NULL)
		return xstrdup(p->cwd);
	if (submit_macro_value(p, m->value, m->line, &b, &val) == -1) {
		free(b.s);
		return NULL;
	}
	dir = text_path(p->cwd, val);
	free(b.s);
	return dir;
}

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* A fuzzing build reads nothing outside its working directory. */
static int
submit_queue_confined(struct submit_parse *p, int line, const char *path)
{
	const char	*c;

	for (c = path; c != NULL; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (strncmp(c, "..", 2) == 0)
			return submit_error(p, line, "queue: '..' refused");
	}
	if (*path == '/')
		return submit_error(p, line, "queue: absolute path refused");
	return 0;
}
#else
#define submit_queue_confined(p, line, path) 0
#endif

/* Items from the lines of FILE. */
static int
submit_queue_file(struct submit_parse *p, int line, const char *name,
    struct submit_queue_stmt *q)
{
	char		*dir, *path, *buf, err[512];
	const char	*file = p->file;
	size_t		 len;
	int		 rc;

	if (submit_queue_confined(p, line, name) == -1)
		return -1;
	dir = submit_queue_dir(p, 0);
	path = text_path(dir, name);
	free(dir);
	if (submit_read_file(path, 1, &buf, &len, err, sizeof(err)) == -1) {
		free(path);
		return submit_error(p, line, "queue: %s", err);
	}
	p->file = path;		/* errors in the file name it */
	rc = submit_check_text(p, buf, len);
	if (rc == 0)
		rc = submit_queue_lines(p, buf, buf + len, 1, &q->items);
	p->file = file;
	free(buf);
	free(path);
	return rc;
}

/*
 * Items from the output of COMMAND (LEN bytes), run by /bin/sh -c in
 * cq submit's working directory with standard input from /dev/null, as the user
 * running cq submit: its lines, as those of a file.  More than
 * SUBMIT_MAX_FILE bytes of output, a command killed by a signal or one
 * that exits non-zero is an error.
 */
static int
submit_queue_command(struct submit_parse *p, int line, const char *command,
    size_t len, struct submit_queue_stmt *q)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	(void)command;
	(void)len;
	(void)q;
	return submit_error(p, line, "queue: no commands in a fuzzing build");
#else
	struct submit_buf	 out = { NULL, 0, 0 };
	char			*cmd, buf[8192], q80[80];
	const char		*file = p->file;
	ssize_t			 n;
	pid_t			 pid;
	int			 fds[2], status, rc = -1, big = 0, devnull;

	while (len > 0 && text_isspace(command[len - 1]))
		len--;
	if (len == 0)
		return submit_error(p, line, "queue: no command before '|'");
	cmd = xstrndup(command, len);
	if (pipe2(fds, O_CLOEXEC) == -1) {
		submit_error(p, line, "queue: pipe: %s", strerror(errno));
		free(cmd);
		return -1;
	}
	if ((pid = fork()) == -1) {
		submit_error(p, line, "queue: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(cmd);
		return -1;
	}
	if (pid == 0) {
		if ((devnull = open("/dev/null", O_RDONLY)) != -1)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		if ((n = read(fds[0], buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		if (submit_buf_add(&out, buf, n, SUBMIT_MAX_FILE) == -1) {
			big = 1;
			kill(pid, SIGKILL);
			break;
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (big)
		submit_error(p, line, "queue: '%s' wrote more than %d bytes",
		    submit_q(q80, sizeof(q80), cmd), SUBMIT_MAX_FILE);
	else if (WIFSIGNALED(status))
		submit_error(p, line, "queue: '%s' was killed by signal %d",
		    submit_q(q80, sizeof(q80), cmd), WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		submit_error(p, line, "queue: '%s' exited %d",
		    submit_q(q80, sizeof(q80), cmd), WEXITSTATUS(status));
	else {
		if (out.s == NULL)
			submit_buf_add(&out, "", 0, SUBMIT_MAX_FILE);
		p->file = "queue command output";
		rc = submit_check_text(p, out.s, out.len);
		if (rc == 0)
			rc = submit_queue_lines(p, out.s, out.s + out.len, 1,
			    &q->items);
		p->file = file;
	}
	free(out.s);
	free(cmd);
	return rc;
#endif
}

static int
submit_queue_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Items from the GLOBs in TEXT, relative to initialdir. */
static int
submit_queue_glob(struct submit_parse *p, int line, const char *text,
    struct submit_queue_stmt *q)
{
	struct submit_list	 pats = { NULL, 0 };
	struct submit_buf	 pat = { NULL, 0, 0 };
	glob_t			 g;
	char			*dir, *m, q80[80];
	size_t			 i, j, n, dlen, len;
	int			 rc = -1, isdir;

	if ((dir = submit_queue_dir(p, 1)) == NULL)
		return -1;
	dlen = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	if (submit_queue_words(p, line, text, strlen(text), &pats) == -1)
		goto out;
	for (i = 0; i < pats.n; i++) {
		if (submit_queue_confined(p, line, pats.v[i]) == -1)
			goto out;
		submit_buf_reset(&pat);
		if (pats.v[i][0] != '/') {
			for (j = 0; j < dlen; j++) {
				if (strchr("*?[]\\", dir[j]) != NULL)
					submit_buf_add(&pat, "\\", 1,
					    SUBMIT_MAX_LINE);
				submit_buf_add(&pat, dir + j, 1,
				    SUBMIT_MAX_LINE);
			}
			submit_buf_add(&pat, "/", 1, SUBMIT_MAX_LINE);
		}
		if (submit_buf_add(&pat, pats.v[i], strlen(pats.v[i]),
		    SUBMIT_MAX_LINE) == -1) {
			submit_error(p, line, "queue: pattern too long");
			goto out;
		}
		memset(&g, 0, sizeof(g));
		switch (glob(pat.s, GLOB_MARK | GLOB_NOSORT, NULL, &g)) {
		case 0:
		case GLOB_NOMATCH:
			break;
		default:
			globfree(&g);
			submit_error(p, line, "queue: cannot expand '%s'",
			    submit_q(q80, sizeof(q80), pats.v[i]));
			goto out;
		}
		for (n = 0; n < g.gl_pathc; n++) {
			m = g.gl_pathv[n];
			len = strlen(m);
			isdir = len > 1 && m[len - 1] == '/';
			if ((isdir && q->files && !q->dirs) ||
			    (!isdir && q->dirs && !q->files))
				continue;
			if (isdir)
				len--;
			if (pats.v[i][0] != '/') {
				m += dlen + 1;
				len -= dlen + 1;
			}
			if (len > JOBDESC_MAX_STR ||
			    submit_queue_add(p, line, &q->items, m,
			    len) == -1) {
				globfree(&g);
				if (len > JOBDESC_MAX_STR)
					submit_error(p, line, "queue: a match "
					    "is too long");
				goto out;
			}
		}
		globfree(&g);
	}
	if (q->items.n > 1) {
		qsort(q->items.v, q->items.n, sizeof(*q->items.v),
		    submit_queue_cmp);
		for (i = j = 1; i < q->items.n; i++) {
			if (strcmp(q->items.v[i], q->items.v[j - 1]) == 0)
				free(q->items.v[i]);
			else
				q->items.v[j++] = q->items.v[i];
		}
		q->items.n = j;
		q->items.v[j] = NULL;
	}
	rc = 0;
out:
	free(pat.s);
	free(dir);
	submit_list_free(&pats);
	return rc;
}

/* Is the word at S (LEN bytes) KW, case-insensitive? */
static int
submit_queue_is(const char *s, size_t len, const char *kw)
{
	return len == strlen(kw) && strncasecmp(s, kw, len) == 0;
}

static void
submit_queue_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/* The count S (LEN bytes): digits or a constant integer expression. */
static int
submit_queue_count(const char *s, size_t len, long long *n)
{
	struct expr		*e;
	struct expr_value	 v;
	char			*t, why[8];
	size_t			 i;
	int			 refs = 0, rc = -1;

	for (i = 0; i < len && text_isdigit(s[i]); i++)
		;
	if (i == len)
		return submit_number(s, len, 0, LLONG_MAX, n) == -1 ?
		    (*n = LLONG_MAX, 0) : 0;
	t = xstrndup(s, len);
	e = expr_parse(t, why, sizeof(why));
	free(t);
	if (e == NULL)
		return -1;
	expr_attrs(e, submit_queue_ref, &refs);
	if (refs == 0) {
		expr_eval(e, NULL, NULL, &v);
		if (v.type == EXPR_INT) {
			*n = v.i;
			rc = 0;
		}
		expr_value_clear(&v);
	}
	expr_free(e);
	return rc;
}

/* Parse the statement's text S into Q (reading on for a multi-line list). */
static int
submit_queue_parse(struct submit_parse *p, const char *s, int line,
    struct submit_queue_stmt *q)
{
	struct submit_buf	 text = { NULL, 0, 0 };
	const char	*w;
	char		*lower, q80[80];
	size_t		 len, i;
	int		 rc = -1, byline, needkw = 0;

	q->count = 1;
	s = submit_queue_ws(s);
	if (text_isdigit(*s) || *s == '(') {
		/* A number, or a constant expression as HTCondor allows. */
		for (len = 0; s[len] != '\0' && !text_isspace(s[len]); len++)
			;
		if (submit_queue_count(s, len, &q->count) == -1)
			return submit_error(p, line, "queue: count '%.*s' is "
			    "not a constant integer", (int)len, s);
		if (q->count < 0 || q->count > SUBMIT_MAX_PROCS)
			return submit_error(p, line, "queue: count too large "
			    "(limit %d)", SUBMIT_MAX_PROCS);
		s = submit_queue_ws(s + len);
	}
	if (*s == '\0')
		return 0;
	for (;;) {
		for (len = 0; submit_queue_isname(s[len]); len++)
			;
		if (len == 0)
			goto bad;
		w = s;
		s += len;
		if (submit_queue_is(w, len, "in"))
			q->form = SQ_IN;
		else if (submit_queue_is(w, len, "from"))
			q->form = SQ_FROM;
		else if (submit_queue_is(w, len, "matching"))
			q->form = SQ_MATCHING;
		if (q->form != SQ_PLAIN)
			break;
		if (needkw) {
			s = w;
			goto bad;
		}
		if (q->vars.n >= SUBMIT_MAX_VARS)
			return submit_error(p, line, "queue: too many "
			    "variables (limit %d)", SUBMIT_MAX_VARS);
		lower = xstrndup(w, len);
		for (i = 0; i < len; i++)
			lower[i] = text_tolower(lower[i]);
		if (submit_macro_reserved(lower)) {
			submit_error(p, line, "queue: '%s' is predefined",
			    submit_q(q80, sizeof(q80), lower));
			free(lower);
			return -1;
		}
		submit_list_add(&q->vars, lower, len, SUBMIT_MAX_VARS);
		free(lower);
		s = submit_queue_ws(s);
		if (*s == ',')
			s = submit_queue_ws(s + 1);
		else
			needkw = 1;
	}
	if (q->vars.n == 0)
		submit_list_add(&q->vars, "item", 4, SUBMIT_MAX_VARS);
	if (q->form != SQ_FROM && q->vars.n > 1)
		return submit_error(p, line, "queue: '%s' takes one variable",
		    q->form == SQ_IN ? "in" : "matching");
	s = submit_queue_ws(s);
	if (q->form == SQ_MATCHING) {
		for (;;) {
			for (len = 0; submit_queue_isname(s[len]); len++)
				;
			if (submit_queue_is(s, len, "files") &&
			    (s[len] == '\0' || text_isspace(s[len])))
				q->files = 1;
			else if (submit_queue_is(s, len, "dirs") &&
			    (s[len] == '\0' || text_isspace(s[len])))
				q->dirs = 1;
			else
				break;
			s = submit_queue_ws(s + len);
		}
	}
	if (*s == '[' && submit_queue_slice(p, line, &s, q) == -1)
		return -1;
	s = submit_queue_ws(s);
	byline = q->form == SQ_FROM;
	if (*s == '(') {
		if (submit_queue_paren(p, s + 1, line, byline, &text) == -1)
			goto out;
	} else if (*s == '\0') {
		submit_error(p, line, "queue: nothing after '%s'",
		    q->form == SQ_IN ? "in" : q->form == SQ_FROM ? "from" :
		    "matching");
		goto out;
	} else if (q->form == SQ_FROM) {
		len = strlen(s);
		if (s[len - 1] == '|' && p->digest != NULL) {
			/*
			 * A command runs once per submit: not in the digest,
			 * whose file is then read again whole.
			 */
			p->not_factory = 1;
			submit_error(p, line, "late materialization (max_"
			    "materialize, max_idle) cannot take its items "
			    "from a command");
			goto out;
		}
		if (s[len - 1] == '|') {
			rc = submit_queue_command(p, line, s, len - 1, q);
			goto out;
		}
		rc = submit_queue_file(p, line, s, q);
		goto out;
	} else
		submit_buf_add(&text, s, strlen(s), SUBMIT_MAX_FILE);
	if (text.s == NULL)
		submit_buf_add(&text, "", 0, SUBMIT_MAX_FILE);
	if (q->form == SQ_IN)
		rc = submit_queue_words(p, line, text.s, text.len, &q->items);
	else if (q->form == SQ_FROM)
		rc = submit_queue_lines(p, text.s, text.s + text.len, line,
		    &q->items);
	else
		rc = submit_queue_glob(p, line, text.s, q);
out:
	free(text.s);
	return rc;

bad:
	return submit_error(p, line, "queue: expected [N] [VAR[,VAR...]] "
	    "in|from|matching ..., not '%s'", submit_q(q80, sizeof(q80), s));
}

/*
 * Split ITEM into one value per variable into VALS: all but the last
 * take a word ending at a comma or white space, the last the rest.
 */
void
submit_queue_fields(const char *item, size_t nvars, char **vals)
{
	const char	*s = item, *e;
	size_t		 i, n;

	for (i = 0; i + 1 < nvars; i++) {
		s = submit_queue_ws(s);
		for (n = 0; s[n] != '\0' && s[n] != ',' &&
		    !text_isspace(s[n]); n++)
			;
		vals[i] = xstrndup(s, n);
		s = submit_queue_ws(s + n);
		if (*s == ',')
			s++;
	}
	s = submit_queue_ws(s);
	for (e = s + strlen(s); e > s && text_isspace(e[-1]); e--)
		;
	vals[i] = xstrndup(s, e - s);
}

/* A queue statement: ARGS is what follows `queue` on LINE. */
int
submit_queue(struct submit_parse *p, const char *args, int line)
{
	struct submit_queue_stmt	 q;
	struct submit_kw_set		*set = NULL;
	struct submit_buf		 b = { NULL, 0, 0 };
	char			*val;
	char			**vals = NULL;
	size_t			 i, nitems, total, k, step;
	int			 rc = -1;

	memset(&q, 0, sizeof(q));
	p->queued = 1;
	p->proc = (uint32_t)p->njobs;
	p->nvars = 0;
	p->item_index = p->step = 0;
	if (submit_macro_value(p, args, line, &b, &val) == -1 ||
	    submit_queue_parse(p, val, line, &q) == -1)
		goto out;
	if (q.form == SQ_PLAIN)
		submit_list_add(&q.items, "", 0, 1);
	submit_queue_apply_slice(&q);
	nitems = q.items.n;
	if (q.count != 0 && nitems > (SUBMIT_MAX_PROCS - p->njobs) /
	    (size_t)q.count) {
		submit_error(p, line, "too many jobs (limit %d)",
		    SUBMIT_MAX_PROCS);
		goto out;
	}
	total = nitems * (size_t)q.count;
	if (p->digest != NULL) {
		/* Recorded for late materialization, its first job built. */
		if (submit_kw_unsupported(p) == -1)
			goto out;
		set = submit_kw_resolve(p, q.vars.v, q.form == SQ_PLAIN ? 0 :
		    q.vars.n);
		rc = submit_digest_queue(p, line, q.count, q.form == SQ_PLAIN ?
		    NULL : &q.vars, &q.items, q.index, set);
		goto out;
	}
	if (p->njobs + total > p->jobscap) {
		p->jobscap = p->njobs + total;
		if (p->jobscap < p->njobs * 2)
			p->jobscap = p->njobs * 2;
		p->jobs = xreallocarray(p->jobs, p->jobscap,
		    sizeof(*p->jobs));
	}
	if (submit_kw_unsupported(p) == -1)
		goto out;
	set = submit_kw_resolve(p, q.vars.v, q.form == SQ_PLAIN ? 0 :
	    q.vars.n);
	if (q.form != SQ_PLAIN)
		vals = xcalloc(q.vars.n, sizeof(*vals));
	for (i = 0; i < nitems; i++) {
		if (vals != NULL) {
			submit_queue_fields(q.items.v[i], q.vars.n, vals);
			p->vars = q.vars.v;
			p->vals = vals;
			p->nvars = q.vars.n;
		}
		p->item_index = q.index != NULL ? q.index[i] : i;
		for (step = 0; step < (size_t)q.count; step++) {
			p->step = step;
			if (submit_kw_build(p, set, (uint32_t)p->njobs, line,
			    &p->jobs[p->njobs]) == -1)
				goto out;
			p->njobs++;
		}
		for (k = 0; vals != NULL && k < q.vars.n; k++) {
			free(vals[k]);
			vals[k] = NULL;
		}
	}
	rc = 0;
out:
	if (vals != NULL)
		for (k = 0; k < q.vars.n; k++)
			free(vals[k]);
	free(vals);
	p->vars = NULL;
	p->vals = NULL;
	p->nvars = 0;
	submit_kw_set_free(set);
	submit_queue_stmt_free(&q);
	free(b.s);
	return rc;
}
