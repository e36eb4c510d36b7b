/*
 * store.h: the scheduler's durable state.  store.c (and store-peek.c, its
 * read-only look for stateck.c) are the only files that include
 * <sqlite3.h>; they expose verbs, never SQL.  The database is in
 * WAL mode with synchronous=FULL and foreign keys on; migrations from
 * schema/ are applied at open and a database newer than the code is
 * refused.  Writes happen between store_begin() and store_commit(): the
 * scheduler groups the changes of one loop turn into one transaction.
 */
#ifndef CQ_STORE_H
#define CQ_STORE_H

#include <sys/types.h>
#include <stdint.h>

struct job;
struct store;

/* One machine row. */
struct store_machine {
	const char	*name;
	int		 nslots;
	int64_t		 first_seen;	/* ms */
	int64_t		 last_seen;	/* ms */
	const char	*state;		/* "online", "offline" */
};

/* Open (creating) the database at PATH, migrate.  NULL with ERRSTR. */
struct store	*store_open(const char *path, const char **errstr);
void		 store_close(struct store *);
/* The schema version (PRAGMA user_version) in use. */
int		 store_version(struct store *);

int		 store_begin(struct store *);
int		 store_commit(struct store *);
int		 store_rollback(struct store *);
/* Why the last write failed, for a user (never NULL). */
const char	*store_failure(struct store *);
/* 1 if that failure (or what holds the store) is a full disk. */
int		 store_failure_full(struct store *);
/*
 * Keep the turn's writes to replay (ON, as after store_open(); off
 * inside a client's request, which is rolled back and undone instead).
 * A kept write the disk refuses holds the store; store_hold() holds it
 * after a failed commit: the open transaction is rolled back, its writes
 * and every later kept one wait in memory (a write that is not kept is
 * refused), and store_resume() replays them in one transaction (0:
 * durable, the hold ends).  store_hold() returns -1 if a write could not
 * be kept.
 */
void		 store_redo(struct store *, int on);
int		 store_hold(struct store *);
/* Called when a kept write the disk refuses holds the store. */
void		 store_on_hold(struct store *, void (*)(void *), void *);
int		 store_held(struct store *);
size_t		 store_held_count(struct store *);
int		 store_resume(struct store *);
/* 1 while a transaction is open. */
int		 store_in_txn(struct store *);
int		 store_checkpoint_due(struct store *);
void		 store_checkpoint(struct store *);

/* A new cluster id for OWNER; returns 0 or -1. */
int		 store_cluster_new(struct store *, uid_t uid,
		    const char *owner, int64_t now, const char *batch_name,
		    uint32_t nprocs, uint32_t *cluster);
/* Insert a job (every field of J, J->ad included). */
int		 store_job_insert(struct store *, const struct job *j);
/* Write the mutable fields of J: state, run, machine, times, exit, usage. */
int		 store_job_update(struct store *, const struct job *j);
/* Append to the job event log. */
int		 store_event_add(struct store *, uint32_t cluster, uint32_t proc,
		    int64_t time, const char *event, uint32_t run,
		    const char *detail);

/*
 * Call CB for every job not in a terminal state (IDLE, RUNNING, HELD,
 * SUSPENDED, TRANSFERRING_OUTPUT), in (cluster, proc) order.  CB receives a
 * fresh job it takes ownership of; a non-zero return stops the walk.
 */
int		 store_jobs_load(struct store *,
		    int (*cb)(void *arg, struct job *j), void *arg);
/*
 * Call CB for finished jobs (COMPLETED, REMOVED), newest first, at most
 * LIMIT (0: all); CLUSTER 0 means any cluster, PROC -1 any proc; OWNER
 * NULL means any owner.  CB gets a job it must not keep (freed after).
 */
int		 store_history(struct store *, uint32_t cluster, int64_t proc,
		    const char *owner, int64_t limit,
		    int (*cb)(void *arg, const struct job *j), void *arg);
/* Call CB for each event of a job, oldest first. */
int		 store_events(struct store *, uint32_t cluster, uint32_t proc,
		    int (*cb)(void *arg, int64_t time, const char *event,
		    uint32_t run, const char *detail), void *arg);

/* One job event as the user log needs it (strings borrowed). */
struct store_logevent {
	int64_t		 id;
	uint32_t	 cluster, proc;
	int64_t		 time;		/* ms */
	const char	*event;
	uint32_t	 run;
	const char	*detail;	/* may be NULL */
	uid_t		 uid;
	const char	*log;		/* the job's log file */
	int		 exit_code;	/* -1 if none */
	int		 exit_signal;
	int64_t		 utime_ms, stime_ms;
	int		 hold_code;	/* the job's HoldReasonCode now */
	int		 hold_subcode;
};
/*
 * Call CB for the events with an id above AFTER of jobs that have a user
 * log, oldest first, at most LIMIT (0: all).
 */
