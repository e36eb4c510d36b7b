/*
 * parse_fixture.h: the submit-parsing fixture shared by test_submit.c and
 * test_jobdesc.c.  Buffers are parsed as "t.sub" from the working
 * directory /home/u with a fixed environment, so every expected path and
 * error message is exact.  Include once per test file, then declare the
 * suite with `.fini = teardown`.
 */
#ifndef CQ_TEST_PARSE_FIXTURE_H
#define CQ_TEST_PARSE_FIXTURE_H

#include <string.h>

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

#endif
