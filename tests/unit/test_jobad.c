/*
 * test_jobad.c: unit tests of scheduler/jobad.c's decoded descriptions
 * (jobad_desc), what every start order carries: each job's description
 * is what its own ad decodes to, whether the jobs of a cluster share one
 * decoding (their ads differ in the proc only) or not (an argument with
 * $(Process), an ad not in the form jobdesc_wire_text() writes); and the
 * text given back is the description's wire form; an ad edited, a
 * cluster id given again, the same text in another cluster: each job
 * still gets its own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jobad.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "schedd.h"
#include "xmalloc.h"

/* The description JD as its wire text (what the scheduler stores). */
static char *
ad_of(const struct jobdesc *jd)
{
	size_t	len;

	return jobdesc_wire_text(jd, &len);
}

static void
desc_of_argv(struct jobdesc *jd, uint32_t proc, const char *arg)
{
	char	*argv[] = { "/bin/echo", (char *)arg, NULL };
	char	 err[160];

	cr_assert_eq(jobdesc_from_argv(arg != NULL ? 2 : 1, argv, "/tmp", jd,
	    err, sizeof err), 0, "%s", err);
	jd->proc = proc;
}

/* What jobad_desc() gives for J is what J's ad decodes to, in full. */
static void
same_as_decoded(const struct job *j)
{
	const struct jobdesc	*d;
	struct json_object	*o;
	struct jobdesc		 want;
	const char		*errstr = NULL, *text;
	char			*a, *b;
	size_t			 len, n;

	cr_assert_eq(jobad_desc(j, &d, &text, &len, &errstr), 0, "%s",
	    errstr);
	cr_assert_eq(jsonx_parse(j->ad, strlen(j->ad), &o, &errstr), 0);
	cr_assert_eq(jobdesc_from_json(o, &want, &errstr), 0);
	json_object_put(o);
	cr_assert_eq(d->proc, want.proc);
	a = jobdesc_wire_text(d, &n);
	b = jobdesc_wire_text(&want, &n);
	cr_assert_str_eq(a, b);
	/* The text given back is that wire form. */
	cr_assert_eq(strlen(a), len);
	cr_assert_eq(memcmp(text, a, len), 0);
	free(a);
	free(b);
	jobdesc_free(&want);
}

Test(jobad, the_jobs_of_a_cluster_share_one_decoding)
{
	struct job	 j[3];
	struct jobdesc	 jd;
	const struct jobdesc *d0;
	const char	*errstr, *text;
	size_t		 len;
	int		 i;

	memset(j, 0, sizeof j);
	for (i = 0; i < 3; i++) {
		desc_of_argv(&jd, (uint32_t)(i * 5), "hi");
		j[i].cluster = 41;
		j[i].proc = (uint32_t)(i * 5);
		j[i].ad = ad_of(&jd);
		jobdesc_free(&jd);
	}
	for (i = 0; i < 3; i++)
		same_as_decoded(&j[i]);
	/* One decoding (the same struct), its proc each job's. */
	cr_assert_eq(jobad_desc(&j[1], &d0, &text, &len, &errstr), 0);
	cr_assert_eq(d0->proc, 5);
	cr_assert_eq(text, j[1].ad);	/* the ad itself */
	cr_assert_eq(jobad_desc(&j[2], &d0, &text, &len, &errstr), 0);
	cr_assert_eq(d0->proc, 10);
	for (i = 0; i < 3; i++)
		free(j[i].ad);
}

Test(jobad, jobs_that_differ_past_the_proc_are_decoded_each)
{
	struct job	 j[4];
	struct jobdesc	 jd;
	char		 arg[16];
	int		 i;

	memset(j, 0, sizeof j);
	for (i = 0; i < 4; i++) {
		snprintf(arg, sizeof arg, "%d", i);
		desc_of_argv(&jd, (uint32_t)i, arg);
		j[i].cluster = 42;
		j[i].proc = (uint32_t)i;
		j[i].ad = ad_of(&jd);
		jobdesc_free(&jd);
	}
	for (i = 0; i < 4; i++)
		same_as_decoded(&j[i]);
	/* Back and forth between them. */
	same_as_decoded(&j[0]);
	same_as_decoded(&j[3]);
	same_as_decoded(&j[0]);
	for (i = 0; i < 4; i++)
		free(j[i].ad);
}

Test(jobad, clusters_interleave)
{
	struct job	 j[40];
	struct jobdesc	 jd;
	char		 arg[16];
	int		 i, k;

	memset(j, 0, sizeof j);
	for (i = 0; i < 40; i++) {
		/* Twenty clusters (more than are kept), two jobs each. */
		snprintf(arg, sizeof arg, "c%d", i / 2);
		desc_of_argv(&jd, (uint32_t)(i % 2), arg);
		j[i].cluster = 100 + (uint32_t)i / 2;
		j[i].proc = (uint32_t)(i % 2);
		j[i].ad = ad_of(&jd);
		jobdesc_free(&jd);
	}
	for (k = 0; k < 3; k++)
		for (i = 0; i < 40; i++)
			same_as_decoded(&j[(i * 7 + k) % 40]);
	for (i = 0; i < 40; i++)
		free(j[i].ad);
}

/* The wire text of a job of proc 1 with HEAD in place of {"proc":1, and
 * TAIL in place of the closing brace. */