int		 store_userlog_events(struct store *, int64_t after,
		    int64_t limit,
		    int (*cb)(void *arg, const struct store_logevent *e),
		    void *arg);
/* The id of the newest job event (0 if none), or -1. */
int64_t		 store_events_last(struct store *);

/* Insert or update a machine. */
int		 store_machine_put(struct store *,
		    const struct store_machine *m);
/* Call CB for each machine, by name. */
int		 store_machines_load(struct store *,
		    int (*cb)(void *arg, const struct store_machine *m),
		    void *arg);
/*
 * Call CB for each cluster that has a job not in a terminal state, by id:
 * its id, owner, batch name (NULL if none), nprocs and submit time.
 */
int		 store_clusters_load(struct store *,
		    int (*cb)(void *arg, uint32_t id, const char *owner,
		    const char *batch_name, uint32_t nprocs,
		    int64_t submitted), void *arg);


/* --- the pool's credentials (docs/credentials.md) -------------------------- */

#define STORE_HASH_LEN	32		/* SHA-256 */

/* A pool token or an agent credential.  Times in ms, 0: none. */
struct store_cred {
	char		 id[16];
	char		 kind[8];	/* "token", "agent" */
	unsigned char	 hash[STORE_HASH_LEN];
	char		 name[72];	/* bound machine, "" if none */
	int64_t		 issued, expires, revoked, last_seen;
	char		 source[64];	/* the address it was last used from */
	char		 how[96];	/* who or what issued it */
	int64_t		 uses;		/* a token's enrollments */
};

/* A credential request of an agent without a secret. */
struct store_credreq {
	int64_t		 id;
	char		 name[72];
	char		 source[64];
	int64_t		 created, last_seen;
	unsigned char	 key_hash[STORE_HASH_LEN];
	char		 state[12];	/* "pending", "approved", "granted" */
	char		 cred_id[16];	/* once granted */
	char		 how[96];	/* who or what approved it */
};

int		 store_cred_put(struct store *, const struct store_cred *);
/* Lookups: 1 found (into the struct), 0 not found, -1 error. */
int		 store_cred_get(struct store *, const char *id,
		    struct store_cred *);
int		 store_cred_by_name(struct store *, const char *name,
		    struct store_cred *);
int		 store_cred_seen(struct store *, const char *id, int64_t now,
		    const char *source, int uses);
/* 1 revoked now, 0 unknown or revoked before, -1 error. */
int		 store_cred_revoke(struct store *, const char *id,
		    int64_t now);
/* Delete credential ID alone: 1 deleted, 0 none, -1 error. */
int		 store_cred_delete(struct store *, const char *id);
/* Delete NAME's agent credential and requests: rows deleted, or -1. */
int		 store_cred_forget(struct store *, const char *name);
/* Walk credentials of KIND (NULL: all), oldest first. */
int		 store_creds_walk(struct store *, const char *kind,
		    int (*cb)(void *, const struct store_cred *), void *arg);
int		 store_req_put(struct store *, const char *name,
		    const char *source, int64_t now,
		    const unsigned char *key_hash, int64_t *id);
int		 store_req_by_hash(struct store *,
		    const unsigned char *key_hash, struct store_credreq *);
int		 store_req_get(struct store *, int64_t id,
		    struct store_credreq *);
int		 store_req_update(struct store *,
		    const struct store_credreq *);
int		 store_reqs_walk(struct store *,
		    int (*cb)(void *, const struct store_credreq *),
		    void *arg);
int64_t		 store_req_pending(struct store *);
int64_t		 store_req_pending_from(struct store *, const char *source);
int		 store_auto_put(struct store *, const char *netblock,
		    int64_t now, int64_t expires);
int		 store_auto_end(struct store *, const char *netblock,
		    int64_t now);
/* Walk the rules in force at NOW: CB(arg, id, netblock, created, expires). */
int		 store_autos_walk(struct store *, int64_t now,
		    int (*cb)(void *, int64_t, const char *, int64_t,
		    int64_t), void *arg);

