/*
 * test_store.c: unit tests for scheduler/store.c.  Each test opens a
 * database in its own mkdtemp(3) directory under /tmp, removed at the end.
 * Jobs are built and freed here with calloc/free so the tests do not
 * depend on job.c; nothing but store.c touches SQLite (but for
 * redo_params, which reads a statement), so the "newer database" case
 * edits user_version in the file header (offset 60).
 */
#include "config.h"

#include <sys/resource.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "job.h"
#include "schema.h"
#include "store.h"
#include "store-int.h"

static char	 tdir[64];
static char	 tdb[128];

static void
setup(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/cq-test-store-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
	snprintf(tdb, sizeof(tdb), "%s/cq.db", tdir);
}

static void
teardown(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char	 p[160];
	size_t	 i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", tdb, sfx[i]);
		unlink(p);
	}
	rmdir(tdir);
}

TestSuite(store, .init = setup, .fini = teardown);

static struct store *
open_ok(void)
{
	struct store	*s;
	const char	*errstr = NULL;

	s = store_open(tdb, &errstr);
	cr_assert_not_null(s, "store_open: %s", errstr ? errstr : "?");
	return s;
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

static struct job *
tjob_new(uint32_t cluster, uint32_t proc, enum job_state state,
    const char *owner, int64_t finished)
{
	struct job	*j;

	cr_assert_not_null(j = calloc(1, sizeof(*j)));
	j->cluster = cluster;
	j->proc = proc;
	j->state = state;
	j->uid = 1000;
	j->owner = dup_or_null(owner);
	j->request_cpus = 1;
	j->request_memory_mb = 128;
	j->cmd = strdup("/bin/true");
	j->ad = strdup("{\"cmd\":\"/bin/true\"}");
	j->submitted = 1700000000000LL;
	j->finished = finished;
	j->exit_code = -1;
	return j;
}

static void
tjob_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->owner);
	free(j->cmd);
	free(j->ad);
	free(j->machine);
	free(j);
}

static void
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		cr_assert(a == b, "%s vs %s", a ? a : "NULL", b ? b : "NULL");
	else
		cr_assert_str_eq(a, b);
}

static void
job_eq(const struct job *a, const struct job *b)
{
	cr_assert_eq(a->cluster, b->cluster);
	cr_assert_eq(a->proc, b->proc);
	cr_assert_eq(a->state, b->state);
	cr_assert_eq(a->uid, b->uid);
	str_eq(a->owner, b->owner);
	cr_assert_eq(a->priority, b->priority);
	cr_assert_eq(a->request_cpus, b->request_cpus);
	cr_assert_eq(a->request_memory_mb, b->request_memory_mb);
	str_eq(a->cmd, b->cmd);
	str_eq(a->ad, b->ad);
	cr_assert_eq(a->submitted, b->submitted);
	cr_assert_eq(a->started, b->started);
	cr_assert_eq(a->finished, b->finished);
	cr_assert_eq(a->run, b->run);
	str_eq(a->machine, b->machine);
	cr_assert_eq(a->exit_code, b->exit_code);
	cr_assert_eq(a->exit_signal, b->exit_signal);
	cr_assert_eq(a->utime_ms, b->utime_ms);
	cr_assert_eq(a->stime_ms, b->stime_ms);
	cr_assert_eq(a->maxrss_kb, b->maxrss_kb);
	cr_assert_eq(a->nstarts, b->nstarts);
	cr_assert_eq(a->ckpt_version, b->ckpt_version);
	cr_assert_eq(a->ckpt_time, b->ckpt_time);
	cr_assert_eq(a->nevictions, b->nevictions);
	cr_assert_eq(a->goodput_ms, b->goodput_ms);
	cr_assert_eq(a->badput_ms, b->badput_ms);
	cr_assert_eq(a->ckpt_criu, b->ckpt_criu);
}

/* Collects loaded jobs, which it owns. */
struct loaded {
	struct job	**jobs;
	size_t		  n, cap;
	size_t		  stop_after;	/* 0: never */
};

static int
load_cb(void *arg, struct job *j)
{
	struct loaded	*l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		cr_assert_not_null(l->jobs = reallocarray(l->jobs, l->cap,
		    sizeof(*l->jobs)));
	}
	l->jobs[l->n++] = j;
	return l->stop_after != 0 && l->n >= l->stop_after;
}

static void
loaded_free(struct loaded *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		tjob_free(l->jobs[i]);
	free(l->jobs);
	memset(l, 0, sizeof(*l));
}

static void
load(struct store *s, struct loaded *l)
{
	memset(l, 0, sizeof(*l));
	cr_assert_eq(store_jobs_load(s, load_cb, l), 0);
}

/* Records history as "cluster.proc" ids. */
struct hist {
	char	 ids[32][32];
	size_t	 n;
};

static int
hist_cb(void *arg, const struct job *j)
{
	struct hist	*h = arg;

	cr_assert_lt(h->n, 32);
	snprintf(h->ids[h->n++], sizeof(h->ids[0]), "%u.%u", j->cluster,
	    j->proc);
	return 0;
}

static void
hist(struct store *s, uint32_t cluster, int64_t proc, const char *owner,
    int64_t limit, const char *want)
{
	struct hist	 h;
	char		 got[512] = "";
	size_t		 i;

	memset(&h, 0, sizeof(h));
	cr_assert_eq(store_history(s, cluster, proc, owner, limit, hist_cb,
	    &h), 0);
	for (i = 0; i < h.n; i++) {
		if (i > 0)
			strlcat(got, " ", sizeof(got));
		strlcat(got, h.ids[i], sizeof(got));
	}
	cr_assert_str_eq(got, want, "history(%u, %lld, %s, %lld)", cluster,
	    (long long)proc, owner ? owner : "NULL", (long long)limit);
}

static uint32_t
cluster_new(struct store *s, const char *owner)
{
	uint32_t	 c = 0;

	cr_assert_eq(store_cluster_new(s, 1000, owner, 1700000000000LL,
	    "batch", 1, &c), 0);
	return c;
}

static void
insert(struct store *s, uint32_t cluster, uint32_t proc,
    enum job_state state, const char *owner, int64_t finished)
{
	struct job	*j;

	j = tjob_new(cluster, proc, state, owner, finished);
	cr_assert_eq(store_job_insert(s, j), 0);
	tjob_free(j);
}

static int
highest_version(void)
{
	cr_assert_gt(schema_nmigrations, 0);
	return schema_migrations[schema_nmigrations - 1].version;
}

/* Set user_version in the header of a closed database. */
static void
set_user_version(uint32_t v)
{
	unsigned char	 b[4] = { v >> 24, v >> 16, v >> 8, v };
	int		 fd;

	cr_assert_geq(fd = open(tdb, O_WRONLY), 0);
	cr_assert_eq(pwrite(fd, b, sizeof(b), 60), (ssize_t)sizeof(b));
	close(fd);
}

