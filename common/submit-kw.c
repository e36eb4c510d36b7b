/*
 * submit-kw.c: the keywords of the submit language, what each value
 * means, and one job built from the macros as a queue statement finds
 * them (submit_kw_build).
 *
 * Every keyword is a macro the table below gives a setter; for every
 * proc each keyword's latest value is expanded and applied in table
 * order (initialdir before the paths it anchors, getenv before
 * environment), and an empty value means "unset".  HTCondor's meanings:
 * paths relative to initialdir, itself relative to the working
 * directory; arguments and environment in the old and the new
 * (double-quoted) syntax (submit-args.c); sizes with K/M/G/T units (KB, KiB alike, any
 * case, all powers of 1024; memory defaults to MiB, disk to KiB);
 * universe vanilla only; file lists split on commas and white space.
 * `checkpoint = criu` is cq's own.  Invariants: every path stored is
 * absolute and cleaned (transfer_input_files keeps a trailing '/', "the
 * directory's contents"), output and checkpoint file lists are relative
 * and stay inside the sandbox; argv, env, xfer_in and ckpt_files always
 * exist and are NULL-terminated; env holds unique "NAME=value" strings.
 * Errors name the line of the value's definition.  Called by
 * submit-queue.c.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "expr.h"
#include "jobdesc.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

/* The keywords and custom attributes in force at one queue statement. */
struct submit_kw_set {
	const struct submit_keyword	**kw;
	const struct submit_macro	**m;	/* or NULL: ... */
	ssize_t				 *var;	/* ... the loop variable */
	size_t				  n;
	const struct submit_macro	**attrs;
	size_t				  nattrs;
};

static int
submit_kw_universe(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	 q[80];

	if (strcasecmp(val, "vanilla") != 0)
		return submit_error(p, line, "universe '%s' is not supported "
		    "(only vanilla)", submit_q(q, sizeof(q), val));
	return 0;
}

/*
 * A path member: initialdir and executable relative to the working
 * directory, the others relative to initialdir (set before them, see the
 * table).
 */
static int
submit_kw_path(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);
	char	 *path;

	/* As condor_submit: the executable is not under initialdir, and
	 * one that is not transferred is kept as written. */
	if (dst == &jd->executable && !jd->transfer_executable)
		path = xstrdup(val);
	else
		path = text_path(dst == &jd->initialdir ||
		    dst == &jd->executable ? p->cwd : jd->initialdir, val);
	if (strlen(path) > JOBDESC_MAX_STR) {
		free(path);
		return submit_error(p, line, "%s: path too long", kw->name);
	}
	free(*dst);
	*dst = path;
	return 0;
}

static int
submit_kw_text(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);

	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

/*
 * A ClassAd expression (requirements, rank): it must parse, or the error
 * names the line and the column in the value.
 */
static int
submit_kw_expr(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct expr	*e;
	char		 why[160];

	if ((e = expr_parse(val, why, sizeof(why))) == NULL)
		return submit_error(p, line, "%s: not a valid expression: %s",
		    kw->name, why);
	expr_free(e);
	return submit_kw_text(p, jd, kw, val, line);
}

/* Text that may be written as a "string" literal (batch_name). */
static int
submit_kw_name(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	**dst = (char **)((char *)jd + kw->off);
	size_t	  len = strlen(val);

	free(*dst);
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"')
		*dst = xstrndup(val + 1, len - 2);
	else
		*dst = xstrdup(val);
	return 0;
}

static void
submit_kw_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/* Is VAL an expression with attribute references (MY.x * 2)? */
static int
submit_kw_is_expr(const char *val)
{
	struct expr	*e;
	char		 why[8];
	int		 refs = 0;

	/*
	 * A bare word is a bad value, not an expression worth naming; one
	 * with operators is an expression even where cq's parser stops.
	 */
	if (strpbrk(val, "()*+/<>=!?&|{}") == NULL)
		return 0;
	if ((e = expr_parse(val, why, sizeof(why))) == NULL)
		return 1;
	expr_attrs(e, submit_kw_ref, &refs);
	expr_free(e);
	return refs > 0;
}

