-- 002-spool: checkpoints and the accounting of evictions (issue 4).
-- ckpt_version names the job's checkpoint in use, spool/<c>.<p>/ckpt.<N>
-- (0: none); ckpt_time is when it was taken (ms, 0: never).  goodput_ms
-- is run time that ended in a completion or a checkpoint, badput_ms run
-- time lost (a run killed, or the part since the last checkpoint of an
-- evicted run); nevictions counts the runs that ended without completing.
ALTER TABLE jobs ADD COLUMN ckpt_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN ckpt_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN nevictions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN goodput_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN badput_ms INTEGER NOT NULL DEFAULT 0;