static uint32_t
get_user_version(void)
{
	unsigned char	 b[4];
	int		 fd;

	cr_assert_geq(fd = open(tdb, O_RDONLY), 0);
	cr_assert_eq(pread(fd, b, sizeof(b), 60), (ssize_t)sizeof(b));
	close(fd);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

Test(store, fresh_migrated)
{
	struct store	*s;
	struct loaded	 l;

	s = open_ok();
	cr_assert_eq(store_version(s), highest_version());
	cr_assert_eq(store_in_txn(s), 0);
	load(s, &l);
	cr_assert_eq(l.n, 0);
	store_close(s);
	cr_assert_eq(get_user_version(), (uint32_t)highest_version());
}

Test(store, reopen_keeps_data)
{
	struct store	*s;
	struct loaded	 l;
	uint32_t	 c;

	s = open_ok();
	c = cluster_new(s, "alice");
	insert(s, c, 0, JOB_IDLE, "alice", 0);
	store_close(s);

	s = open_ok();
	cr_assert_eq(store_version(s), highest_version());
	load(s, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.jobs[0]->cluster, c);
	cr_assert_str_eq(l.jobs[0]->owner, "alice");
	loaded_free(&l);
	store_close(s);
	cr_assert_eq(get_user_version(), (uint32_t)highest_version());
}

Test(store, two_opens)
{
	struct store	*a, *b;
	struct loaded	 l;

	a = open_ok();
	b = open_ok();
	cr_assert_eq(store_version(b), highest_version());
	insert(a, cluster_new(a, "x"), 0, JOB_IDLE, "x", 0);
	load(b, &l);
	cr_assert_eq(l.n, 1);
	loaded_free(&l);
	store_close(a);
	store_close(b);
}

Test(store, newer_refused)
{
	struct store	*s;
	const char	*errstr = NULL;

	s = open_ok();
	store_close(s);
	set_user_version(999);
	s = store_open(tdb, &errstr);
	cr_assert_null(s);
	cr_assert_str_eq(errstr, "database is newer than this cq");
	cr_assert_eq(get_user_version(), 999);
}

Test(store, not_a_database)
{
	const char	*errstr = NULL;
	int		 fd;

	cr_assert_geq(fd = open(tdb, O_WRONLY | O_CREAT, 0600), 0);
	cr_assert_eq(write(fd, "this is not sqlite, not at all, no.\n", 36),
	    36);
	close(fd);
	cr_assert_null(store_open(tdb, &errstr));
	cr_assert_not_null(errstr);
}

Test(store, job_round_trip)
{
	struct store	*s;
	struct loaded	 l;
	struct job	*j;
	uint32_t	 c;

	s = open_ok();
	c = cluster_new(s, "bob");
	j = tjob_new(c, 7, JOB_IDLE, "bob", 0);
	j->uid = 4242;
	j->priority = -5;
	j->request_cpus = 8;
	j->request_memory_mb = 1LL << 40;
	free(j->ad);
	j->ad = strdup("{\"args\":[\"a \\\"b\\\"\",\"\xc3\xa9\"],\"x\":1}");
	j->submitted = 1700000000123LL;
	cr_assert_eq(store_job_insert(s, j), 0);
	/* Same key twice fails. */
	cr_assert_eq(store_job_insert(s, j), -1);

	load(s, &l);
	cr_assert_eq(l.n, 1);
	job_eq(l.jobs[0], j);
	cr_assert_null(l.jobs[0]->machine);
	cr_assert_eq(l.jobs[0]->exit_code, -1);
	loaded_free(&l);

	j->state = JOB_RUNNING;
	j->priority = 10;
	j->started = 1700000001000LL;
	j->run = 3;
	j->machine = strdup("slot2@node17");
	j->nstarts = 3;
	cr_assert_eq(store_job_update(s, j), 0);
	load(s, &l);
	cr_assert_eq(l.n, 1);
	job_eq(l.jobs[0], j);
	loaded_free(&l);

	j->state = JOB_SUSPENDED;
	j->exit_code = 0;
	j->exit_signal = 9;
	j->finished = 1700000002000LL;
	j->utime_ms = 1234567;
	j->stime_ms = 7654321;
	j->maxrss_kb = 99999999999LL;
	/* A checkpoint, as CRIU image: a restart must still know it is one. */
	j->ckpt_version = 4;
	j->ckpt_time = 1700000001500LL;
	j->nevictions = 2;
	j->goodput_ms = 4000;
	j->badput_ms = 500;
	j->ckpt_criu = 1;
	cr_assert_eq(store_job_update(s, j), 0);
	load(s, &l);
	cr_assert_eq(l.n, 1);
	job_eq(l.jobs[0], j);
	cr_assert_eq(l.jobs[0]->exit_code, 0);
	loaded_free(&l);

	/* Terminal: gone from the queue, in the history, exit_code back. */
	j->state = JOB_COMPLETED;
	j->exit_code = 2;
	cr_assert_eq(store_job_update(s, j), 0);
	load(s, &l);
	cr_assert_eq(l.n, 0);
	hist(s, 0, -1, NULL, 0, "1.7");

	/* Unknown job. */
	j->proc = 8;
	cr_assert_eq(store_job_update(s, j), -1);
	tjob_free(j);
	store_close(s);
}

static const struct job	*hist_want;

static int
hist_full_cb(void *arg, const struct job *j)
{
	int	*n = arg;

	job_eq(j, hist_want);
	(*n)++;
	return 0;
}

Test(store, history_round_trip)
{
	struct store	*s;
	struct job	*j;
	int		 n = 0;

	s = open_ok();
	j = tjob_new(cluster_new(s, "carol"), 0, JOB_REMOVED, "carol", 5);
	j->machine = strdup("slot1@a");
	j->run = 2;
	j->exit_signal = 15;
	j->utime_ms = 1;
	j->stime_ms = 2;
	j->maxrss_kb = 3;
	j->nstarts = 2;
	cr_assert_eq(store_job_insert(s, j), 0);
	hist_want = j;
	cr_assert_eq(store_history(s, 0, -1, NULL, 0, hist_full_cb, &n), 0);
	cr_assert_eq(n, 1);
	tjob_free(j);
	store_close(s);
}

Test(store, foreign_key)
{
	struct store	*s;
	struct job	*j;

	s = open_ok();
	/* No cluster 5. */
	j = tjob_new(5, 0, JOB_IDLE, "dave", 0);
	cr_assert_eq(store_job_insert(s, j), -1);
	tjob_free(j);
	store_close(s);
}

Test(store, transactions)
{
	struct store	*s;
	struct loaded	 l;
	uint32_t	 c;

	s = open_ok();
	cr_assert_eq(store_commit(s), -1);
	cr_assert_eq(store_rollback(s), -1);

	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_in_txn(s), 1);
	cr_assert_eq(store_begin(s), -1);
	c = cluster_new(s, "erin");
	insert(s, c, 0, JOB_IDLE, "erin", 0);
	cr_assert_eq(store_commit(s), 0);
	cr_assert_eq(store_in_txn(s), 0);

	cr_assert_eq(store_begin(s), 0);
	insert(s, c, 1, JOB_IDLE, "erin", 0);
	load(s, &l);
	cr_assert_eq(l.n, 2);
	loaded_free(&l);
	cr_assert_eq(store_rollback(s), 0);
	cr_assert_eq(store_in_txn(s), 0);

	/* Autocommit. */
	insert(s, c, 2, JOB_IDLE, "erin", 0);

	/* Left open at close: rolled back. */
	cr_assert_eq(store_begin(s), 0);
	insert(s, c, 3, JOB_IDLE, "erin", 0);
	store_close(s);

	s = open_ok();
	load(s, &l);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.jobs[0]->proc, 0);
	cr_assert_eq(l.jobs[1]->proc, 2);
	loaded_free(&l);
	store_close(s);
}

static int
fail_cb(void *arg, struct job *j)
{
	tjob_free(j);
	return -1;
}

