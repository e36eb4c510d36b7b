/*
 * parse_fixture.h: the submit-parsing fixture shared by test_submit*.c and
 * test_jobdesc.c.  Buffers are parsed as "t.sub" from the working
 * directory /home/u with a fixed environment, so every expected path and
 * error message is exact.  Include once per test file, then declare the
 * suite with `.fini = teardown`.
 */
#ifndef CQ_TEST_PARSE_FIXTURE_H
#define CQ_TEST_PARSE_FIXTURE_H

#include <string.h>

#include <criterion/criterion.h>

#include "jobdesc.h"
#include "submit.h"

static char *test_envp[] = {
	"HOME=/home/u", "LANG=C", "PATH=/usr/bin:/bin", NULL
};

static struct jobdesc	*jobs;
static size_t		 njobs;
static char		 err[512];

static void
teardown(void)
{
	jobdesc_free_all(jobs, njobs);
	jobs = NULL;
	njobs = 0;
}

/* Parse TEXT as t.sub; the jobs land in `jobs`, an error in `err`. */
static int
parse(const char *text)
{
	teardown();
	err[0] = '\0';
	return submit_parse_buf("t.sub", text, strlen(text), "/home/u",
	    test_envp, &jobs, &njobs, err, sizeof(err));
}

/* The value of environment variable NAME in JD, or NULL. */
static inline const char *
env_get(const struct jobdesc *jd, const char *name)
{
	size_t	 i, len = strlen(name);

	for (i = 0; i < jd->nenv; i++)
		if (strncmp(jd->env[i], name, len) == 0 &&
		    jd->env[i][len] == '=')
			return jd->env[i] + len + 1;
	return NULL;
}

/* Parse TEXT expecting one job. */
static inline struct jobdesc *
one(const char *text)
{
	cr_assert_eq(parse(text), 0, "parse failed: %s", err);
	cr_assert_eq(njobs, 1);
	return &jobs[0];
}

/* Parse TEXT expecting the error MSG and no job at all. */
static inline void
fails(const char *text, const char *msg)
{
	cr_assert_eq(parse(text), -1, "parse of <%s> succeeded", text);
	cr_assert_str_eq(err, msg);
	cr_assert_null(jobs);
	cr_assert_eq(njobs, 0);
}

#endif
