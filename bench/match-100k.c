/*
 * match-100k.c: matching and `cq why` at scale, through the scheduler's
 * own code (match_run(), slots_judge(), autocluster_of(), why_explain()).
 * 10,000 free slots on 1,000 machines (cpus 1-4, memory 1-8 GiB, a start
 * policy on the idle time and the load, a rank on some, HasMatlab on
 * some) and 100,000 idle jobs of 50 shapes (requests, requirements, rank)
 * in the idle list; one match run starts as many as fit, each start
 * claiming its slot as queue_start does (without the store and the
 * link, which are not matching).  Then `cq why` of a job that waits for a
 * slot and of one whose requirements no slot meets, each judged against
 * all 10,000 slots.  With -o the machines' start also names the job's
 * Owner (10 owners), which makes Owner significant: 500 autoclusters.
 * Prints figures; asserts nothing (bench/RESULTS.md).
 *
 * usage: match-100k [-j jobs] [-m machines] [-o]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "autocluster.h"
#include "jobad.h"
#include "machinead.h"
#include "match.h"
#include "schedd.h"
#include "slots.h"
#include "why.h"
#include "xmalloc.h"

#define SLOTS_PER_MACHINE	10

static struct slots		 b_slots;
static struct job_list		 b_idle;
static struct machine_list	 b_machines;
static char			 b_link;

static double
b_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
b_start(struct job *j, struct slot *s, void *arg)
{
	slots_set_state(&b_slots, s, SLOT_CLAIMED);
	s->job = j;
	slots_refresh(&b_slots, s);
	j->slot = s;
	j->state = JOB_RUNNING;
	TAILQ_REMOVE(&b_idle, j, idle_entry);
	j->on_idle = 0;
}

static void
b_machines_make(int n, int owners)
{
	struct machine	*m;
	struct slot	*s;
	char		 name[32], err[128];
	int		 i, k;

	for (i = 0; i < n; i++) {
		m = xcalloc(1, sizeof *m);
		snprintf(name, sizeof name, "desk%04d", i);
		m->name = xstrdup(name);
		m->online = 1;
		m->peer = (struct peer *)&b_link;
		m->hb_mono = 1;
		m->owner_idle_ms = 3600 * 1000;
		m->has_load = 1;
		m->load = 0.05;
		m->ad.arch = xstrdup("X86_64");
		m->ad.opsys = xstrdup("LINUX");
		m->ad.opsysandver = xstrdup("Ubuntu22");
		m->ad.total_cpus = SLOTS_PER_MACHINE * (1 + i % 4);
		m->ad.total_memory_mb = SLOTS_PER_MACHINE * 1024 * (1 + i % 8);
		m->ad.total_disk_kb = SLOTS_PER_MACHINE * 20 * 1024 * 1024;
		if (machinead_set_expr(&m->ad.start, owners ?
		    "KeyboardIdle > 900 && LoadAvg < 0.3 && "
		    "TARGET.Owner != \"user7\"" :
		    "KeyboardIdle > 900 && LoadAvg < 0.3", err,
		    sizeof err) == -1)
			abort();
		if (i % 3 == 0 && machinead_set_expr(&m->ad.rank,
		    "TARGET.RequestMemory", err, sizeof err) == -1)
			abort();
		if (i % 2 == 0 && machinead_attrs_parse(&m->ad,
		    "HasMatlab = true", err, sizeof err) == -1)
			abort();
		autocluster_significant(m->ad.start);
		autocluster_significant(m->ad.rank);
		m->nslots = SLOTS_PER_MACHINE;
		m->slots = xcalloc(SLOTS_PER_MACHINE, sizeof *m->slots);
		for (k = 0; k < SLOTS_PER_MACHINE; k++) {
			s = xcalloc(1, sizeof *s);
			s->machine = m;
			s->id = k + 1;
			s->cpus = 1 + i % 4;
			s->memory_mb = 1024 * (1 + i % 8);
			s->disk_kb = 20 * 1024 * 1024;
			s->state = SLOT_UNCLAIMED;
			m->slots[k] = s;
			slots_refresh(&b_slots, s);
		}
		TAILQ_INSERT_TAIL(&b_machines, m, entry);
	}
}

/* 50 shapes: 2 cpus x 5 memories x 5 requirements (rank on odd ones). */
static struct job *
b_job(int i, int shape)
{
	static const char *const reqs[] = {
		NULL, "Arch == \"X86_64\"",
		"TARGET.Memory >= 2048 && KeyboardIdle > 0",
		"HasMatlab =?= true", "OpSysAndVer =!= \"Windows10\"",
	};
	static const int64_t mems[] = { 0, 512, 1024, 2048, 4096 };
	struct job	*j = job_new();
	char		 owner[16];

	j->cluster = (uint32_t)(i / 100 + 1);
	j->proc = (uint32_t)(i % 100);
	j->state = JOB_IDLE;
	snprintf(owner, sizeof owner, "user%d", (i / 50) % 10);
	j->owner = xstrdup(owner);
	j->request_cpus = 1 + shape % 2;
	j->request_memory_mb = mems[(shape / 2) % 5];
	if (reqs[(shape / 10) % 5] != NULL)
		j->requirements = xstrdup(reqs[(shape / 10) % 5]);
	if (shape % 2)
		j->rank = xstrdup("Memory");
	return j;
}