Test(store, load_order_and_stop)
{
	struct store	*s;
	struct loaded	 l;
	uint32_t	 c1, c2;

	s = open_ok();
	c1 = cluster_new(s, "f");
	c2 = cluster_new(s, "f");
	insert(s, c2, 1, JOB_HELD, "f", 0);
	insert(s, c1, 2, JOB_RUNNING, "f", 0);
	insert(s, c2, 0, JOB_TRANSFERRING_OUTPUT, "f", 0);
	insert(s, c1, 0, JOB_IDLE, "f", 0);
	insert(s, c1, 1, JOB_COMPLETED, "f", 10);
	insert(s, c1, 3, JOB_REMOVED, "f", 11);
	insert(s, c1, 4, JOB_SUSPENDED, "f", 0);
	load(s, &l);
	cr_assert_eq(l.n, 5);
	cr_assert(l.jobs[0]->cluster == c1 && l.jobs[0]->proc == 0);
	cr_assert(l.jobs[1]->cluster == c1 && l.jobs[1]->proc == 2);
	cr_assert(l.jobs[2]->cluster == c1 && l.jobs[2]->proc == 4);
	cr_assert(l.jobs[3]->cluster == c2 && l.jobs[3]->proc == 0);
	cr_assert(l.jobs[4]->cluster == c2 && l.jobs[4]->proc == 1);
	loaded_free(&l);

	/* A positive return stops the walk without error. */
	memset(&l, 0, sizeof(l));
	l.stop_after = 2;
	cr_assert_eq(store_jobs_load(s, load_cb, &l), 0);
	cr_assert_eq(l.n, 2);
	loaded_free(&l);
	/* A negative one stops it with an error. */
	memset(&l, 0, sizeof(l));
	cr_assert_eq(store_jobs_load(s, fail_cb, &l), -1);
	/* And the statement was reset: a full walk again. */
	load(s, &l);
	cr_assert_eq(l.n, 5);
	loaded_free(&l);
	store_close(s);
}

Test(store, history_filters)
{
	struct store	*s;
	uint32_t	 c1, c2, c3;

	s = open_ok();
	c1 = cluster_new(s, "ann");
	c2 = cluster_new(s, "ben");
	c3 = cluster_new(s, "ann");
	cr_assert(c1 == 1 && c2 == 2 && c3 == 3);
	insert(s, c1, 0, JOB_COMPLETED, "ann", 100);
	insert(s, c1, 1, JOB_REMOVED, "ann", 300);
	insert(s, c1, 2, JOB_IDLE, "ann", 0);
	insert(s, c2, 0, JOB_COMPLETED, "ben", 200);
	insert(s, c2, 1, JOB_COMPLETED, "ben", 200);
	insert(s, c3, 0, JOB_COMPLETED, "ann", 200);
	insert(s, c3, 1, JOB_RUNNING, "ann", 0);

	/* Newest first; equal times by cluster, proc descending. */
	hist(s, 0, -1, NULL, 0, "1.1 3.0 2.1 2.0 1.0");
	hist(s, 0, -1, NULL, 2, "1.1 3.0");
	hist(s, 0, -1, NULL, -1, "1.1 3.0 2.1 2.0 1.0");
	hist(s, 1, -1, NULL, 0, "1.1 1.0");
	hist(s, 1, 0, NULL, 0, "1.0");
	hist(s, 1, 2, NULL, 0, "");
	hist(s, 0, 0, NULL, 0, "3.0 2.0 1.0");
	hist(s, 0, -1, "ann", 0, "1.1 3.0 1.0");
	hist(s, 0, -1, "ben", 1, "2.1");
	hist(s, 2, -1, "ann", 0, "");
	hist(s, 3, 0, "ann", 0, "3.0");
	hist(s, 0, -1, "nobody", 0, "");
	hist(s, 9, -1, NULL, 0, "");
	store_close(s);
}

struct evs {
	char	 buf[512];
};

static int
ev_cb(void *arg, int64_t time, const char *event, uint32_t run,
    const char *detail)
{
	struct evs	*e = arg;
	char		 one[128];

	snprintf(one, sizeof(one), "%lld:%s:%u:%s;", (long long)time, event,
	    run, detail ? detail : "-");
	strlcat(e->buf, one, sizeof(e->buf));
	return 0;
}

Test(store, events)
{
	struct store	*s;
	struct evs	 e;
	uint32_t	 c;

	s = open_ok();
	c = cluster_new(s, "g");
	insert(s, c, 0, JOB_IDLE, "g", 0);
	insert(s, c, 1, JOB_IDLE, "g", 0);
	cr_assert_eq(store_event_add(s, c, 0, 30, "submit", 0, NULL), 0);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_event_add(s, c, 1, 5, "submit", 0, "x"), 0);
	/* Insertion order, not time order. */
	cr_assert_eq(store_event_add(s, c, 0, 20, "execute", 1,
	    "slot1@n"), 0);
	cr_assert_eq(store_event_add(s, c, 0, 40, "terminate", 1,
	    "exit 0"), 0);
	cr_assert_eq(store_commit(s), 0);

	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_events(s, c, 0, ev_cb, &e), 0);
	cr_assert_str_eq(e.buf,
	    "30:submit:0:-;20:execute:1:slot1@n;40:terminate:1:exit 0;");
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_events(s, c, 1, ev_cb, &e), 0);
	cr_assert_str_eq(e.buf, "5:submit:0:x;");
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_events(s, c, 2, ev_cb, &e), 0);
	cr_assert_str_eq(e.buf, "");
	store_close(s);
}

static int
mach_cb(void *arg, const struct store_machine *m)
{
	struct evs	*e = arg;
	char		 one[128];

	snprintf(one, sizeof(one), "%s:%d:%lld:%lld:%s;", m->name, m->nslots,
	    (long long)m->first_seen, (long long)m->last_seen, m->state);
	strlcat(e->buf, one, sizeof(e->buf));
	return 0;
}

Test(store, machines)
{
	struct store		*s;
	struct store_machine	 m;
	struct evs		 e;

	s = open_ok();
	m = (struct store_machine){ "nodeb", 4, 100, 100, "online" };
	cr_assert_eq(store_machine_put(s, &m), 0);
	m = (struct store_machine){ "nodea", 2, 110, 120, "online" };
	cr_assert_eq(store_machine_put(s, &m), 0);
	/* Update keeps first_seen. */
	m = (struct store_machine){ "nodeb", 8, 500, 600, "offline" };
	cr_assert_eq(store_machine_put(s, &m), 0);
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_machines_load(s, mach_cb, &e), 0);
	cr_assert_str_eq(e.buf,
	    "nodea:2:110:120:online;nodeb:8:100:600:offline;");
	store_close(s);

	s = open_ok();
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_machines_load(s, mach_cb, &e), 0);
	cr_assert_str_eq(e.buf,
	    "nodea:2:110:120:online;nodeb:8:100:600:offline;");
	store_close(s);
}

Test(store, cluster_ids)
{
	struct store	*s;
	uint32_t	 a, b, c;

	s = open_ok();
	a = cluster_new(s, "h");
	b = cluster_new(s, "h");
	cr_assert_eq(store_begin(s), 0);
	c = cluster_new(s, "h");
	cr_assert_eq(store_rollback(s), 0);
	cr_assert(a >= 1 && b > a);
	store_close(s);

	s = open_ok();
	c = cluster_new(s, "h");
	cr_assert_gt(c, b);
	cr_assert_eq(store_cluster_new(s, 0, "root", 0, NULL, 0, &a), 0);
	cr_assert_gt(a, c);
	store_close(s);
}

