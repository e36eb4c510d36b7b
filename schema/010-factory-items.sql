-- 010-factory-items: the items of a late materialization that came as
-- item frames (common/itemframe.h), stored as they arrive, one row per
-- frame (seq from 0) under an upload id, before the factory's submit.
-- The submit's transaction writes the factory row that names the upload
-- (items_upload); rows of an upload no factory names are a submit that
-- never completed (its client went away, the scheduler was killed) and
-- are deleted at start-up, so a cluster is whole or absent.  The rows go
-- with their factory's.
CREATE TABLE factory_items (
	upload		INTEGER NOT NULL CHECK (upload > 0),
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	items		BLOB NOT NULL,
	PRIMARY KEY (upload, seq)
);
ALTER TABLE factories ADD COLUMN items_upload INTEGER;
