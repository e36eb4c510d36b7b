-- 009-factories: late materialization (docs/materialize.md).  A cluster
-- submitted as a factory keeps its description here, as the digest the
-- client sent (JSON: the statements before the queue statement, its
-- variables and items, max_materialize, max_idle, the submitter), and
-- next_proc, the first proc not yet in the jobs table: the jobs below it
-- and next_proc are written in one transaction, so a restart goes on
-- from there without losing or repeating one.  paused: 0 no, 1 held by
-- cq hold of the cluster, 2 a job could not be built (reason says why).
-- The row goes when every proc is materialized or the cluster removed.
CREATE TABLE factories (
	cluster		INTEGER PRIMARY KEY REFERENCES clusters(id),
	digest		TEXT NOT NULL,
	total		INTEGER NOT NULL CHECK (total > 0),
	next_proc	INTEGER NOT NULL DEFAULT 0 CHECK (next_proc >= 0),
	paused		INTEGER NOT NULL DEFAULT 0,
	reason		TEXT
);