Test(store, many_jobs)
{
	struct store	*s;
	struct loaded	 l;
	struct job	*j;
	uint32_t	 c, i;
	char		 ad[64];

	s = open_ok();
	c = cluster_new(s, "bulk");
	j = tjob_new(c, 0, JOB_IDLE, "bulk", 0);
	cr_assert_eq(store_begin(s), 0);
	for (i = 0; i < 10000; i++) {
		j->proc = i;
		free(j->ad);
		snprintf(ad, sizeof(ad), "{\"proc\":%u}", i);
		j->ad = strdup(ad);
		cr_assert_eq(store_job_insert(s, j), 0);
	}
	cr_assert_eq(store_commit(s), 0);
	tjob_free(j);
	store_close(s);

	s = open_ok();
	load(s, &l);
	cr_assert_eq(l.n, 10000);
	for (i = 0; i < 10000; i++) {
		snprintf(ad, sizeof(ad), "{\"proc\":%u}", i);
		cr_assert_eq(l.jobs[i]->cluster, c);
		cr_assert_eq(l.jobs[i]->proc, i);
		cr_assert_str_eq(l.jobs[i]->ad, ad);
	}
	loaded_free(&l);
	store_close(s);
}

/* --- credentials (schema 005) ------------------------------------------ */

static void
cred_fill(struct store_cred *c, const char *id, const char *kind,
    const char *name, int fill)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->id, id, sizeof(c->id));
	strlcpy(c->kind, kind, sizeof(c->kind));
	memset(c->hash, fill, sizeof(c->hash));
	if (name != NULL)
		strlcpy(c->name, name, sizeof(c->name));
	c->issued = 1000;
	strlcpy(c->how, "test", sizeof(c->how));
}

static int
count_cb(void *arg, const struct store_cred *c)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

Test(store, credentials)
{
	struct store		*s = open_ok();
	struct store_cred	 c, got;
	int			 n;

	cred_fill(&c, "0000000a", "token", NULL, 1);
	c.expires = 5000;
	cr_assert_eq(store_cred_put(s, &c), 0);
	cred_fill(&c, "0000000b", "agent", "desk1", 2);
	cr_assert_eq(store_cred_put(s, &c), 0);
	/* One agent credential per name. */
	cred_fill(&c, "0000000c", "agent", "desk1", 3);
	cr_assert_eq(store_cred_put(s, &c), -1);
	/* An agent credential needs a name; ids are unique. */
	cred_fill(&c, "0000000d", "agent", NULL, 3);
	cr_assert_eq(store_cred_put(s, &c), -1);
	cred_fill(&c, "0000000a", "token", NULL, 3);
	cr_assert_eq(store_cred_put(s, &c), -1);

	cr_assert_eq(store_cred_get(s, "0000000a", &got), 1);
	cr_assert_str_eq(got.kind, "token");
	cr_assert_str_eq(got.name, "");
	cr_assert_eq(got.expires, 5000);
	cr_assert_eq(got.hash[31], 1);
	cr_assert_eq(store_cred_get(s, "ffffffff", &got), 0);
	cr_assert_eq(store_cred_by_name(s, "desk1", &got), 1);
	cr_assert_str_eq(got.id, "0000000b");
	cr_assert_eq(store_cred_by_name(s, "desk2", &got), 0);

	cr_assert_eq(store_cred_seen(s, "0000000a", 2000, "10.0.0.1", 1), 0);
	cr_assert_eq(store_cred_seen(s, "0000000a", 3000, "10.0.0.2", 1), 0);
	cr_assert_eq(store_cred_get(s, "0000000a", &got), 1);
	cr_assert_eq(got.uses, 2);
	cr_assert_eq(got.last_seen, 3000);
	cr_assert_str_eq(got.source, "10.0.0.2");

	cr_assert_eq(store_cred_revoke(s, "0000000b", 4000), 1);
	cr_assert_eq(store_cred_revoke(s, "0000000b", 4500), 0);
	cr_assert_eq(store_cred_revoke(s, "99999999", 4500), 0);
	cr_assert_eq(store_cred_by_name(s, "desk1", &got), 1);
	cr_assert_eq(got.revoked, 4000);

	n = 0;
	cr_assert_eq(store_creds_walk(s, NULL, count_cb, &n), 0);
	cr_assert_eq(n, 2);
	n = 0;
	cr_assert_eq(store_creds_walk(s, "agent", count_cb, &n), 0);
	cr_assert_eq(n, 1);

	/* Issued and seen at once: one insert. */
	cred_fill(&c, "0000000e", "agent", "desk9", 4);
	c.last_seen = 1500;
	strlcpy(c.source, "10.0.0.9", sizeof(c.source));
	cr_assert_eq(store_cred_put(s, &c), 0);
	cr_assert_eq(store_cred_get(s, "0000000e", &got), 1);
	cr_assert_eq(got.last_seen, 1500);
	cr_assert_str_eq(got.source, "10.0.0.9");
	cr_assert_eq(got.uses, 0);
	cr_assert_eq(store_cred_get(s, "0000000a", &got), 1);
	cr_assert_str_eq(got.source, "10.0.0.2");
	cr_assert_eq(store_cred_delete(s, "0000000e"), 1);
	cr_assert_eq(store_cred_delete(s, "0000000e"), 0);

	/* Forget frees the name (a revoked credential held it). */
	cr_assert_eq(store_cred_forget(s, "desk1"), 1);
	cr_assert_eq(store_cred_by_name(s, "desk1", &got), 0);
	cr_assert_eq(store_cred_forget(s, "desk1"), 0);
	cred_fill(&c, "0000000c", "agent", "desk1", 3);
	cr_assert_eq(store_cred_put(s, &c), 0);
	store_close(s);

	s = open_ok();
	cr_assert_eq(store_cred_by_name(s, "desk1", &got), 1);
	cr_assert_str_eq(got.id, "0000000c");
	store_close(s);
}

Test(store, credential_requests_and_rules)
{
	struct store		*s = open_ok();
	struct store_credreq	 q;
	unsigned char		 h1[STORE_HASH_LEN], h2[STORE_HASH_LEN];
	int64_t			 id1, id2;

	memset(h1, 0x11, sizeof(h1));
	memset(h2, 0x22, sizeof(h2));
	cr_assert_eq(store_req_put(s, "desk1", "10.0.0.1", 1000, h1, &id1), 0);
	cr_assert_eq(store_req_put(s, "desk2", "10.0.0.2", 1000, h2, &id2), 0);
	cr_assert_neq(id1, id2);
	cr_assert_eq(store_req_put(s, "desk3", "10.0.0.3", 1000, h1, &id2),
	    -1, "a request key is unique");
	cr_assert_eq(store_req_pending(s), 2);
	cr_assert_eq(store_req_pending_from(s, "10.0.0.2"), 1);
	cr_assert_eq(store_req_pending_from(s, "10.0.0.9"), 0);
	cr_assert_eq(store_req_by_hash(s, h1, &q), 1);
	cr_assert_eq(q.id, id1);
	cr_assert_str_eq(q.state, "pending");
	cr_assert_str_eq(q.name, "desk1");
	strlcpy(q.state, "approved", sizeof(q.state));
	strlcpy(q.how, "approved by root", sizeof(q.how));
	q.last_seen = 2000;
	cr_assert_eq(store_req_update(s, &q), 0);
	cr_assert_eq(store_req_get(s, id1, &q), 1);
	cr_assert_str_eq(q.state, "approved");
	cr_assert_str_eq(q.how, "approved by root");
	cr_assert_eq(q.last_seen, 2000);
	cr_assert_eq(store_req_pending(s), 1);
	strlcpy(q.state, "bogus", sizeof(q.state));
	cr_assert_eq(store_req_update(s, &q), -1);
	cr_assert_eq(store_cred_forget(s, "desk2"), 1);
	cr_assert_eq(store_req_get(s, id2, &q), 0);

	cr_assert_eq(store_auto_put(s, "10.0.0.0/8", 1000, 9000), 0);
	cr_assert_eq(store_auto_end(s, "10.0.0.0/8", 5000), 1);
	cr_assert_eq(store_auto_end(s, "10.0.0.0/8", 6000), 0);
	store_close(s);
}

