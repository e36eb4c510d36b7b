/*
 * test_why.c: `cq why` (scheduler/why.c) on a pool in memory: its counts
 * come from the predicate matching uses, clause by clause, with the
 * machines' start rejections and what would let the job run.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jsonx.h"
#include "pool_fixture.h"
#include "why.h"

TestSuite(why, .init = pool_setup, .fini = pool_teardown);

static struct json_object *
why_of(struct job *j)
{
	return why_explain(j, &pool_machines, 1000);
}

static int64_t
why_int(struct json_object *o, const char *key)
{
	return jsonx_int(o, key, -1);
}

/* The count of reason KEY, or 0. */
static int64_t
why_reason(struct json_object *o, const char *key)
{
	struct json_object	*a = jsonx_get(o, "reasons"), *e;
	size_t			 i;

	for (i = 0; a != NULL && i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		if (strcmp(jsonx_str(e, "reason", ""), key) == 0)
			return jsonx_int(e, "slots", 0);
	}
	return 0;
}

Test(why, counts_each_clause_of_the_requirements)
{
	struct json_object	*o, *c;
	struct job		*j;

	pool_machine("small", 2, 1, 512, NULL, NULL);
	pool_machine("large", 1, 4, 8192, NULL, NULL);
	j = pool_job("alice", "Cpus >= 2 && Memory > 1024 && Arch == \"SPARC\"",
	    NULL, 1, 0);
	o = why_of(j);
	cr_assert_eq(why_int(o, "nslots"), 3);
	cr_assert_eq(why_int(o, "rejected_by_requirements"), 3);
	c = jsonx_get(o, "clauses");
	/* The user's three, then OpSys, Disk, Memory, Cpus (Arch named). */
	cr_assert_eq(json_object_array_length(c), 7);
	cr_assert_eq(jsonx_int(json_object_array_get_idx(c, 0), "matched",
	    -1), 1);
	cr_assert_eq(jsonx_int(json_object_array_get_idx(c, 1), "matched",
	    -1), 1);
	cr_assert_eq(jsonx_int(json_object_array_get_idx(c, 2), "matched",
	    -1), 0);
	cr_assert(jsonx_bool(json_object_array_get_idx(c, 3), "added", 0));
	cr_assert(strstr(jsonx_str(o, "summary", ""), "can ever run it"));
	cr_assert(strstr(json_object_get_string(json_object_array_get_idx(
	    jsonx_get(o, "suggestions"), 0)), "Arch == \"SPARC\""));
	json_object_put(o);
}

Test(why, names_the_start_clause_and_the_memory)
{
	struct json_object	*o;
	struct job		*eve, *big, *undef;

	pool_machine("desk", 2, 1, 1024, "KeyboardIdle >= 0 || true && "
	    "TARGET.Owner != \"eve\"", NULL);
	eve = pool_job("eve", NULL, NULL, 1, 0);
	big = pool_job("alice", NULL, NULL, 1, 4096);
	undef = pool_job("alice", "broken", NULL, 1, 0);
	o = why_of(eve);
	cr_assert_eq(why_int(o, "rejected_by_start"), 2);
	cr_assert_eq(why_reason(o, "start"), 2);
	json_object_put(o);
	o = why_of(big);
	cr_assert_eq(why_reason(o, "memory"), 2);
	cr_assert(strstr(json_object_get_string(json_object_array_get_idx(
	    jsonx_get(o, "reasons"), 0)), "too little memory (job asks 4096 "
	    "MiB, largest slot 1024 MiB)") != NULL);
	json_object_put(o);
	o = why_of(undef);
	cr_assert_eq(jsonx_int(json_object_array_get_idx(jsonx_get(o,
	    "clauses"), 0), "undefined", -1), 2);
	json_object_put(o);
}

Test(why, agrees_with_matching)
{
	struct json_object	*o;
	struct match_ctx	 mc;
	struct machine		*m;
	struct job		*j;

	m = pool_machine("desk", 3, 1, 1024, NULL, NULL);
	slots_set_state(&pool_slots, m->slots[0], SLOT_OWNER);
	j = pool_job("alice", NULL, NULL, 1, 0);
	o = why_of(j);
	cr_assert_eq(why_reason(o, "owner"), 1);
	cr_assert_eq(why_reason(o, "free"), 2);
	json_object_put(o);
	/* Two free by why: matching starts it on one of them. */
	cr_assert_eq(pool_match(&mc), 1);
	cr_assert_eq(j->state, JOB_RUNNING);
	cr_assert_neq(j->slot, m->slots[0]);
	/* A CRIU image and no CRIU: why and matching agree. */
	j = pool_job("alice", NULL, NULL, 1, 0);
	j->ckpt_criu = 1;
	o = why_of(j);
	cr_assert_eq(why_reason(o, "criu"), 3);
	json_object_put(o);
	cr_assert_eq(pool_match(&mc), 0);
}