/* What fair share keeps of one submitter (users table). */
struct store_user {
	const char	*name;
	double		 usage;		/* decayed (RUP), as of updated */
	int64_t		 updated;	/* ms since the epoch */
	double		 factor;	/* set by cq userprio (0: none) */
	double		 accumulated;	/* core-seconds */
};
/* Insert or replace the row of U->name. */
int		 store_user_put(struct store *, const struct store_user *u);
/* Call CB for every submitter's row, in name order. */
int		 store_users_load(struct store *,
		    int (*cb)(void *arg, const struct store_user *u),
		    void *arg);
/* Write J's description, priority and requests (cq qedit, cq prio). */
int		 store_job_set_ad(struct store *, const struct job *j);

/* Late materialization (store-factory.c): a factory's row. */
struct store_factory {
	uint32_t	 cluster;
	const char	*digest;	/* JSON, see factory.c */
	uint64_t	 total, next;	/* procs; the first not in jobs */
	int		 paused;
	const char	*reason;	/* NULL: none */
	uid_t		 uid;		/* the cluster's */
	const char	*owner;
	const char	*batch_name;
	int64_t		 submitted;
	uint64_t	 upload;	/* its factory_items, 0: none */
};
/* UPLOAD: the factory_items rows of its items (0: in the digest). */
int		 store_factory_insert(struct store *, uint32_t cluster,
		    const char *digest, uint64_t total, uint64_t upload);
int		 store_factory_update(struct store *, uint32_t cluster,
		    uint64_t next, int paused, const char *reason);
int		 store_factory_delete(struct store *, uint32_t cluster);
/* Call CB for each factory (strings live until it returns). */
int		 store_factories_load(struct store *,
		    int (*cb)(void *arg, const struct store_factory *f),
		    void *arg);
/* Item frame SEQ of UPLOAD (LEN bytes at ITEMS, not kept). */
int		 store_factory_items_insert(struct store *, uint64_t upload,
		    uint32_t seq, const void *items, size_t len);
/* Call CB with each item frame of UPLOAD in order; 0, or -1. */
int		 store_factory_items_load(struct store *, uint64_t upload,
		    int (*cb)(void *arg, const void *items, size_t len),
		    void *arg);
int		 store_factory_items_delete(struct store *, uint64_t upload);
/*
 * At start-up: delete the item frames no factory names (a submit that
 * never completed; *GONE gets how many uploads) and put in *NEXT an
 * upload id never used.  0, or -1.
 */
int		 store_factory_items_sweep(struct store *, uint64_t *next,
		    uint64_t *gone);

/* --- what stateck.c keeps of the database (docs/durability.md) ---------- */

/* 1 if SQLite opened the database read-only. */
int		 store_readonly(struct store *);
/* The highest cluster id ever handed out (0: none), or -1. */
int64_t		 store_cluster_seq(struct store *);
/* Make the next cluster id at least FLOOR + 1. */
int		 store_cluster_floor(struct store *, int64_t floor);
/* The database's id into ID: 1, 0 if it has none, -1 on error. */
int		 store_db_id(struct store *, char *id, size_t len);
int		 store_db_id_set(struct store *, const char *id);
/* Count this start: a write that proves the database writable. */
int		 store_count_start(struct store *);
/* The frames in the WAL after the last commit. */
int		 store_wal_frames(struct store *);
/*
 * CLUSTER_CB(ARG, id) runs before a cluster id above CLUSTER_LIMIT is
 * handed out (-1 with errno refuses it: the submit fails); WAL_RESET_CB
 * after a commit that started the WAL over.
 */
void		 store_state_hooks(struct store *, int64_t cluster_limit,
		    int (*cluster_cb)(void *, int64_t),
		    void (*wal_reset_cb)(void *), void *arg);
void		 store_cluster_limit(struct store *, int64_t limit);

/* --- store-peek.c: a look at a database without changing it ------------- */

struct store_peek {
	int		 version;	/* PRAGMA user_version */
	int		 has_id;
	char		 db_id[40];
	int64_t		 seq;		/* the highest cluster id */
	int64_t		 events;	/* the newest job event's id */
	int		 readonly;
};
/*
 * Open PATH read-only (no checkpoint at close, nothing created), fill P.
 * With INTEGRITY, run SQLite's integrity check and call PROBLEM for each
 * line it reports.  0, or -1 with ERR.
 */
int		 store_peek(const char *path, int integrity,
		    struct store_peek *p, void (*problem)(void *, const char *),
		    void *arg, char *err, size_t errlen);
/*
 * Call CB(ARG, cluster, proc, state, ckpt_version) for each job of PATH
 * not in a terminal state.  0, or -1 with ERR.
 */
int		 store_peek_jobs(const char *path,
		    int (*cb)(void *, int64_t, int64_t, int, int64_t),
		    void *arg, char *err, size_t errlen);

#endif
