// Versioned schema migrations, applied in order and recorded in `schema_migrations`.
// INVARIANT: a released migration is never edited; a change is a new entry at the end.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const initialSchema = `
CREATE TABLE agents (
  agent_id    TEXT PRIMARY KEY,
  team_id     TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  environment TEXT NOT NULL,
  auth_type   TEXT NOT NULL CHECK (auth_type IN ('jwt', 'api_key')),
  status      TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  agent_id   TEXT NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
  hash       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT
);
CREATE INDEX api_keys_agent ON api_keys (agent_id);

CREATE TABLE issuers (
  id             TEXT PRIMARY KEY,
  issuer         TEXT NOT NULL,
  audience       TEXT NOT NULL,
  jwks_url       TEXT,
  public_key_pem TEXT,
  hs256_secret   TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (issuer, audience)
);

CREATE TABLE policies (
  policy_id   TEXT PRIMARY KEY,
  version     INTEGER NOT NULL,
  match       TEXT NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('allow', 'deny')),
  priority    INTEGER NOT NULL,
  enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  description TEXT,
  updated_at  TEXT NOT NULL
);

CREATE TABLE quotas (
  agent_id   TEXT PRIMARY KEY REFERENCES agents (agent_id) ON DELETE CASCADE,
  rps_limit  INTEGER NOT NULL,
  rpm_limit  INTEGER NOT NULL,
  mode       TEXT NOT NULL CHECK (mode IN ('hard_stop', 'alert_only')),
  updated_at TEXT NOT NULL
);

CREATE TABLE bundles (
  version    INTEGER PRIMARY KEY,
  manifest   TEXT NOT NULL,
  signature  TEXT NOT NULL,
  content    TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- timestamp_ms is the event time as a number, so since/until compare numerically
-- whatever RFC 3339 spelling a gateway used.
CREATE TABLE audit_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id   TEXT NOT NULL UNIQUE,
  timestamp    TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  agent_id     TEXT,
  team_id      TEXT,
  decision     TEXT NOT NULL,
  policy_id    TEXT,
  host         TEXT NOT NULL,
  event        TEXT NOT NULL
);
CREATE INDEX audit_events_agent ON audit_events (agent_id, seq);
CREATE INDEX audit_events_team ON audit_events (team_id, seq);
CREATE INDEX audit_events_decision ON audit_events (decision, seq);
CREATE INDEX audit_events_policy ON audit_events (policy_id, seq);
CREATE INDEX audit_events_host ON audit_events (host, seq);
CREATE INDEX audit_events_time ON audit_events (timestamp_ms);
`;

// Schema 2 of audit events (hash chain): checkpoints beside the events, placed by the seq of
// the event stored before them, and no UPDATE or DELETE on either table from any client of
// this file (an attacker with the file can drop the triggers; the chain is what proves it).
const auditChain = `
CREATE TABLE audit_checkpoints (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  after_seq    INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  gateway_id   TEXT,
  segment      TEXT,
  signature    TEXT NOT NULL UNIQUE,
  checkpoint   TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_place ON audit_checkpoints (after_seq, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'clawgress: audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'clawgress: audit_events is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'clawgress: audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'clawgress: audit_checkpoints is append-only'); END;
`;

// Schema 3 of audit events: the five per-field indexes become tables the store fills in
// bulk (see audit-index.ts). An index on audit_events is updated row by row inside every
// append; with many agents each row lands on a different leaf of each index, so a 5 ms
// batch rewrote several pages per event. Sorted in bulk, a thousand events touch each
// agent's leaf once. The rows already stored are copied in through the old indexes (already
// sorted), and the highest indexed_through says how far the tables reach: the events after it are the
// tail a query scans.
const auditDeferredIndexes = `
CREATE TABLE audit_by_agent (value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (value, seq)) WITHOUT ROWID;
INSERT INTO audit_by_agent (value, seq) SELECT agent_id, seq FROM audit_events WHERE agent_id IS NOT NULL ORDER BY agent_id, seq;
DROP INDEX audit_events_agent;
CREATE TABLE audit_by_team (value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (value, seq)) WITHOUT ROWID;
INSERT INTO audit_by_team (value, seq) SELECT team_id, seq FROM audit_events WHERE team_id IS NOT NULL ORDER BY team_id, seq;
DROP INDEX audit_events_team;
CREATE TABLE audit_by_decision (value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (value, seq)) WITHOUT ROWID;
INSERT INTO audit_by_decision (value, seq) SELECT decision, seq FROM audit_events WHERE decision IS NOT NULL ORDER BY decision, seq;
DROP INDEX audit_events_decision;
CREATE TABLE audit_by_policy (value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (value, seq)) WITHOUT ROWID;
INSERT INTO audit_by_policy (value, seq) SELECT policy_id, seq FROM audit_events WHERE policy_id IS NOT NULL ORDER BY policy_id, seq;
DROP INDEX audit_events_policy;
CREATE TABLE audit_by_host (value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (value, seq)) WITHOUT ROWID;
INSERT INTO audit_by_host (value, seq) SELECT host, seq FROM audit_events WHERE host IS NOT NULL ORDER BY host, seq;
DROP INDEX audit_events_host;
-- Append-only like the log: each bulk step adds its mark, and the highest one holds.
CREATE TABLE audit_index_marks (indexed_through INTEGER PRIMARY KEY);
INSERT INTO audit_index_marks (indexed_through) SELECT COALESCE(MAX(seq), 0) FROM audit_events;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initialSchema },
  { version: 2, name: 'audit hash chain: checkpoints, append-only triggers', sql: auditChain },
  { version: 3, name: 'audit field indexes filled in bulk', sql: auditDeferredIndexes },
];
