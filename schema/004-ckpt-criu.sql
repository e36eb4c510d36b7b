-- 004-ckpt-criu: whether the job's checkpoint in use (ckpt_version) is a
-- CRIU image, so that after a scheduler restart matching still offers the
-- job only to agents that can restore it (1) rather than losing its work.
ALTER TABLE jobs ADD COLUMN ckpt_criu INTEGER NOT NULL DEFAULT 0;
