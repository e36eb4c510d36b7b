-- 005-credentials: the pool's credentials (docs/credentials.md).  Times
-- are milliseconds since the epoch; 0 means none (never expires, not
-- revoked, never seen).  Secrets are never stored: hash is SHA-256 of
-- the secret part of the credential's text.

-- Pool tokens (kind 'token': name is the one machine it may enroll, or
-- NULL for any; uses counts enrollments) and agent credentials (kind
-- 'agent': name is the machine bound to it; at most one per name, and a
-- revoked one keeps its name until `cq pool forget`).
CREATE TABLE creds (
	id		TEXT PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('token', 'agent')),
	hash		BLOB NOT NULL CHECK (length(hash) = 32),
	name		TEXT,
	issued		INTEGER NOT NULL,
	expires		INTEGER NOT NULL DEFAULT 0,
	revoked		INTEGER NOT NULL DEFAULT 0,
	last_seen	INTEGER NOT NULL DEFAULT 0,
	source		TEXT,
	how		TEXT NOT NULL,
	uses		INTEGER NOT NULL DEFAULT 0,
	CHECK (kind = 'token' OR name IS NOT NULL)
);
CREATE UNIQUE INDEX creds_agent_name ON creds (name) WHERE kind = 'agent';

-- Credential requests of agents that hold no secret (netbooted desktops):
-- pending until approved (by `cq pool approve` or an auto-approve
-- block), granted once the agent took its credential (cred_id).
CREATE TABLE cred_requests (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL,
	source		TEXT NOT NULL,
	created		INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	key_hash	BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
	state		TEXT NOT NULL
	    CHECK (state IN ('pending', 'approved', 'granted')),
	cred_id		TEXT,
	how		TEXT
);

-- Auto-approve rules made at run time (`cq pool auto-approve`): requests
-- from inside netblock until expires are granted at once.
CREATE TABLE auto_approve (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	netblock	TEXT NOT NULL,
	created		INTEGER NOT NULL,
	expires		INTEGER NOT NULL
);