/* Fair share's rows: written, replaced, read back after a reopen. */
struct users_seen {
	char	names[4][32];
	double	usage[4], factor[4], acc[4];
	int64_t	updated[4];
	int	n;
};

static int
users_cb(void *arg, const struct store_user *u)
{
	struct users_seen	*w = arg;

	cr_assert_lt(w->n, 4);
	snprintf(w->names[w->n], sizeof w->names[0], "%s", u->name);
	w->usage[w->n] = u->usage;
	w->factor[w->n] = u->factor;
	w->acc[w->n] = u->accumulated;
	w->updated[w->n] = u->updated;
	w->n++;
	return 0;
}

Test(store, users_round_trip)
{
	struct store		*s;
	struct store_user	 u;
	struct users_seen	 w;

	s = open_ok();
	u.name = "group_physics.alice";
	u.usage = 3.25;
	u.updated = 1700000000000LL;
	u.factor = 0;
	u.accumulated = 7200;
	cr_assert_eq(store_user_put(s, &u), 0);
	u.name = "bob";
	u.usage = 0.5;
	u.factor = 2000;
	cr_assert_eq(store_user_put(s, &u), 0);
	u.usage = 1.5;			/* the same name: replaced */
	cr_assert_eq(store_user_put(s, &u), 0);
	store_close(s);
	s = open_ok();
	memset(&w, 0, sizeof w);
	cr_assert_eq(store_users_load(s, users_cb, &w), 0);
	cr_assert_eq(w.n, 2);
	cr_assert_str_eq(w.names[0], "bob");
	cr_assert_float_eq(w.usage[0], 1.5, 1e-12);
	cr_assert_float_eq(w.factor[0], 2000, 1e-12);
	cr_assert_str_eq(w.names[1], "group_physics.alice");
	cr_assert_float_eq(w.usage[1], 3.25, 1e-12);
	cr_assert_float_eq(w.acc[1], 7200, 1e-12);
	cr_assert_eq(w.updated[1], 1700000000000LL);
	store_close(s);
}

/* cq qedit: the description, priority and requests of one job. */
Test(store, job_set_ad)
{
	struct store	*s;
	struct loaded	 l;
	struct job	*j;
	uint32_t	 c;

	s = open_ok();
	c = cluster_new(s, "alice");
	insert(s, c, 0, JOB_IDLE, "alice", 0);
	j = tjob_new(c, 0, JOB_IDLE, "alice", 0);
	free(j->ad);
	j->ad = strdup("{\"edited\":true}");
	j->priority = 7;
	j->request_cpus = 3;
	j->request_memory_mb = 900;
	cr_assert_eq(store_job_set_ad(s, j), 0);
	j->proc = 5;			/* no such job */
	cr_assert_eq(store_job_set_ad(s, j), -1);
	tjob_free(j);
	load(s, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.jobs[0]->ad, "{\"edited\":true}");
	cr_assert_eq(l.jobs[0]->priority, 7);
	cr_assert_eq(l.jobs[0]->request_cpus, 3);
	cr_assert_eq(l.jobs[0]->request_memory_mb, 900);
	loaded_free(&l);
	store_close(s);
}

/* Late materialization's factories table (store-factory.c). */
static int
factory_cb(void *arg, const struct store_factory *f)
{
	struct store_factory	*out = arg;

	cr_assert_lt(out[0].cluster, 4, "more factories than written");
	out[++out[0].cluster] = *f;
	out[out[0].cluster].digest = strdup(f->digest);
	out[out[0].cluster].reason = dup_or_null(f->reason);
	return 0;
}

Test(store, factories)
{
	struct store		*s;
	struct store_factory	 got[5];
	uint32_t		 a, b;
	int			 i;

	s = open_ok();
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_cluster_new(s, 1000, "u", 5, "nightly", 1000000,
	    &a), 0);
	cr_assert_eq(store_cluster_new(s, 1001, "v", 6, NULL, 10, &b), 0);
	cr_assert_eq(store_factory_insert(s, a, "{\"count\":1000000}",
	    1000000, 0), 0);
	cr_assert_eq(store_factory_insert(s, b, "{}", 10, 0), 0);
	/* One row per cluster; a cluster must exist. */
	cr_assert_eq(store_factory_insert(s, a, "{}", 1, 0), -1);
	cr_assert_eq(store_factory_insert(s, 999, "{}", 1, 0), -1);
	cr_assert_eq(store_factory_update(s, a, 256, 1, "held by cq hold"),
	    0);
	cr_assert_eq(store_factory_update(s, 999, 1, 0, NULL), -1);
	cr_assert_eq(store_commit(s), 0);
	/* A rolled back step is not kept. */
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_factory_update(s, a, 512, 0, NULL), 0);
	cr_assert_eq(store_factory_delete(s, b), 0);
	cr_assert_eq(store_rollback(s), 0);
	store_close(s);

	s = open_ok();
	memset(got, 0, sizeof got);
	cr_assert_eq(store_factories_load(s, factory_cb, got), 0);
	cr_assert_eq(got[0].cluster, 2);
	cr_assert_eq(got[1].cluster, a);
	cr_assert_str_eq(got[1].digest, "{\"count\":1000000}");
	cr_assert_eq(got[1].total, 1000000);
	cr_assert_eq(got[1].next, 256);
	cr_assert_eq(got[1].paused, 1);
	cr_assert_str_eq(got[1].reason, "held by cq hold");
	cr_assert_eq(got[1].uid, 1000);
	cr_assert_eq(got[2].cluster, b);
	cr_assert_eq(got[2].next, 0);
	cr_assert_null(got[2].reason);
	for (i = 1; i <= 2; i++) {
		free((char *)got[i].digest);
		free((char *)got[i].reason);
	}
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_factory_delete(s, a), 0);
	cr_assert_eq(store_commit(s), 0);
	memset(got, 0, sizeof got);
	cr_assert_eq(store_factories_load(s, factory_cb, got), 0);
	cr_assert_eq(got[0].cluster, 1);
	cr_assert_eq(got[1].cluster, b);
	free((char *)got[1].digest);
	store_close(s);
}

/* The item frames of a factory (store-factory.c), concatenated. */
static int
items_cb(void *arg, const void *items, size_t len)
{
	char	*out = arg;
	size_t	 have = strlen(out);

	cr_assert_lt(have + len, 64);
	memcpy(out + have, items, len);
	out[have + len] = '\0';
	return 0;
}

