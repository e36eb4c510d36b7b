-- 007-fairshare: what fair share keeps of each submitter (a job's owner,
-- or accounting_group.user) across restarts (docs/fairshare.md).  usage
-- is HTCondor's real user priority (decayed cores) as of updated (ms
-- since the epoch); factor is the one `cq userprio -setfactor` set (0:
-- none, the configuration's or the default applies); accumulated is the
-- core-seconds used, never decayed.
ALTER TABLE users ADD COLUMN factor REAL NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN accumulated REAL NOT NULL DEFAULT 0;
