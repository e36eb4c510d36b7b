-- 011-queue-index: the queue's partial index says "not finished" as
-- NOT IN (3, 4) instead of IN (1, 2, 5, 6, 7), which selects the same
-- rows (state is 1 to 7).  SQLite evaluates a partial index's WHERE for
-- the old and the new row at every write of a job; an IN list of more
-- than two values built a temporary b-tree each time (two per UPDATE,
-- half the cost of a job's row), a list of two is two comparisons.
-- store.c's queries that name jobs_queue say the same.
DROP INDEX IF EXISTS jobs_queue;
CREATE INDEX jobs_queue ON jobs (cluster, proc)
	WHERE state NOT IN (3, 4);