Test(store, factory_items)
{
	struct store		*s;
	struct store_factory	 got[5];
	uint64_t		 next, gone;
	uint32_t		 a;
	char			 buf[64] = "";

	s = open_ok();
	cr_assert_eq(store_factory_items_sweep(s, &next, &gone), 0);
	cr_assert_eq(next, 1);
	cr_assert_eq(gone, 0);
	/* Upload 1 is named by a factory, uploads 2 and 5 by none. */
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_factory_items_insert(s, 1, 0, "a\nb\n", 4), 0);
	cr_assert_eq(store_factory_items_insert(s, 1, 1, "c\n", 2), 0);
	cr_assert_eq(store_factory_items_insert(s, 1, 1, "d\n", 2), -1,
	    "a frame stored twice");
	cr_assert_eq(store_factory_items_insert(s, 2, 0, "x\n", 2), 0);
	cr_assert_eq(store_factory_items_insert(s, 5, 0, "y\n", 2), 0);
	cr_assert_eq(store_cluster_new(s, 1000, "u", 5, NULL, 3, &a), 0);
	cr_assert_eq(store_factory_insert(s, a, "{}", 3, 1), 0);
	cr_assert_eq(store_commit(s), 0);
	store_close(s);

	s = open_ok();
	memset(got, 0, sizeof got);
	cr_assert_eq(store_factories_load(s, factory_cb, got), 0);
	cr_assert_eq(got[0].cluster, 1);
	cr_assert_eq(got[1].upload, 1);
	free((char *)got[1].digest);
	/* The uploads no factory names go; the next id is past them all. */
	cr_assert_eq(store_factory_items_sweep(s, &next, &gone), 0);
	cr_assert_eq(gone, 2);
	cr_assert_eq(next, 2);
	cr_assert_eq(store_factory_items_load(s, 1, items_cb, buf), 0);
	cr_assert_str_eq(buf, "a\nb\nc\n");
	buf[0] = '\0';
	cr_assert_eq(store_factory_items_load(s, 2, items_cb, buf), 0);
	cr_assert_str_eq(buf, "");
	/* A missing frame is not the items that were sent. */
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_factory_items_insert(s, 1, 3, "e\n", 2), 0);
	cr_assert_eq(store_commit(s), 0);
	cr_assert_eq(store_factory_items_load(s, 1, items_cb, buf), -1);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_factory_items_delete(s, 1), 0);
	cr_assert_eq(store_commit(s), 0);
	buf[0] = '\0';
	cr_assert_eq(store_factory_items_load(s, 1, items_cb, buf), 0);
	cr_assert_str_eq(buf, "");
	store_close(s);
}

/*
 * A turn's writes that the disk refuses (here: RLIMIT_FSIZE, so no write
 * reaches the files) are held: rolled back, kept with every later write,
 * and replayed in order by store_resume() once the disk takes them.  A
 * write whose row id its caller reads is refused while held.
 */
Test(store, hold_and_resume)
{
	struct store	*s;
	struct job	*j;
	struct loaded	 l;
	struct evs	 e;
	struct rlimit	 rl, none;
	uint32_t	 c, c2;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	none = rl;
	none.rlim_cur = 1;
	s = open_ok();
	c = cluster_new(s, "hal");
	insert(s, c, 0, JOB_IDLE, "hal", 0);
	j = tjob_new(c, 0, JOB_RUNNING, "hal", 0);
	j->run = 1;
	j->machine = strdup("slot1@n");

	store_redo(s, 1);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_job_update(s, j), 0);
	cr_assert_eq(store_event_add(s, c, 0, 10, "execute", 1, "it's"), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
	cr_assert_eq(store_commit(s), -1);
	cr_assert_eq(store_hold(s), 0);
	cr_assert_eq(store_held(s), 1);
	cr_assert_eq(store_in_txn(s), 0);
	cr_assert_eq(store_held_count(s), 2);

	/* Held: later writes are kept in order, not done. */
	j->state = JOB_COMPLETED;
	j->finished = 20;
	j->exit_code = 0;
	cr_assert_eq(store_job_update(s, j), 0);
	cr_assert_eq(store_event_add(s, c, 0, 20, "terminate", 1, NULL), 0);
	cr_assert_eq(store_held_count(s), 4);
	cr_assert_eq(store_begin(s), -1);
	cr_assert_eq(store_cluster_new(s, 1000, "hal", 1, NULL, 1, &c2), -1);
	load(s, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.jobs[0]->state, JOB_IDLE);
	loaded_free(&l);

	/* Still refused: still held, nothing lost. */
	cr_assert_eq(store_resume(s), -1);
	cr_assert_eq(store_held(s), 1);
	cr_assert_eq(store_held_count(s), 4);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert_eq(store_resume(s), 0);
	cr_assert_eq(store_held(s), 0);
	cr_assert_eq(store_held_count(s), 0);
	store_close(s);

	/* Durable: the job ended, both events in order. */
	s = open_ok();
	load(s, &l);
	cr_assert_eq(l.n, 0);
	loaded_free(&l);
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_events(s, c, 0, ev_cb, &e), 0);
	cr_assert_str_eq(e.buf, "10:execute:1:it's;20:terminate:1:-;");
	store_close(s);
	tjob_free(j);
}

/* Item frames with their lengths (they may hold NUL bytes). */
struct bytes {
	unsigned char	 b[64];
	size_t		 n;
	int		 frames;
};

static int
bytes_cb(void *arg, const void *items, size_t len)
{
	struct bytes	*o = arg;

	cr_assert_leq(o->n + len, sizeof o->b);
	if (len > 0)
		memcpy(o->b + o->n, items, len);
	o->n += len;
	o->frames++;
	return 0;
}

/*
 * A held write replays what was bound, value for value: text (quotes,
 * UTF-8, empty), integers to 64 bits, reals to the last bit, NULLs and
 * blobs with NUL bytes, for the prepared statements and for
 * store-factory.c's own; a later held write of the same row wins.
 */
