-- 008-state: facts about the database itself, one row each: 'db_id', a
-- random id the scheduler also keeps in STATE_DIR/store.mark, so a
-- database that is not the one it left (another queue's, an old copy) is
-- refused at start; 'starts', the number of starts (each start writes,
-- which proves the database writable before anything is promised).
CREATE TABLE state (
	key		TEXT PRIMARY KEY NOT NULL,
	value		TEXT NOT NULL
) WITHOUT ROWID;
