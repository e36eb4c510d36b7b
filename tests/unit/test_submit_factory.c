/*
 * test_submit_factory.c: unit tests of late materialization's parser
 * side (common/submit-factory.c): for each queue form, the jobs the
 * factory builds from a digest, one at a time, are byte for byte the
 * jobs the whole parse builds; files that cannot be a factory are told
 * apart (1) or refused with file and line when they set max_materialize;
 * max_materialize and max_idle are read; a factory's text may hold no
 * queue statement.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "jobdesc.h"
#include "submit.h"
#include "xmalloc.h"

#include "parse_fixture.h"

TestSuite(submit_factory, .fini = teardown);

static char	path[64];

/* Write TEXT to a temporary submit file (path). */
static void
write_sub(const char *text)
{
	FILE	*f;
	int	 fd;

	strlcpy(path, "/tmp/test_submit_factory.XXXXXX", sizeof path);
	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
}

/* Digest TEXT: 0, 1 or -1 as submit_digest_file, with *D. */
static int
digest(const char *text, struct submit_digest **d)
{
	int	rc;

	write_sub(text);
	err[0] = '\0';
	rc = submit_digest_file(path, "/home/u", test_envp, d, err,
	    sizeof err);
	unlink(path);
	return rc;
}

/* The factory's jobs of TEXT equal the whole parse's, all N of them. */
static void
same(const char *text, size_t n)
{
	struct submit_digest	*d;
	struct submit_factory	*f;
	struct jobdesc		 jd;
	char			*a, *b, ferr[512];
	size_t			 p, la, lb, i;

	cr_assert_eq(parse(text), 0, "parse: %s", err);
	cr_assert_eq(njobs, n);
	cr_assert_eq(digest(text, &d), 0, "digest: %s", err);
	cr_assert_eq(d->total, n);
	cr_assert(d->has_first);
	cr_assert_eq(submit_factory_new("t.sub", d->text, d->textlen,
	    "/home/u", test_envp, d->vars, d->nvars, d->line, &f, ferr,
	    sizeof ferr), 0, "factory: %s", ferr);
	for (p = 0; p < n; p++) {
		i = p / d->count;
		cr_assert_eq(submit_factory_job(f, (uint32_t)p, d->items[i],
		    d->index != NULL ? d->index[i] : i, p % d->count, &jd,
		    ferr, sizeof ferr), 0, "job %zu: %s", p, ferr);
		a = jobdesc_wire_text(&jd, &la);
		b = jobdesc_wire_text(&jobs[p], &lb);
		cr_assert_str_eq(a, b, "job %zu differs", p);
		if (p == 0) {
			free(a);
			a = jobdesc_wire_text(&d->first, &la);
			cr_assert_str_eq(a, b, "the first job differs");
		}
		free(a);
		free(b);
		jobdesc_free(&jd);
	}
	submit_factory_free(f);
	submit_digest_free(d);
}

Test(submit_factory, plain_count)
{
	same("executable = /bin/echo\narguments = $(Process) $(Step) "
	    "$(Cluster)\noutput = o.$(Process)\nqueue 7\n", 7);
}

Test(submit_factory, in_list)
{
	same("executable = /bin/echo\narguments = $(name) $(ItemIndex) "
	    "$(Row) $(Step)\nqueue 2 name in (alpha, beta gamma)\n", 6);
}

Test(submit_factory, from_inline_vars)
{
	same("executable = /bin/sh\nrequest_memory = $(mem)\n"
	    "queue mem, arguments from (\n64 -c true\n128,-c false\n"
	    "# a comment\n256 -c 'exit 3'\n)\n", 3);
}

Test(submit_factory, slice)
{
	same("executable = /bin/echo\narguments = $(Item) $(ItemIndex)\n"
	    "queue 1 in [1:6:2] (a b c d e f g)\n", 3);
}

Test(submit_factory, env_and_getenv)
{
	same("executable = /bin/echo\narguments = $ENV(HOME)\n"
	    "getenv = true\nqueue 2\n", 2);
}

Test(submit_factory, not_a_factory)
{
	struct submit_digest	*d = NULL;

	cr_assert_eq(digest("executable = /bin/true\nqueue 2\nqueue 3\n",
	    &d), 1, "%s", err);
	cr_assert_null(d);
	cr_assert_eq(digest("executable = /bin/true\nqueue 2\n"
	    "arguments = x\n", &d), 1, "%s", err);
	cr_assert_null(d);
}

Test(submit_factory, max_materialize)
{
	struct submit_digest	*d = NULL;

	cr_assert_eq(digest("executable = /bin/true\nmax_materialize = 7\n"
	    "materialize_max_idle = 3\nqueue 20\n", &d), 0, "%s", err);
	cr_assert_eq(d->max_materialize, 7);
	cr_assert_eq(d->max_idle, 3);
	cr_assert_eq(d->total, 20);
	submit_digest_free(d);
	cr_assert_eq(digest("executable = /bin/true\nmax_idle = 0\n"
	    "queue 2\n", &d), -1);
	cr_assert(strstr(err, ":2: max_idle: not a number of jobs") != NULL,
	    "%s", err);
	cr_assert_eq(digest("executable = /bin/true\nmax_materialize = 5\n"
	    "queue 2\nqueue 2\n", &d), -1);
	cr_assert(strstr(err, ":4: late materialization") != NULL, "%s",
	    err);
}

Test(submit_factory, text_without_queue)
{
	struct submit_factory	*f = NULL;
	char			 ferr[256];
	const char		*t = "executable = /bin/true\nqueue 2\n";

	cr_assert_eq(submit_factory_new("t.sub", t, strlen(t), "/home/u",
	    test_envp, NULL, 0, 2, &f, ferr, sizeof ferr), -1);
	cr_assert_null(f);
	cr_assert(strstr(ferr, "no queue statement") != NULL ||
	    strstr(ferr, "late materialization") != NULL, "%s", ferr);
}
