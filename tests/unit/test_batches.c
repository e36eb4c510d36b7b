/*
 * test_batches.c: unit tests of the batch view's sums (scheduler/
 * batches.c) over the cluster registry (scheduler/clusters.c): one row
 * per owner and batch name or lone cluster, DONE from the procs no longer
 * in memory, JOB_IDS forms, rows by first cluster, and a cluster
 * forgotten with its last job.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "batches.h"
#include "clusters.h"
#include "job.h"

static struct job	jobs[64];
static size_t		njobs;

static void
teardown(void)
{
	clusters_shutdown();
	memset(jobs, 0, sizeof jobs);
	njobs = 0;
}

TestSuite(batches, .fini = teardown);

/* A job in memory (clusters_hold, as queue.c does). */
static void
job(uint32_t cluster, uint32_t proc, const char *owner, enum job_state st)
{
	struct job	*j = &jobs[njobs++];

	j->cluster = cluster;
	j->proc = proc;
	j->owner = (char *)owner;
	j->state = st;
	j->submitted = 1000 * cluster;
	clusters_hold(cluster);
}

static struct json_object *
rows(void)
{
	struct batches		*b = batches_new();
	struct json_object	*r;
	size_t			 i;

	for (i = 0; i < njobs; i++)
		batches_add(b, &jobs[i]);
	r = batches_rows(b);
	batches_free(b);
	return r;
}

static int64_t
num(struct json_object *row, const char *k)
{
	return json_object_get_int64(json_object_object_get(row, k));
}

static const char *
str(struct json_object *row, const char *k)
{
	return json_object_get_string(json_object_object_get(row, k));
}

Test(batches, one_row_per_batch_with_sums)
{
	struct json_object	*r, *a, *b, *c;

	clusters_add(12, "alice", "nightly", 10, 12000);
	job(12, 3, "alice", JOB_RUNNING);
	job(12, 4, "alice", JOB_IDLE);
	job(12, 5, "alice", JOB_HELD);
	job(12, 9, "alice", JOB_SUSPENDED);
	clusters_add(13, "bob", NULL, 1, 13000);
	job(13, 0, "bob", JOB_IDLE);
	clusters_add(14, "alice", "nightly", 2, 14000);
	job(14, 1, "alice", JOB_IDLE);
	r = rows();
	cr_assert_eq(json_object_array_length(r), 2);
	a = json_object_array_get_idx(r, 0);
	b = json_object_array_get_idx(r, 1);
	cr_assert_str_eq(str(a, "name"), "nightly");
	cr_assert_str_eq(str(a, "owner"), "alice");
	cr_assert_eq(num(a, "clusters"), 2);
	cr_assert_eq(num(a, "total"), 12);
	cr_assert_eq(num(a, "done"), 6 + 1);	/* 10 - 4, 2 - 1 */
	cr_assert_eq(num(a, "run"), 1);
	cr_assert_eq(num(a, "idle"), 2);
	cr_assert_eq(num(a, "hold"), 1);
	cr_assert_eq(num(a, "suspended"), 1);
	cr_assert_eq(num(a, "jobs"), 5);
	cr_assert_eq(num(a, "submitted"), 12000);
	cr_assert_str_eq(str(a, "job_ids"), "12.3 ... 14.1");
	cr_assert_str_eq(str(b, "name"), "ID: 13");
	cr_assert_null(json_object_object_get(b, "batch_name"));
	cr_assert_str_eq(str(b, "job_ids"), "13.0");
	cr_assert_eq(num(b, "done"), 0);
	json_object_put(r);

	/* The same batch name of another owner is another row. */
	clusters_add(15, "bob", "nightly", 3, 15000);
	job(15, 0, "bob", JOB_IDLE);
	job(15, 2, "bob", JOB_IDLE);
	r = rows();
	cr_assert_eq(json_object_array_length(r), 3);
	c = json_object_array_get_idx(r, 2);
	cr_assert_str_eq(str(c, "owner"), "bob");
	cr_assert_str_eq(str(c, "job_ids"), "15.0-2");
	cr_assert_eq(num(c, "done"), 1);
	json_object_put(r);
}

Test(batches, clusters_live_as_long_as_their_jobs)
{
	clusters_add(7, "carol", "x", 2, 1);
	clusters_hold(7);
	clusters_hold(7);
	cr_assert_eq(clusters_find(7)->nlive, 2);
	clusters_drop(7);
	cr_assert_not_null(clusters_find(7));
	clusters_drop(7);
	cr_assert_null(clusters_find(7));
	/* A job of a cluster never added makes one up: TOTAL >= live. */
	clusters_hold(8);
	cr_assert_eq(clusters_find(8)->nprocs, 1);
	cr_assert_null(clusters_find(8)->batch_name);
	clusters_drop(8);
	clusters_drop(8);	/* unknown: ignored */
}

Test(batches, empty)
{
	struct json_object	*r = rows();

	cr_assert_eq(json_object_array_length(r), 0);
	json_object_put(r);
}