Test(store, hold_replays_values)
{
	static const unsigned char	 frame[] = { 'a', 0, 'b', 0xff };
	struct store			*s;
	struct job			*j;
	struct loaded			 l;
	struct evs			 e;
	struct store_cred		 c, got;
	struct store_credreq		 q;
	struct store_user		 u;
	struct users_seen		 w;
	struct store_machine		 m;
	struct store_factory		 f[5];
	struct bytes			 b;
	struct rlimit			 rl, none;
	unsigned char			 h[STORE_HASH_LEN];
	double				 third = 1.0 / 3.0, tiny = 4.9e-324;
	double				 sum = 0.1 + 0.2;
	int64_t				 big = INT64_MAX - 1, rid;
	uint32_t			 c1, c2;
	size_t				 i;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	none = rl;
	none.rlim_cur = 1;
	s = open_ok();
	c1 = cluster_new(s, "rv");
	c2 = cluster_new(s, "rv");
	insert(s, c1, 0, JOB_IDLE, "rv", 0);
	memset(h, 0x5a, sizeof h);
	cr_assert_eq(store_req_put(s, "desk7", "10.0.0.7", 1000, h, &rid), 0);
	cr_assert_eq(store_req_get(s, rid, &q), 1);
	j = tjob_new(c1, 0, JOB_RUNNING, "rv", 0);
	j->run = 1;
	j->started = big;
	j->utime_ms = -7;
	j->maxrss_kb = (int64_t)1 << 40;
	j->machine = strdup("slot1@n");

	/* The turn the disk refuses. */
	store_redo(s, 1);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_job_update(s, j), 0);
	cr_assert_eq(store_event_add(s, c1, 0, big, "execute", 1,
	    "it's \xc3\xbc 'q'"), 0);
	memset(&c, 0, sizeof c);
	strlcpy(c.id, "0000000a", sizeof c.id);
	strlcpy(c.kind, "agent", sizeof c.kind);
	for (i = 0; i < sizeof c.hash; i++)
		c.hash[i] = (unsigned char)(i * 37);	/* 0x00 first */
	strlcpy(c.name, "desk1", sizeof c.name);
	c.issued = 1;
	c.last_seen = -5;
	strlcpy(c.how, "", sizeof c.how);
	cr_assert_eq(store_cred_put(s, &c), 0);
	u = (struct store_user){ "alice", sum, big, tiny, third };
	cr_assert_eq(store_user_put(s, &u), 0);
	cr_assert_eq(store_factory_insert(s, c2, "{\"count\":3}", 3, 7), 0);
	cr_assert_eq(store_factory_items_insert(s, 7, 0, frame, sizeof frame),
	    0);
	cr_assert_eq(store_factory_items_insert(s, 7, 1, "", 0), 0);
	m = (struct store_machine){ "nodea", 2, 100, 120, "online" };
	cr_assert_eq(store_machine_put(s, &m), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
	cr_assert_eq(store_commit(s), -1);
	cr_assert_eq(store_hold(s), 0);
	cr_assert_eq(store_held_count(s), 8);

	/* Held: a later update of the same rows, NULLs among them. */
	j->state = JOB_HELD;
	j->exit_code = 0;
	j->hold_reason = strdup("held: 'why' \xc3\xbc");
	j->hold_code = 3;
	j->hold_subcode = -2;
	cr_assert_eq(store_job_update(s, j), 0);
	free(j->ad);
	j->ad = strdup("{\"edited\":\"\xc3\xbc\"}");
	j->priority = -3;
	cr_assert_eq(store_job_set_ad(s, j), 0);
	cr_assert_eq(store_event_add(s, c1, 0, 20, "hold", 1, NULL), 0);
	cr_assert_eq(store_cred_seen(s, "0000000a", 777, "10.0.0.1", 2), 0);
	strlcpy(q.state, "approved", sizeof q.state);
	q.cred_id[0] = '\0';
	strlcpy(q.how, "by root", sizeof q.how);
	q.last_seen = 3000;
	cr_assert_eq(store_req_update(s, &q), 0);
	cr_assert_eq(store_factory_update(s, c2, 2, 1, NULL), 0);
	u = (struct store_user){ "bob", 2.0 / 3.0, 5, 0, -1e300 };
	cr_assert_eq(store_user_put(s, &u), 0);
	m = (struct store_machine){ "nodea", 4, 900, 950, "offline" };
	cr_assert_eq(store_machine_put(s, &m), 0);
	cr_assert_eq(store_held_count(s), 16);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert_eq(store_resume(s), 0);
	cr_assert_eq(store_held(s), 0);
	store_close(s);

	s = open_ok();
	load(s, &l);
	cr_assert_eq(l.n, 1);
	job_eq(l.jobs[0], j);
	str_eq(l.jobs[0]->hold_reason, j->hold_reason);
	cr_assert_eq(l.jobs[0]->hold_code, 3);
	cr_assert_eq(l.jobs[0]->hold_subcode, -2);
	free(l.jobs[0]->hold_reason);
	loaded_free(&l);
	memset(&e, 0, sizeof e);
	cr_assert_eq(store_events(s, c1, 0, ev_cb, &e), 0);
	cr_assert_str_eq(e.buf, "9223372036854775806:execute:1:"
	    "it's \xc3\xbc 'q';20:hold:1:-;");
	cr_assert_eq(store_cred_get(s, "0000000a", &got), 1);
	cr_assert_eq(memcmp(got.hash, c.hash, sizeof c.hash), 0);
	cr_assert_str_eq(got.name, "desk1");
	cr_assert_str_eq(got.how, "");
	cr_assert_eq(got.issued, 1);
	cr_assert_eq(got.expires, 0);
	cr_assert_eq(got.last_seen, 777);
	cr_assert_str_eq(got.source, "10.0.0.1");
	cr_assert_eq(got.uses, 2);
	cr_assert_eq(store_req_get(s, rid, &q), 1);
	cr_assert_str_eq(q.state, "approved");
	cr_assert_str_eq(q.cred_id, "");
	cr_assert_str_eq(q.how, "by root");
	cr_assert_eq(q.last_seen, 3000);
	cr_assert_eq(memcmp(q.key_hash, h, sizeof h), 0);
	memset(&w, 0, sizeof w);
	cr_assert_eq(store_users_load(s, users_cb, &w), 0);
	cr_assert_eq(w.n, 2);
	cr_assert_str_eq(w.names[0], "alice");
	cr_assert(w.usage[0] == sum, "usage %.17g", w.usage[0]);
	cr_assert(w.factor[0] == tiny, "factor %.17g", w.factor[0]);
	cr_assert(w.acc[0] == third, "accumulated %.17g", w.acc[0]);
	cr_assert_eq(w.updated[0], big);
	cr_assert_str_eq(w.names[1], "bob");
	cr_assert(w.usage[1] == 2.0 / 3.0, "usage %.17g", w.usage[1]);
	cr_assert(w.acc[1] == -1e300, "accumulated %.17g", w.acc[1]);
	memset(f, 0, sizeof f);
	cr_assert_eq(store_factories_load(s, factory_cb, f), 0);
	cr_assert_eq(f[0].cluster, 1);
	cr_assert_eq(f[1].cluster, c2);
	cr_assert_str_eq(f[1].digest, "{\"count\":3}");
	cr_assert_eq(f[1].total, 3);
	cr_assert_eq(f[1].next, 2);
	cr_assert_eq(f[1].paused, 1);
	cr_assert_null(f[1].reason);
	cr_assert_eq(f[1].upload, 7);
	free((char *)f[1].digest);
	memset(&b, 0, sizeof b);
	cr_assert_eq(store_factory_items_load(s, 7, bytes_cb, &b), 0);
	cr_assert_eq(b.frames, 2);
	cr_assert_eq(b.n, sizeof frame);
	cr_assert_eq(memcmp(b.b, frame, sizeof frame), 0);
	memset(&e, 0, sizeof e);
	cr_assert_eq(store_machines_load(s, mach_cb, &e), 0);
	cr_assert_str_eq(e.buf, "nodea:4:100:950:offline;");
	store_close(s);
	free(j->hold_reason);
	tjob_free(j);
}