/* An integer, optionally signed, within [kw->unit.., INT32_MAX]. */
static int
submit_kw_int(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	long long	 n, min = kw->unit;
	int		 neg = val[0] == '-';
	char		 q[80];

	if (val[0] == '+' || val[0] == '-')
		val++;
	if (submit_number(val, strlen(val), 0, (long long)INT32_MAX + neg,
	    &n) == -1 || (neg ? -n : n) < min)
		goto bad;
	*(int64_t *)((char *)jd + kw->off) = neg ? -n : n;
	return 0;

bad:
	if (submit_kw_is_expr(val - neg))
		return submit_error(p, line, "%s: '%s': cq does not support "
		    "expressions here (HTCondor's %s = expression)", kw->name,
		    submit_q(q, sizeof(q), val - neg), kw->name);
	if (min == 1)
		return submit_error(p, line, "%s: '%s' is not a positive "
		    "integer", kw->name, submit_q(q, sizeof(q), val - neg));
	if (min == 0)
		return submit_error(p, line, "%s: '%s' is not a non-negative "
		    "integer", kw->name, submit_q(q, sizeof(q), val - neg));
	return submit_error(p, line, "%s: '%s' is not an integer", kw->name,
	    submit_q(q, sizeof(q), val - neg));
}

static int
submit_kw_exit_code(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	long long	 n;
	char		 q[80];

	if (submit_number(val, strlen(val), 0, 255, &n) == -1)
		return submit_error(p, line, "%s: '%s' is not an exit code "
		    "(0 to 255)", kw->name, submit_q(q, sizeof(q), val));
	jd->checkpoint_exit_code = n;
	return 0;
}

/*
 * A size: a number (with an optional fraction), optional blanks, optional
 * K/M/G/T, then nothing, B or iB, in any case; kw->unit (1 = KiB, 2 =
 * MiB) is both the default unit and the unit stored.  Rounds up, as
 * condor_submit does (1.7GB is 1741 MiB).
 */
static int
submit_kw_size(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	static const char	 units[] = "KMGTkmgt";
	const char		*s, *u, *frac = NULL;
	long long		 n, f = 0, fden = 1, d;
	int			 e = kw->unit, unit = kw->unit, i;
	size_t			 nfrac = 0;
	char			 q[80];

	for (s = val; text_isdigit(*s); s++)
		;
	if (submit_number(val, s - val, 0, LLONG_MAX, &n) == -1)
		goto bad;
	if (*s == '.') {
		frac = ++s;
		for (; text_isdigit(*s); s++)
			;
		nfrac = s - frac;
		if (nfrac > 15)
			nfrac = 15;	/* beyond a double's digits anyway */
		for (i = 0; i < (int)nfrac; i++) {
			f = f * 10 + (frac[i] - '0');
			fden *= 10;
		}
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0') {
		if ((u = strchr(units, *s)) == NULL)
			goto bad;
		e = (u - units) % 4 + 1;
		s++;
		if ((*s == 'i' || *s == 'I') && (s[1] == 'B' || s[1] == 'b'))
			s += 2;
		else if (*s == 'B' || *s == 'b')
			s++;
		if (*s != '\0')
			goto bad;
	}
	/* n + f/fden in unit e, into unit `unit`, rounded up. */
	for (i = unit; i < e; i++) {
		if (n > INT64_MAX / 1024 / 2)
			return submit_error(p, line, "%s: '%s' is too large",
			    kw->name, submit_q(q, sizeof(q), val));
		n *= 1024;
		f *= 1024;
		n += f / fden;
		f %= fden;
	}
	d = 1;
	for (i = e; i < unit; i++)
		d *= 1024;
	/* (n + f/fden) / d, rounded up: (n*fden + f) / (d*fden). */
	if (fden > 1 || d > 1) {
		if (n > (INT64_MAX - fden) / fden)
			n = n / d + 1;	/* huge: the fraction is noise */
		else
			n = (n * fden + f + d * fden - 1) / (d * fden);
	}
	*(int64_t *)((char *)jd + kw->off) = n;
	return 0;

bad:
	if (strchr(val, ',') != NULL)
		return submit_error(p, line, "%s: '%s': cq does not support a "
		    "list of sizes (HTCondor's larger request at each retry)",
		    kw->name, submit_q(q, sizeof(q), val));
	if (submit_kw_is_expr(val))
		return submit_error(p, line, "%s: '%s': cq does not support "
		    "expressions here (HTCondor's %s = expression)", kw->name,
		    submit_q(q, sizeof(q), val), kw->name);
	return submit_error(p, line, "%s: bad size '%s' (a number, optionally "
	    "followed by K, M, G or T)", kw->name, submit_q(q, sizeof(q), val));
}

/*
 * VAL as one of HTCondor's spellings in NAMES (pairs of spelling and the
 * name cq keeps), case-insensitive; NULL if none.
 */
static const char *
submit_kw_alias(const char *val, const char *const *names)
{
	for (; names[0] != NULL; names += 2)
		if (strcasecmp(val, names[0]) == 0)
			return names[1];
	return NULL;
}

