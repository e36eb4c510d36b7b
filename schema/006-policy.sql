-- 006-policy: what the job policy expressions see and what a hold keeps
-- (scheduler/jobend.c).  entered is EnteredCurrentStatus (ms, 0: not
-- known); ncompletions is NumJobCompletions, the runs that ended by
-- themselves (max_retries counts them); hold_reason, hold_code and
-- hold_subcode are HoldReason, HoldReasonCode and HoldReasonSubCode while
-- the job is held.
ALTER TABLE jobs ADD COLUMN entered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN ncompletions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN hold_reason TEXT;
ALTER TABLE jobs ADD COLUMN hold_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN hold_subcode INTEGER NOT NULL DEFAULT 0;