/* The parameters a write's SQL uses: ?N skipped are not copied. */
Test(store, redo_params)
{
	static const struct {
		const char	*sql;
		uint64_t	 mask;
	} t[] = {
		{ "UPDATE p SET a = ?3, c = ?5 WHERE b = ?1", 0x15 },
		{ "INSERT INTO p (a, b) VALUES (?, ?)", 0x3 },
		/* A bare ? has no name either: all are copied. */
		{ "INSERT INTO p (a, b, c) VALUES (?3, ?, 'x?')", 0xf },
		{ "DELETE FROM p WHERE a = :a AND b = ?4", 0x9 },
		{ "SELECT a FROM p WHERE a = ?2", 0 },
		{ "DELETE FROM p", 0 },
	};
	sqlite3		*db;
	sqlite3_stmt	*st;
	size_t		 i;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE TABLE p (a, b, c)", NULL, NULL,
	    NULL), SQLITE_OK);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cr_assert_eq(sqlite3_prepare_v2(db, t[i].sql, -1, &st, NULL),
		    SQLITE_OK, "%s", t[i].sql);
		cr_assert_eq(redo_params(st), t[i].mask, "%s: %#llx",
		    t[i].sql, (unsigned long long)redo_params(st));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/*
 * A kept write whose values did not all go through store_bind_*() is
 * not kept with a guess: store_hold() says a write was lost.  Through
 * the helpers, a statement of its own is replayed from its SQL.
 */
Test(store, redo_value_unseen_is_lost)
{
	struct store	*s;
	sqlite3_stmt	*st;
	char		 v[16];
	int		 k;

	s = open_ok();
	store_redo(s, 1);
	for (k = 0; k < 2; k++) {
		cr_assert_eq(store_begin(s), 0);
		cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s),
		    "INSERT INTO state (key, value) VALUES ('redo', ?1)", -1,
		    &st, NULL), SQLITE_OK);
		if (k == 0)
			cr_assert_eq(sqlite3_bind_text(st, 1, "raw", -1,
			    SQLITE_STATIC), SQLITE_OK);
		else
			cr_assert_eq(store_bind_text(s, st, 1, "seen"),
			    SQLITE_OK);
		cr_assert_eq(store_run(s, st, "redo"), 0);
		sqlite3_finalize(st);
		cr_assert_eq(store_hold(s), k == 0 ? -1 : 0);
		cr_assert_eq(store_held_count(s), (size_t)k);
		cr_assert_eq(store_resume(s), 0);
		cr_assert_eq(store_held(s), 0);
	}
	store_close(s);
	s = open_ok();
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s), "SELECT group_concat("
	    "value) FROM state WHERE key = 'redo'", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	strlcpy(v, (const char *)sqlite3_column_text(st, 0), sizeof v);
	sqlite3_finalize(st);
	cr_assert_str_eq(v, "seen");
	store_close(s);
}

/*
 * A held write is kept, not done: the verbs that check the rows it
 * changed (a job's update, its description, a factory's progress) do not
 * read what the last write done before the hold changed.  Here that is
 * a delete of nothing, then a commit the disk refuses.
 */
Test(store, held_write_no_rows_count)
{
	struct store		*s;
	struct job		*j;
	struct loaded		 l;
	struct store_factory	 f[5];
	struct rlimit		 rl, none;
	uint32_t		 c;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	none = rl;
	none.rlim_cur = 1;
	s = open_ok();
	c = cluster_new(s, "hc");
	insert(s, c, 0, JOB_IDLE, "hc", 0);
	cr_assert_eq(store_factory_insert(s, c, "{}", 9, 0), 0);
	j = tjob_new(c, 0, JOB_RUNNING, "hc", 0);
	j->run = 1;

	store_redo(s, 1);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_job_update(s, j), 0);
	cr_assert_eq(store_cred_delete(s, "00000000"), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
	cr_assert_eq(store_commit(s), -1);
	cr_assert_eq(store_hold(s), 0);

	j->state = JOB_COMPLETED;
	j->finished = 30;
	j->exit_code = 0;
	cr_assert_eq(store_job_update(s, j), 0);
	j->priority = 4;
	cr_assert_eq(store_job_set_ad(s, j), 0);
	cr_assert_eq(store_factory_update(s, c, 5, 0, NULL), 0);
	cr_assert_eq(store_held_count(s), 5);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert_eq(store_resume(s), 0);
	store_close(s);

	s = open_ok();
	load(s, &l);
	cr_assert_eq(l.n, 0);
	loaded_free(&l);
	memset(f, 0, sizeof f);
	cr_assert_eq(store_factories_load(s, factory_cb, f), 0);
	cr_assert_eq(f[0].cluster, 1);
	cr_assert_eq(f[1].next, 5);
	free((char *)f[1].digest);
	store_close(s);
	tjob_free(j);
}

/*
 * A write that cannot be kept while the store is held (a value bound
 * around the helpers) is refused to its caller at once: nobody calls
 * store_hold() again before store_resume() would forget it.
 */
Test(store, held_write_unkept_refused)
{
	struct store	*s;
	sqlite3_stmt	*st;
	struct rlimit	 rl, none;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	none = rl;
	none.rlim_cur = 1;
	s = open_ok();
	store_redo(s, 1);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_event_add(s, 1, 0, 10, "x", 1, NULL), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
	cr_assert_eq(store_commit(s), -1);
	cr_assert_eq(store_hold(s), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);

	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s),
	    "INSERT INTO state (key, value) VALUES ('redo', ?1)", -1, &st,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_bind_text(st, 1, "raw", -1, SQLITE_STATIC),
	    SQLITE_OK);
	cr_assert_eq(store_run(s, st, "redo"), -1);
	sqlite3_finalize(st);
	cr_assert_eq(store_held_count(s), 1);
	cr_assert_eq(store_hold(s), -1);
	store_close(s);
}

/* Each event's detail checked against what long_hold wrote. */
struct evcheck {
	int	 n;
};

static int
evcheck_cb(void *arg, int64_t time, const char *event, uint32_t run,
    const char *detail)
{
	struct evcheck	*c = arg;
	char		 want[176];

	(void)event;
	(void)run;
	memset(want, 'a' + (int)(time % 26), 150);
	snprintf(want + 150, sizeof want - 150, "%05lld", (long long)time);
	cr_assert_eq(time, c->n, "event %d at %lld", c->n, (long long)time);
	cr_assert_str_eq(detail, want);
	c->n++;
	return 0;
}

/*
 * A long hold: thousands of writes whose text grows the copy past the
 * size kept between turns (moved as it grows, freed at the resume), from
 * a buffer the caller overwrites after each; then a second hold after
 * the first.  Every value comes back as written.
 */
Test(store, long_hold)
{
	struct store	*s;
	struct evcheck	 c;
	struct rlimit	 rl, none;
	char		 detail[176];
	uint32_t	 cl;
	int		 i, turn, n = 0;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	none = rl;
	none.rlim_cur = 1;
	s = open_ok();
	cl = cluster_new(s, "lh");
	insert(s, cl, 0, JOB_IDLE, "lh", 0);
	store_redo(s, 1);
	for (turn = 0; turn < 2; turn++) {
		cr_assert_eq(store_begin(s), 0);
		cr_assert_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
		for (i = 0; i < 3000; i++, n++) {
			memset(detail, 'a' + n % 26, 150);
			snprintf(detail + 150, sizeof detail - 150, "%05d", n);
			cr_assert_eq(store_event_add(s, cl, 0, n, "e", 1,
			    detail), 0);
			memset(detail, '!', sizeof detail - 1);
			if (i == 0) {
				cr_assert_eq(store_commit(s), -1);
				cr_assert_eq(store_hold(s), 0);
			}
		}
		cr_assert_eq(store_held_count(s), 3000);
		cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
		cr_assert_eq(store_resume(s), 0);
	}
	store_close(s);
	s = open_ok();
	memset(&c, 0, sizeof c);
	cr_assert_eq(store_events(s, cl, 0, evcheck_cb, &c), 0);
	cr_assert_eq(c.n, 6000);
	store_close(s);
}