static int
submit_kw_xfer(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	 q[80];
	int	 v;

	/* condor_submit's other spellings of each. */
	static const char *const alias[] = { "YES", "YES", "TRUE", "YES",
	    "ALWAYS", "YES", "NO", "NO", "FALSE", "NO", "NEVER", "NO",
	    "IF_NEEDED", "IF_NEEDED", "AUTO", "IF_NEEDED", NULL, NULL };
	const char	*a;

	if ((a = submit_kw_alias(val, alias)) == NULL ||
	    (v = jobdesc_xfer_parse(a)) == -1)
		return submit_error(p, line, "%s: expected YES, NO or "
		    "IF_NEEDED, not '%s'", kw->name, submit_q(q, sizeof(q),
		    val));
	jd->should_transfer = v;
	return 0;
}

static int
submit_kw_when(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	 q[80];
	int	 v;

	static const char *const alias[] = { "ON_EXIT", "ON_EXIT",
	    "ONEXIT", "ON_EXIT", "ON_EXIT_OR_EVICT", "ON_EXIT_OR_EVICT",
	    "ALWAYS", "ON_EXIT_OR_EVICT", NULL, NULL };
	const char	*a;

	if (strcasecmp(val, "ON_SUCCESS") == 0 ||
	    strcasecmp(val, "ONSUCCESS") == 0 || strcasecmp(val, "NONE") == 0 ||
	    strcasecmp(val, "NULL") == 0)
		return submit_error(p, line, "%s: cq does not support %s "
		    "(HTCondor's when_to_transfer_output = %s)", kw->name,
		    strncasecmp(val, "ON", 2) == 0 ? "transferring output only "
		    "on success" : "jobs that transfer no output",
		    submit_q(q, sizeof(q), val));
	if ((a = submit_kw_alias(val, alias)) == NULL ||
	    (v = jobdesc_when_parse(a)) == -1)
		return submit_error(p, line, "%s: expected ON_EXIT or "
		    "ON_EXIT_OR_EVICT, not '%s'", kw->name,
		    submit_q(q, sizeof(q), val));
	jd->when_to_transfer = v;
	return 0;
}

/* A relative path inside the sandbox, cleaned; NULL if it is not one. */
static char *
submit_kw_relative(const char *s)
{
	const char	*c;
	char		*path;

	if (*s == '/')
		return NULL;
	for (c = s; c != NULL; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
			return NULL;
	}
	path = text_path("/", s);
	if (strcmp(path, "/") == 0) {
		free(path);
		return NULL;
	}
	memmove(path, path + 1, strlen(path));
	return path;
}

/*
 * A file list: kw->unit 1 for transfer_input_files (absolute, relative
 * to initialdir, a trailing '/' kept), 0 for the sandbox-relative lists.
 */
static int
submit_kw_files(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct submit_list	 l = { NULL, 0 };
	char	***dst = (char ***)((char *)jd + kw->off), *path, q[80];
	size_t	  i, len, *n;

	if (dst == &jd->xfer_in)
		n = &jd->nxfer_in;
	else if (dst == &jd->xfer_out)
		n = &jd->nxfer_out;
	else
		n = &jd->nckpt_files;

	if (submit_words(p, line, kw->name, val, &l) == -1)
		return -1;
	for (i = 0; i < l.n; i++) {
		if (strstr(l.v[i], "://") != NULL) {
			submit_error(p, line, "%s: '%s': URLs are not "
			    "supported", kw->name, submit_q(q, sizeof(q),
			    l.v[i]));
			goto fail;
		}
		if (kw->unit) {
			path = text_path(jd->initialdir, l.v[i]);
			len = strlen(l.v[i]);
			if (l.v[i][len - 1] == '/' && strcmp(path, "/") != 0) {
				len = strlen(path);
				path = xreallocarray(path, len + 2, 1);
				path[len] = '/';
				path[len + 1] = '\0';
			}
		} else if ((path = submit_kw_relative(l.v[i])) == NULL) {
			if (l.v[i][0] == '/')
				submit_error(p, line, "%s: '%s': cq does not "
				    "support absolute paths here (HTCondor's "
				    "output files from outside the job's "
				    "directory)", kw->name, submit_q(q,
				    sizeof(q), l.v[i]));
			else
				submit_error(p, line, "%s: '%s' is not a "
				    "relative path inside the job's directory",
				    kw->name, submit_q(q, sizeof(q), l.v[i]));
			goto fail;
		}
		if (strlen(path) > JOBDESC_MAX_STR) {
			free(path);
			submit_error(p, line, "%s: path too long", kw->name);
			goto fail;
		}
		free(l.v[i]);
		l.v[i] = path;
	}
	if (l.v == NULL)
		l.v = xcalloc(1, sizeof(*l.v));
	submit_list_free(&(struct submit_list){ *dst, *n });
	*dst = l.v;
	*n = l.n;
	return 0;

fail:
	submit_list_free(&l);
	return -1;
}