static char *
ad_edited(const char *head, const char *tail)
{
	struct jobdesc	 jd;
	char		*ad, *out;

	desc_of_argv(&jd, 1, "x");
	ad = ad_of(&jd);
	jobdesc_free(&jd);
	cr_assert_eq(strncmp(ad, "{\"proc\":1,", 10), 0, "%s", ad);
	ad[strlen(ad) - 1] = '\0';
	xasprintf(&out, "%s%s%s", head, ad + 10, tail);
	free(ad);
	return out;
}

Test(jobad, ads_in_another_form_are_decoded_each_time)
{
	struct job	 j;
	const struct jobdesc *d;
	const char	*errstr, *text;
	char		*ad[6];
	size_t		 len, i;

	/* A leading zero is not JSON: refused, not taken as 1. */
	ad[0] = ad_edited("{\"proc\":01,", "}");
	/* A second proc further on: the last one counts. */
	ad[1] = ad_edited("{\"proc\":1,", ",\"proc\":7}");
	ad[2] = ad_edited("{\"proc\":2,", ",\"proc\":7}");
	/* Spaces (not the writer's form). */
	ad[3] = ad_edited("{\"proc\":3, ", "}");
	ad[4] = ad_edited("{ \"proc\":4,", "}");
	/* A proc past UINT32_MAX. */
	ad[5] = ad_edited("{\"proc\":4294967296,", "}");
	memset(&j, 0, sizeof j);
	j.cluster = 43;
	j.ad = ad[0];
	cr_assert_eq(jobad_desc(&j, &d, &text, &len, &errstr), -1);
	for (i = 1; i < 5; i++) {
		j.ad = ad[i];
		same_as_decoded(&j);
		same_as_decoded(&j);
	}
	j.ad = ad[2];
	cr_assert_eq(jobad_desc(&j, &d, &text, &len, &errstr), 0);
	cr_assert_eq(d->proc, 7);
	/* Written again in the wire form, not the ad as it is. */
	cr_assert_neq(text, j.ad);
	cr_assert_not_null(strstr(text, "{\"proc\":7,"));
	j.ad = ad[5];
	cr_assert_eq(jobad_desc(&j, &d, &text, &len, &errstr), -1);
	j.ad = NULL;
	cr_assert_eq(jobad_desc(&j, &d, &text, &len, &errstr), -1);
	cr_assert_str_eq(errstr, "no stored description");
	for (i = 0; i < 6; i++)
		free(ad[i]);
}

/*
 * What a hit would hide if it were keyed on less than the whole text: a
 * job's ad edited after its cluster was kept (cq qedit, cq prio), a
 * cluster id that comes again with another submit, and the same text in
 * another cluster.
 */
Test(jobad, an_edited_ad_or_a_cluster_again_is_decoded_anew)
{
	struct job	 j[2], k;
	struct jobdesc	 jd;
	const struct jobdesc *d;
	const char	*errstr, *text;
	size_t		 len;
	int		 i;

	memset(j, 0, sizeof j);
	for (i = 0; i < 2; i++) {
		desc_of_argv(&jd, (uint32_t)i, "same");
		j[i].cluster = 44;
		j[i].proc = (uint32_t)i;
		j[i].ad = ad_of(&jd);
		jobdesc_free(&jd);
		same_as_decoded(&j[i]);
	}
	/* Job 44.1's ad edited in place: its priority, its arguments. */
	desc_of_argv(&jd, 1, "same");
	jd.priority = 9;
	free(j[1].ad);
	j[1].ad = ad_of(&jd);
	jobdesc_free(&jd);
	same_as_decoded(&j[1]);
	cr_assert_eq(jobad_desc(&j[1], &d, &text, &len, &errstr), 0);
	cr_assert_eq(d->priority, 9);
	same_as_decoded(&j[0]);
	cr_assert_eq(jobad_desc(&j[0], &d, &text, &len, &errstr), 0);
	cr_assert_eq(d->priority, 0);
	desc_of_argv(&jd, 1, "other");
	free(j[1].ad);
	j[1].ad = ad_of(&jd);
	jobdesc_free(&jd);
	cr_assert_eq(jobad_desc(&j[1], &d, &text, &len, &errstr), 0);
	cr_assert_str_eq(d->argv[0], "other");
	cr_assert_eq(jobad_desc(&j[0], &d, &text, &len, &errstr), 0);
	cr_assert_str_eq(d->argv[0], "same");

	/* Cluster 44 again (removed, its id given anew), another job. */
	desc_of_argv(&jd, 0, "again");
	jd.request_cpus = 3;
	free(j[0].ad);
	j[0].ad = ad_of(&jd);
	jobdesc_free(&jd);
	same_as_decoded(&j[0]);
	cr_assert_eq(jobad_desc(&j[0], &d, &text, &len, &errstr), 0);
	cr_assert_str_eq(d->argv[0], "again");
	cr_assert_eq(d->request_cpus, 3);

	/* The same text in another cluster: its own proc, its own text. */
	memset(&k, 0, sizeof k);
	k.cluster = 45;
	k.proc = 0;
	k.ad = xstrdup(j[0].ad);
	same_as_decoded(&k);
	cr_assert_eq(jobad_desc(&k, &d, &text, &len, &errstr), 0);
	cr_assert_eq(text, k.ad);
	free(k.ad);
	for (i = 0; i < 2; i++)
		free(j[i].ad);
}
