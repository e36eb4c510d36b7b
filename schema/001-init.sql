-- 001-init: the first schema of cq-schedd's database.
-- Times are milliseconds since the epoch.  Applied in one transaction by
-- store_open(), which then sets PRAGMA user_version to 1.

-- A cluster is one submission; AUTOINCREMENT so an id is never reused,
-- even after its rows are gone.
CREATE TABLE clusters (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	uid		INTEGER NOT NULL,
	owner		TEXT NOT NULL,
	submitted	INTEGER NOT NULL,
	batch_name	TEXT,
	nprocs		INTEGER NOT NULL CHECK (nprocs >= 0)
);

-- One row per job; the indexed columns are copies of what the scheduler
-- queries, the full description is the JSON text in ad.  exit_code is
-- NULL while the job has none.
CREATE TABLE jobs (
	cluster			INTEGER NOT NULL,
	proc			INTEGER NOT NULL CHECK (proc >= 0),
	state			INTEGER NOT NULL CHECK (state BETWEEN 1 AND 7),
	uid			INTEGER NOT NULL,
	owner			TEXT NOT NULL,
	priority		INTEGER NOT NULL DEFAULT 0,
	request_cpus		INTEGER NOT NULL DEFAULT 1,
	request_memory_mb	INTEGER NOT NULL DEFAULT 0,
	cmd			TEXT,
	ad			TEXT,
	submitted		INTEGER NOT NULL,
	started			INTEGER NOT NULL DEFAULT 0,
	finished		INTEGER NOT NULL DEFAULT 0,
	run			INTEGER NOT NULL DEFAULT 0,
	machine			TEXT,
	exit_code		INTEGER,
	exit_signal		INTEGER NOT NULL DEFAULT 0,
	utime_ms		INTEGER NOT NULL DEFAULT 0,
	stime_ms		INTEGER NOT NULL DEFAULT 0,
	maxrss_kb		INTEGER NOT NULL DEFAULT 0,
	nstarts			INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (cluster, proc),
	FOREIGN KEY (cluster) REFERENCES clusters (id)
);
CREATE INDEX jobs_state ON jobs (state);
CREATE INDEX jobs_owner ON jobs (owner);
-- The queue in load order and the history newest first, without a sort
-- and without walking the other part of the table (store.c names them in
-- INDEXED BY, so their WHERE must match its queries).
CREATE INDEX jobs_queue ON jobs (cluster, proc)
	WHERE state IN (1, 2, 5, 6, 7);
CREATE INDEX jobs_history ON jobs (finished, cluster, proc)
	WHERE state IN (3, 4);

-- Execute machines seen by the scheduler.
CREATE TABLE machines (
	name		TEXT PRIMARY KEY,
	nslots		INTEGER NOT NULL CHECK (nslots >= 0),
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	state		TEXT NOT NULL
);

-- The job event log (the user log), in id order.
CREATE TABLE job_events (
	id		INTEGER PRIMARY KEY,
	cluster		INTEGER NOT NULL,
	proc		INTEGER NOT NULL,
	time		INTEGER NOT NULL,
	event		TEXT NOT NULL,
	run		INTEGER NOT NULL DEFAULT 0,
	detail		TEXT
);
CREATE INDEX job_events_job ON job_events (cluster, proc, id);

-- Accumulated usage per user, for fair share.
CREATE TABLE users (
	name		TEXT PRIMARY KEY,
	usage		REAL NOT NULL DEFAULT 0,
	updated		INTEGER NOT NULL DEFAULT 0
);
