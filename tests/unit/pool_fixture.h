/*
 * pool_fixture.h: a pool in memory for the matching tests (test_match.c,
 * test_slots.c): machines with slots on a free list, idle jobs on an idle
 * list, and a start function that claims the slot as the scheduler's
 * does.  No sockets, no store: the agents' links are a non-NULL marker.
 */
#ifndef CQ_POOL_FIXTURE_H
#define CQ_POOL_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "autocluster.h"
#include "jobad.h"
#include "machinead.h"
#include "match.h"
#include "schedd.h"
#include "slots.h"
#include "xmalloc.h"

#define POOL_MAX	64

static struct slots		 pool_slots;
static struct job_list		 pool_idle;
static struct machine_list	 pool_machines;
static char			 pool_link;	/* a connected agent */
static struct job		*pool_jobs[4096];
static int			 pool_njobs;
static int			 pool_freed;	/* on_free calls */
static int64_t			 pool_now;	/* the match runs' mono ms */

static void
pool_on_free(void *arg)
{
	pool_freed++;
}

static void
pool_setup(void)
{
	slots_init(&pool_slots, pool_on_free, NULL);
	TAILQ_INIT(&pool_idle);
	TAILQ_INIT(&pool_machines);
	pool_njobs = 0;
	pool_freed = 0;
	pool_now = 1000;
	autocluster_init("X86_64", "LINUX");
}

/* A connected machine NAME with N slots of CPUS and MEM MiB each. */
static struct machine *
pool_machine(const char *name, int n, int64_t cpus, int64_t mem,
    const char *start, const char *rank)
{
	struct machine	*m;
	struct slot	*s;
	char		 err[128];
	int		 i;

	m = xcalloc(1, sizeof *m);
	m->name = xstrdup(name);
	m->online = 1;
	m->peer = (struct peer *)&pool_link;
	m->owner_idle_ms = m->owner_seen_ms = -1;
	m->ad.arch = xstrdup("X86_64");
	m->ad.opsys = xstrdup("LINUX");
	m->ad.total_cpus = cpus * n;
	m->ad.total_memory_mb = mem * n;
	m->ad.total_disk_kb = 1024 * 1024 * n;
	if (start != NULL && machinead_set_expr(&m->ad.start, start, err,
	    sizeof err) == -1)
		abort();
	if (rank != NULL && machinead_set_expr(&m->ad.rank, rank, err,
	    sizeof err) == -1)
		abort();
	autocluster_significant(m->ad.start);
	autocluster_significant(m->ad.rank);
	m->nslots = n;
	m->slots = xcalloc((size_t)n, sizeof *m->slots);
	for (i = 0; i < n; i++) {
		s = xcalloc(1, sizeof *s);
		s->machine = m;
		s->id = i + 1;
		s->cpus = cpus;
		s->memory_mb = mem;
		s->disk_kb = 1024 * 1024;
		s->state = SLOT_UNCLAIMED;
		m->slots[i] = s;
		slots_refresh(&pool_slots, s);
	}
	TAILQ_INSERT_TAIL(&pool_machines, m, entry);
	return m;
}

/* An idle job of OWNER with REQ and RANK (NULL: none), queued last. */
static struct job *
pool_job(const char *owner, const char *req, const char *rank,
    int64_t cpus, int64_t mem)
{
	struct job	*j = job_new();

	j->cluster = (uint32_t)pool_njobs + 1;
	j->state = JOB_IDLE;
	j->owner = xstrdup(owner);
	j->request_cpus = cpus;
	j->request_memory_mb = mem;
	j->requirements = req != NULL ? xstrdup(req) : NULL;
	j->rank = rank != NULL ? xstrdup(rank) : NULL;
	TAILQ_INSERT_TAIL(&pool_idle, j, idle_entry);
	j->on_idle = 1;
	pool_jobs[pool_njobs++] = j;
	return j;
}

/* What queue_start does to the mirror: the slot is claimed. */
static void
pool_start(struct job *j, struct slot *s, void *arg)
{
	if (slots_set_state(&pool_slots, s, SLOT_CLAIMED) == -1)
		abort();
	s->job = j;
	slots_refresh(&pool_slots, s);
	j->slot = s;
	j->state = JOB_RUNNING;
	TAILQ_REMOVE(&pool_idle, j, idle_entry);
	j->on_idle = 0;
}

static inline int
pool_match(struct match_ctx *mc)
{
	memset(mc, 0, sizeof *mc);
	mc->idle = &pool_idle;
	mc->slots = &pool_slots;
	mc->now = pool_now;
	mc->attr = jobad_value;
	mc->start = pool_start;
	return match_run(mc);
}

/* "slotN@machine" of where J was started, or "". */
static inline const char *
pool_where(const struct job *j, char *buf, size_t len)
{
	if (j->slot == NULL)
		return "";
	snprintf(buf, len, "slot%d@%s", j->slot->id, j->slot->machine->name);
	return buf;
}

static void
pool_teardown(void)
{
	struct machine	*m;
	int		 i;

	for (i = 0; i < pool_njobs; i++)
		job_free(pool_jobs[i]);
	while ((m = TAILQ_FIRST(&pool_machines)) != NULL) {
		TAILQ_REMOVE(&pool_machines, m, entry);
		for (i = 0; i < m->nslots; i++) {
			slots_unlist(&pool_slots, m->slots[i]);
			free(m->slots[i]);
		}
		free(m->slots);
		machinead_clear(&m->ad);
		free(m->name);
		free(m);
	}
	autocluster_shutdown();
}

#endif