static int
submit_kw_notification(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	static const char	*names[] = { "error", "complete", "always",
	    "start" };
	size_t	 i;
	char	 q[80];

	if (strcasecmp(val, "never") == 0) {
		free(jd->notification);
		jd->notification = xstrdup("never");
		return 0;
	}
	/* Mail asked for is not sent: refused, not kept in silence. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(val, names[i]) == 0)
			return submit_error(p, line, "%s: cq does not support "
			    "e-mail notifications (only never; HTCondor's "
			    "notification = %s)", kw->name, names[i]);
	return submit_error(p, line, "%s: expected never, error, complete, "
	    "start or always, not '%s'", kw->name,
	    submit_q(q, sizeof(q), val));
}

static int
submit_kw_checkpoint(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	 q[80];

	if (strcasecmp(val, "criu") != 0)
		return submit_error(p, line, "%s: '%s' is not supported (only "
		    "criu)", kw->name, submit_q(q, sizeof(q), val));
	free(jd->checkpoint);
	jd->checkpoint = xstrdup("criu");
	return 0;
}

/* kill_sig: a signal by name (SIGTERM, TERM, any case) or number. */
static int
submit_kw_signal(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	static const char	*names[] = { NULL, "HUP", "INT", "QUIT",
	    "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
	    "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",
	    "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
	    "WINCH", "IO", "PWR", "SYS" };
	const char	*s = val;
	long long	 n;
	size_t		 i, nnames = sizeof(names) / sizeof(names[0]);
	char		 q[80];

	if (submit_number(s, strlen(s), 1, (long long)nnames - 1, &n) == 0)
		i = n;
	else {
		if (strncasecmp(s, "SIG", 3) == 0)
			s += 3;
		for (i = 1; i < nnames; i++)
			if (strcasecmp(s, names[i]) == 0)
				break;
		if (i == nnames)
			return submit_error(p, line, "%s: '%s' is not a "
			    "signal", kw->name, submit_q(q, sizeof(q), val));
	}
	free(jd->kill_sig);
	xasprintf(&jd->kill_sig, "SIG%s", names[i]);
	return 0;
}

/*
 * accounting_group, accounting_group_user and concurrency_limits: the
 * submitter fair share charges (group.user) and the named resources the
 * job holds while it runs, checked as the scheduler checks them.
 */
static int
submit_kw_acct(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char		**dst = (char **)((char *)jd + kw->off), *old;
	const char	*errstr = NULL;
	size_t		  len = strlen(val);

	if (dst == &jd->accounting_group_user && jd->accounting_group == NULL)
		return submit_error(p, line, "accounting_group_user: needs "
		    "accounting_group (the submitter is group.user)");
	old = *dst;
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"')
		*dst = xstrndup(val + 1, len - 2);
	else
		*dst = xstrdup(val);
	if (jobdesc_check_acct(jd, &errstr) == -1) {
		free(*dst);
		*dst = old;
		return submit_error(p, line, "%s", errstr);
	}
	free(old);
	return 0;
}

/* VAL of a boolean keyword into *B; -1 (said, with the line) if it is none. */
static int
submit_kw_bool(struct submit_parse *p, const struct submit_keyword *kw,
    const char *val, int line, int *b)
{
	char	q[80];

	if ((*b = submit_bool(val)) == -1)
		return submit_error(p, line, "%s: expected true or false, not "
		    "'%s'", kw->name, submit_q(q, sizeof(q), val));
	return 0;
}

/* nice_user = true: fair share charges the job to nice-user.OWNER. */
static int
submit_kw_nice(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	return submit_kw_bool(p, kw, val, line, &jd->nice_user);
}

/*
 * A job policy expression (scheduler/jobend.c evaluates it): refused here
 * if it does not parse, so the error names the file and line.  kw->unit 1:
 * an exit code only (success_exit_code); 2: an exit code or an expression
 * (retry_until).  Kept as written.
 */
static int
submit_kw_policy(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char		**dst = (char **)((char *)jd + kw->off);
	struct expr	 *e;
	long long	  n;
	char		  why[160], q[80];

	if (kw->unit != 0 &&
	    submit_number(val, strlen(val), 0, 255, &n) == 0) {
		free(*dst);
		xasprintf(dst, "%lld", n);
		return 0;
	}
	if (kw->unit == 1)
		return submit_error(p, line, "%s: '%s' is not an exit code "
		    "(0 to 255)", kw->name, submit_q(q, sizeof(q), val));
	if ((e = expr_parse(val, why, sizeof(why))) == NULL)
		return submit_error(p, line, "%s: %s", kw->name, why);
	expr_free(e);
	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

/*
 * transfer_executable = false: the executable is not sent; the agent runs
 * the path as written, a relative one from the job's directory there
 * (condor_submit leaves it unresolved).  condor_submit takes a value that
 * begins with F as false and any other as true, so "no" or 0, which cq
 * reads as false elsewhere, would send it there: refused rather than
 * read otherwise.
 */
static int
submit_kw_xferexe(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	char	q[80];
	int	b;

	if (*val == 'f' || *val == 'F') {
		jd->transfer_executable = 0;
		return 0;
	}
	if (submit_kw_bool(p, kw, val, line, &b) == -1)
		return -1;
	if (!b)
		return submit_error(p, line, "%s: '%s' is false to cq but "
		    "true to condor_submit (only a value beginning with F is "
		    "false there): write false", kw->name,
		    submit_q(q, sizeof(q), val));
	jd->transfer_executable = b;
	return 0;
}

/* hold = true: the job enters the queue HELD (HTCondor's code 15). */
static int
submit_kw_hold(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	return submit_kw_bool(p, kw, val, line, &jd->hold);
}

/* skip_filechecks: no existence checks for this job (condor_submit's). */
static int
submit_kw_skipcheck(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	return submit_kw_bool(p, kw, val, line, &p->skip_checks);
}

#define OFF(m)	offsetof(struct jobdesc, m)

/* The keywords, applied in this order for every proc. */
static const struct submit_keyword submit_kw_table[] = {
	{ "universe",		submit_kw_universe, 0, 0, "JobUniverse" },
	{ "initialdir",		submit_kw_path, OFF(initialdir), 0,
	    "initial_dir job_iwd Iwd" },
	{ "transfer_executable", submit_kw_xferexe, 0, 0,
	    "TransferExecutable" },
	{ "executable",		submit_kw_path, OFF(executable), 0, "Cmd" },
	{ "arguments",		submit_args_arguments, 0, 0, "Args" },
	{ "input",		submit_kw_path, OFF(input), 0, "stdin" },
	{ "output",		submit_kw_path, OFF(output), 0, "stdout" },
	{ "error",		submit_kw_path, OFF(error), 0, "stderr" },
	{ "log",		submit_kw_path, OFF(log), 0, "UserLog" },
	{ "request_cpus",	submit_kw_int, OFF(request_cpus), 1,
	    "RequestCpus" },
	{ "request_memory",	submit_kw_size, OFF(request_memory_mb), 2,
	    "RequestMemory" },
	{ "request_disk",	submit_kw_size, OFF(request_disk_kb), 1,
	    "RequestDisk" },
	{ "requirements",	submit_kw_expr, OFF(requirements), 0, NULL },
	{ "rank",		submit_kw_expr, OFF(rank), 0, "preferences" },
	{ "priority",		submit_kw_int, OFF(priority), INT32_MIN,
	    "JobPrio" },
	{ "getenv",		submit_args_getenv, 0, 0, NULL },
	{ "environment",	submit_args_environment, 0, 0, "env" },
	{ "should_transfer_files", submit_kw_xfer, 0, 0,
	    "ShouldTransferFiles" },
	{ "when_to_transfer_output", submit_kw_when, 0, 0,
	    "WhenToTransferOutput" },
	{ "transfer_input_files", submit_kw_files, OFF(xfer_in), 1,
	    "TransferInputFiles" },
	{ "transfer_output_files", submit_kw_files, OFF(xfer_out), 0,
	    "TransferOutputFiles" },
	{ "transfer_checkpoint_files", submit_kw_files, OFF(ckpt_files), 0,
	    NULL },
	{ "max_retries",	submit_kw_int, OFF(max_retries), 0,
	    "JobMaxRetries" },
	{ "batch_name",		submit_kw_name, OFF(batch_name), 0,
	    "JobBatchName" },
	{ "notification",	submit_kw_notification, 0, 0,
	    "JobNotification" },
	{ "checkpoint_exit_code", submit_kw_exit_code, 0, 0, NULL },
	{ "checkpoint",		submit_kw_checkpoint, 0, 0, NULL },
	{ "kill_sig",		submit_kw_signal, 0, 0, "KillSig" },
	{ "on_exit_remove",	submit_kw_policy, OFF(on_exit_remove), 0,
	    "OnExitRemove" },
	{ "on_exit_hold",	submit_kw_policy, OFF(on_exit_hold), 0,
	    "OnExitHold" },
	{ "on_exit_hold_reason", submit_kw_policy, OFF(on_exit_hold_reason),
	    0, "OnExitHoldReason" },
	{ "on_exit_hold_subcode", submit_kw_policy, OFF(on_exit_hold_subcode),
	    0, "OnExitHoldSubCode" },
	{ "periodic_hold",	submit_kw_policy, OFF(periodic_hold), 0,
	    "PeriodicHold" },
	{ "periodic_hold_reason", submit_kw_policy, OFF(periodic_hold_reason),
	    0, "PeriodicHoldReason" },
	{ "periodic_hold_subcode", submit_kw_policy,
	    OFF(periodic_hold_subcode), 0, "PeriodicHoldSubCode" },
	{ "periodic_release",	submit_kw_policy, OFF(periodic_release), 0,
	    "PeriodicRelease" },
	{ "periodic_remove",	submit_kw_policy, OFF(periodic_remove), 0,
	    "PeriodicRemove" },
	{ "success_exit_code",	submit_kw_policy, OFF(success_exit_code), 1,
	    "JobSuccessExitCode" },
	{ "retry_until",	submit_kw_policy, OFF(retry_until), 2, NULL },
	{ "accounting_group",	submit_kw_acct, OFF(accounting_group), 0,
	    "AccountingGroup" },
	{ "accounting_group_user", submit_kw_acct,
	    OFF(accounting_group_user), 0, "AcctGroupUser" },
	{ "concurrency_limits",	submit_kw_acct, OFF(concurrency_limits), 0,
	    "ConcurrencyLimits" },
	{ "nice_user",		submit_kw_nice, 0, 0, NULL },
	{ "hold",		submit_kw_hold, 0, 0, NULL },
	{ "skip_filechecks",	submit_kw_skipcheck, 0, 0, NULL },
};
#define SUBMIT_NKW (sizeof(submit_kw_table) / sizeof(submit_kw_table[0]))

int
submit_kw_known(const char *name)
{
	/* Read by submit-factory.c: a job has nothing of them. */
	static const char *const late[] = { "max_materialize", "max_idle",
	    "materialize_max_idle" };
	const char	*alt;
	size_t		 i, n, len = strlen(name);

	if (strcmp(name, "arguments2") == 0)
		return 1;
	for (i = 0; i < SUBMIT_NKW; i++) {
		if (strcmp(submit_kw_table[i].name, name) == 0)
			return 1;
		/* condor_submit's other names, which cq takes too. */
		for (alt = submit_kw_table[i].alt; alt != NULL; alt += n + 1) {
			n = strcspn(alt, " ");
			if (n == len && strncasecmp(alt, name, n) == 0)
				return 1;
			if (alt[n] == '\0')
				break;
		}
	}
	for (i = 0; i < sizeof(late) / sizeof(late[0]); i++)
		if (strcmp(late[i], name) == 0)
			return 1;
	return 0;
}

/* The macro of one of condor_submit's other names ALT ("a b"), or NULL. */
static struct submit_macro *
submit_kw_alt(struct submit_parse *p, const char *alt)
{
	struct submit_macro	*m;
	size_t			 n;

	for (;;) {
		n = strcspn(alt, " ");
		if ((m = submit_macro_find(p, alt, n)) != NULL &&
		    m->attr == NULL)
			return m;
		if (alt[n] == '\0')
			return NULL;
		alt += n + 1;
	}
}

/*
 * The keywords and attributes set as a queue statement finds them,
 * looked up once so that building each proc costs only its expansions.
 * A loop variable named like a keyword (`queue input,arguments from
 * ...`) sets that keyword, as in HTCondor.
 */
struct submit_kw_set *
submit_kw_resolve(struct submit_parse *p, char **vars, size_t nvars)
{
	struct submit_kw_set	*set;
	struct submit_macro	*m, *m2;
	const char		*name;
	size_t			 i, v;

	set = xcalloc(1, sizeof(*set));
	set->kw = xcalloc(SUBMIT_NKW, sizeof(*set->kw));
	set->m = xcalloc(SUBMIT_NKW, sizeof(*set->m));
	set->var = xcalloc(SUBMIT_NKW, sizeof(*set->var));
	for (i = 0; i < SUBMIT_NKW; i++) {
		name = submit_kw_table[i].name;
		for (v = 0; v < nvars; v++)
			if (strcmp(vars[v], name) == 0)
				break;
		m = v < nvars ? NULL : submit_macro_find(p, name, strlen(name));
		/* arguments2 (the new syntax) wins, as in condor_submit. */
		if (v == nvars && strcmp(name, "arguments") == 0 &&
		    (m2 = submit_macro_find(p, "arguments2", 10)) != NULL)
			m = m2;
		if (v == nvars && m == NULL && submit_kw_table[i].alt != NULL)
			m = submit_kw_alt(p, submit_kw_table[i].alt);
		if (v == nvars && m == NULL)
			continue;
		set->kw[set->n] = &submit_kw_table[i];
		set->var[set->n] = v < nvars ? (ssize_t)v : -1;
		set->m[set->n++] = m;
	}
	set->attrs = xcalloc(p->nmacros + 1, sizeof(*set->attrs));
	for (i = 0; i < p->nmacros; i++)
		if (p->macros[i].attr != NULL)
			set->attrs[set->nattrs++] = &p->macros[i];
	return set;
}

void
submit_kw_set_free(struct submit_kw_set *set)
{
	if (set == NULL)
		return;
	free(set->kw);
	free(set->m);
	free(set->var);
	free(set->attrs);
	free(set);
}

static void
submit_kw_count_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/*
 * A constant expression's value (2 * 1024, "a" + 1 is an error) as JSON,
 * or NULL if VAL is not constant or not an integer, real, boolean or
 * string.
 */
static struct json_object *
submit_kw_const(const char *val)
{
	struct expr		*e;
	struct expr_value	 v;
	struct json_object	*o = NULL;
	char			 why[8];
	int			 refs = 0;

	if ((e = expr_parse(val, why, sizeof(why))) == NULL)
		return NULL;
	expr_attrs(e, submit_kw_count_ref, &refs);
	if (refs == 0) {
		expr_eval(e, NULL, NULL, &v);
		switch (v.type) {
		case EXPR_INT:
			o = json_object_new_int64(v.i);
			break;
		case EXPR_REAL:
			o = json_object_new_double(v.r);
			break;
		case EXPR_BOOL:
			o = json_object_new_boolean(v.b);
			break;
		case EXPR_STRING:
			o = json_object_new_string(v.s);
			break;
		default:
			break;
		}
		expr_value_clear(&v);
	}
	expr_free(e);
	return o;
}

/*
 * A custom value keeps its ClassAd type: an integer, a real, a boolean
 * or a "string" literal, or a constant expression's value.  An expression
 * that refers to attributes (alpha, Owner == "u") is refused: cq's ads
 * hold values, not expressions, and taking it as the text would change
 * its meaning.
 */
static struct json_object *
submit_kw_custom(struct submit_parse *p, const struct submit_macro *m,
    const char *val)
{
	struct submit_buf	 b = { NULL, 0, 0 };
	struct json_object *o;
	const char	*s = val;
	char		 q[80];
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
	if ((o = submit_kw_const(val)) != NULL)
		return o;
	submit_error(p, m->line, "+%s: cq does not support ClassAd "
	    "expressions as attribute values ('%s'; HTCondor's +Attr = "
	    "expression): write a number, true, false or a \"string\"",
	    m->attr, submit_q(q, sizeof(q), val));
	return NULL;
}

/*
 * +ExpectedRuntime is the job's expected run time in seconds, which the
 * scheduler's placement reads (docs/matchmaking.md): a number, at least
 * 0, or the submit is refused (never read as unknown in silence).
 */
static int
submit_kw_runtime(struct submit_parse *p, const struct submit_macro *m,
    struct json_object *o)
{
	double	d;

	if (strcasecmp(m->attr, "ExpectedRuntime") != 0)
		return 0;
	if (json_object_is_type(o, json_type_int) &&
	    json_object_get_int64(o) >= 0)
		return 0;
	if (json_object_is_type(o, json_type_double)) {
		d = json_object_get_double(o);
		if (d >= 0 && d < 1e15)
			return 0;
	}
	return submit_error(p, m->line, "+%s: expected the job's run time "
	    "in seconds (a number, at least 0)", m->attr);
}

/*
 * PATH (of kind K, for the cache) must exist, as a directory if DIR, else
 * as anything but one: condor_submit's checks at submit time.
 */
static int
submit_kw_exists(struct submit_parse *p, int k, const char *what,
    const char *path, int dir, int line)
{
	struct stat	 st;
	char		 q[160];

	if (p->checked[k] != NULL && strcmp(p->checked[k], path) == 0)
		return 0;
	if (stat(path, &st) == -1)
		return submit_error(p, line, "%s '%s': %s", what,
		    submit_q(q, sizeof(q), path), strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return submit_error(p, line, "%s '%s': not a directory", what,
		    submit_q(q, sizeof(q), path));
	if (!dir && S_ISDIR(st.st_mode) && k == 1)
		return submit_error(p, line, "%s '%s': a directory", what,
		    submit_q(q, sizeof(q), path));
	free(p->checked[k]);
	p->checked[k] = xstrdup(path);
	return 0;
}

/* The files JD names that must exist before it is queued. */
static int
submit_kw_check(struct submit_parse *p, struct jobdesc *jd, const int *lines)
{
	char	*path;
	size_t	 i, n;
	int	 rc = 0;

	if (!p->opts->check_files || p->skip_checks)
		return 0;
	if (lines[0] != 0 && submit_kw_exists(p, 0, "initialdir",
	    jd->initialdir, 1, lines[0]) == -1)
		return -1;
	/* One that is not transferred is the execute machine's. */
	if (jd->transfer_executable && submit_kw_exists(p, 1, "executable",
	    jd->executable, 0, lines[1]) == -1)
		return -1;
	if (jd->input != NULL && submit_kw_exists(p, 2, "input", jd->input, 0,
	    lines[2]) == -1)
		return -1;
	for (i = 0; rc == 0 && i < jd->nxfer_in; i++) {
		path = xstrdup(jd->xfer_in[i]);
		n = strlen(path);
		if (n > 1 && path[n - 1] == '/')
			path[n - 1] = '\0';
		rc = submit_kw_exists(p, 3, "transfer_input_files", path, 0,
		    lines[3]);
		free(path);
	}
	return rc;
}

/* Build proc PROC into JD from the settings SET of the queue on QLINE. */
int
submit_kw_build(struct submit_parse *p, const struct submit_kw_set *set,
    uint32_t proc, int qline, struct jobdesc *jd)
{
	const struct submit_macro	*m;
	struct submit_buf		 b = { NULL, 0, 0 };
	struct json_object		*o;
	char			*val;
	size_t			 i;
	int			 line, lines[4] = { 0, 0, 0, 0 };

	memset(jd, 0, sizeof(*jd));
	p->skip_checks = 0;
	jd->proc = proc;
	jd->initialdir = xstrdup(p->cwd);
	jd->argv = xcalloc(1, sizeof(*jd->argv));
	jd->env = xcalloc(1, sizeof(*jd->env));
	jd->xfer_in = xcalloc(1, sizeof(*jd->xfer_in));
	jd->ckpt_files = xcalloc(1, sizeof(*jd->ckpt_files));
	jobdesc_defaults(jd);
	jd->custom = json_object_new_object();
	p->proc = proc;

	for (i = 0; i < set->n; i++) {
		if ((m = set->m[i]) == NULL) {
			/* The item's text, expanded: the queue's line. */
			line = qline;
			if (submit_macro_value(p, p->vals[set->var[i]], line,
			    &b, &val) == -1)
				goto fail;
		} else {
			if (submit_macro_value(p, m->value, m->line, &b,
			    &val) == -1)
				goto fail;
			line = m->line;
		}
		if (*val != '\0' &&
		    set->kw[i]->set(p, jd, set->kw[i], val, line) == -1)
			goto fail;
		if (set->kw[i]->off == OFF(initialdir))
			lines[0] = line;
		else if (set->kw[i]->off == OFF(executable))
			lines[1] = line;
		else if (set->kw[i]->off == OFF(input))
			lines[2] = line;
		else if (set->kw[i]->off == OFF(xfer_in))
			lines[3] = line;
	}
	for (i = 0; i < set->nattrs; i++) {
		m = set->attrs[i];
		if (submit_macro_value(p, m->value, m->line, &b, &val) == -1)
			goto fail;
		if (*val == '\0')
			continue;
		/* An undefined attribute reads as one not there, in every
		 * expression: it is left out of the ad. */
		if (strcasecmp(val, "undefined") == 0) {
			json_object_object_del(jd->custom, m->attr);
			continue;
		}
		if ((o = submit_kw_custom(p, m, val)) == NULL ||
		    submit_kw_runtime(p, m, o) == -1) {
			json_object_put(o);
			goto fail;
		}
		json_object_object_add(jd->custom, m->attr, o);
	}
	if (jd->executable == NULL) {
		submit_error(p, qline, "no executable");
		goto fail;
	}
	if (submit_kw_check(p, jd, lines) == -1)
		goto fail;
	free(b.s);
	return 0;

fail:
	free(b.s);
	jobdesc_free(jd);
	return -1;
}