static void
b_why(struct job *j, const char *what)
{
	struct json_object	*o;
	double			 t0, dt;

	t0 = b_ms();
	o = why_explain(j, &b_machines, 2);
	dt = b_ms() - t0;
	printf("cq why (%s): %.1f ms over %lld slots: %s\n", what, dt,
	    (long long)json_object_get_int(json_object_object_get(o,
	    "nslots")), json_object_get_string(json_object_object_get(o,
	    "summary")));
	json_object_put(o);
}

int
main(int argc, char **argv)
{
	struct match_ctx	 mc;
	struct job		**jobs, *never;
	double			 t0, t1, t2;
	int			 c, i, njobs = 100000, nmachines = 1000;
	int			 owners = 0, started;

	while ((c = getopt(argc, argv, "j:m:o")) != -1) {
		switch (c) {
		case 'j':
			njobs = atoi(optarg);
			break;
		case 'm':
			nmachines = atoi(optarg);
			break;
		case 'o':
			owners = 1;
			break;
		default:
			fprintf(stderr, "usage: match-100k [-j jobs] "
			    "[-m machines] [-o]\n");
			return 2;
		}
	}
	slots_init(&b_slots, NULL, NULL);
	TAILQ_INIT(&b_idle);
	TAILQ_INIT(&b_machines);
	autocluster_init("X86_64", "LINUX");
	b_machines_make(nmachines, owners);
	jobs = xcalloc((size_t)njobs + 1, sizeof *jobs);
	for (i = 0; i < njobs; i++) {
		jobs[i] = b_job(i, i % 50);
		TAILQ_INSERT_TAIL(&b_idle, jobs[i], idle_entry);
		jobs[i]->on_idle = 1;
	}
	never = b_job(njobs, 0);
	never->requirements = xstrdup("Arch == \"SPARC\"");
	never->cluster = 999999;
	jobs[njobs] = never;

	memset(&mc, 0, sizeof mc);
	mc.idle = &b_idle;
	mc.slots = &b_slots;
	mc.now = 2;
	mc.attr = jobad_value;
	mc.start = b_start;
	t0 = b_ms();
	started = match_run(&mc);
	t1 = b_ms();
	printf("match: %d idle jobs of 50 shapes, %d free slots on %d "
	    "machines%s\n", njobs, nmachines * SLOTS_PER_MACHINE, nmachines,
	    owners ? " (start names Owner: 10 owners)" : "");
	printf("match: %.1f ms, %d started, %zu jobs looked at, %zu "
	    "autoclusters judged (%zu in use), %zu slot judgements\n",
	    t1 - t0, started, mc.njobs, mc.nclusters, autocluster_count(),
	    mc.njudged);
	/* A second run with nothing free: the cost of a busy pool. */
	t0 = b_ms();
	match_run(&mc);
	t2 = b_ms();
	printf("match again, no slot free: %.2f ms\n", t2 - t0);
	b_why(TAILQ_FIRST(&b_idle), "a job waiting for a slot");
	b_why(never, "Arch == \"SPARC\"");
	for (i = 0; i <= njobs; i++)
		job_free(jobs[i]);
	free(jobs);
	return 0;
}
