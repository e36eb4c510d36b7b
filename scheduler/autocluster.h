/*
 * autocluster.h: jobs grouped by what matching can see of them, so that
 * matching and `cq why` judge a group once, not each job.  A job's
 * autocluster is fixed by its requirements and rank text, its requests
 * (cpus, memory, disk), whether it restores a CRIU image, what a vacate
 * leaves of its work (checkpoint_exit_code, checkpoint = criu), its expected
 * run time (for the placement, if a runtime function is set), and the values
 * of its significant attributes: every attribute its own expressions or
 * any machine's start and rank name.  When a machine's ad names a new
 * attribute the generation moves on and every job is grouped again.
 * Domain code: no libevent, json-c or SQLite.
 */
#ifndef CQ_AUTOCLUSTER_H
#define CQ_AUTOCLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"

struct job;
struct slot;

/* A job attribute by name (custom ones included): 0, or -1 if none. */
typedef int (*autocluster_attr_fn)(const struct job *, const char *name,
	    struct expr_value *out);

struct autocluster_val {
	char			*name;
	int			 present;
	struct expr_value	 v;
};

/*
 * A job's expected run time in seconds (-1: unknown), asked each time
 * the job's group is: a job whose run time changed (its cluster's
 * learned one) is grouped again (place.c's place_runtime).
 */
typedef int64_t (*autocluster_runtime_fn)(const struct job *);

/* What one match run keeps per autocluster (match.c). */
struct autocluster_cand {
	struct slot	*slot;
	double		 rank, mrank, place;
	size_t		 order;
};

#define AUTOCLUSTER_MAX_ADDED	5

struct autocluster {
	char			*key;
	uint32_t		 hash;
	struct autocluster	*next;		/* hash chain */
	uint64_t		 id;		/* AutoClusterId */
	uint64_t		 gen;
	int			 refs;		/* jobs that point here */
	int			 listed;	/* in the table */
	struct autocluster_src	*src;
	const struct expr	*added[AUTOCLUSTER_MAX_ADDED];
	int			 nadded;
	int			 criu;
	int			 keeps;		/* its jobs' (enum place_keeps) */
	int			 per_slot;	/* names Name or SlotID */
	int64_t			 request_cpus;
	int64_t			 request_memory_mb;
	int64_t			 request_disk_kb;
	int64_t			 runtime_s;	/* its jobs' expected run
						   time, -1: unknown */
	struct autocluster_val	*vals;
	size_t			 nvals;

	/* One match run's state (match.c): its candidate slots, best
	 * first, and how far they are taken. */
	uint64_t		 run;
	int			 done;
	struct autocluster_cand	*cands;
	size_t			 ncands, pos;
};

/* Set the platform the added clauses name (Arch, OpSys); once. */
void	autocluster_init(const char *arch, const char *opsys);
/* Group jobs by their expected run time too, from FN (NULL: not). */
void	autocluster_set_runtime(autocluster_runtime_fn fn);
void	autocluster_shutdown(void);
/* J's autocluster, grouped now if its group is stale; borrowed (J holds
 * a reference).  ATTR gives J's attribute values. */
struct autocluster *autocluster_of(struct job *j, autocluster_attr_fn attr);
/* J changed (qedit, requirements): group it again when next asked. */
void	autocluster_forget(struct job *j);
/* A machine's START or RANK names these attributes: they become
 * significant (a new one moves the generation on). */
void	autocluster_significant(const struct expr *e);
/* The number of autoclusters in use, for figures. */
size_t	autocluster_count(void);

/* The user's requirements (NULL: none), the rank (NULL: 0). */
const struct expr *autocluster_requirements(const struct autocluster *);
const struct expr *autocluster_rank(const struct autocluster *);
/* Clauses of the requirements: the user's top-level && operands, then
 * those added for the requests. */
int	autocluster_nclauses(const struct autocluster *);
/* The number of the user's own clauses (the rest are added). */
int	autocluster_nuser(const struct autocluster *);
void	autocluster_clause_eval(const struct autocluster *, int k,
	    const struct expr_env *env, struct expr_value *out);
const char *autocluster_clause_str(const struct autocluster *, int k,
	    char *buf, size_t len);
/* AC's jobs' attribute NAME (the requests and significant ones); 0, or
 * -1 if they have none. */
int	autocluster_lookup(const struct autocluster *, const char *name,
	    struct expr_value *out);

#endif
