-- 003-lean-indexes: drop the two indexes no query uses.  Every query on
-- jobs goes by the primary key or names jobs_queue or jobs_history in
-- INDEXED BY (store.c), so jobs_state and jobs_owner were only upkeep:
-- two more b-tree inserts per job row, the biggest part of a big submit.
DROP INDEX IF EXISTS jobs_state;
DROP INDEX IF EXISTS jobs_owner;
