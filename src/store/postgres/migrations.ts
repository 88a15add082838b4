// Versioned PostgreSQL schema migrations, applied in order and recorded in `schema_migrations`.
// INVARIANT: a released migration is never edited; a change is a new entry at the end.
// The tables mirror sqlite/migrations.ts. Where SQLite differs by nature:
// - ids and the times compared as text use COLLATE "C", so order and `>` are byte order as in
//   SQLite, whatever the database's locale;
// - api_keys.seq stands in for SQLite's rowid (keys made at the same instant keep insertion order);
// - integers are BIGINT (SQLite's INTEGER is 64-bit) and read back as numbers (see pool.ts).

import type { Migration } from '../sqlite/migrations.js';

const initialSchema = `
CREATE TABLE agents (
  agent_id    TEXT COLLATE "C" PRIMARY KEY,
  team_id     TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  environment TEXT NOT NULL,
  auth_type   TEXT NOT NULL CHECK (auth_type IN ('jwt', 'api_key')),
  status      TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY,
  id         TEXT COLLATE "C" PRIMARY KEY,
  agent_id   TEXT COLLATE "C" NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
  hash       TEXT NOT NULL UNIQUE,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C"
);
CREATE INDEX api_keys_agent ON api_keys (agent_id, created_at, seq);

CREATE TABLE issuers (
  id             TEXT COLLATE "C" PRIMARY KEY,
  issuer         TEXT NOT NULL,
  audience       TEXT NOT NULL,
  jwks_url       TEXT,
  public_key_pem TEXT,
  hs256_secret   TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (issuer, audience)
);

CREATE TABLE policies (
  policy_id   TEXT COLLATE "C" PRIMARY KEY,
  version     BIGINT NOT NULL,
  match       TEXT NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('allow', 'deny')),
  priority    BIGINT NOT NULL,
  enabled     BOOLEAN NOT NULL,
  description TEXT,
  updated_at  TEXT NOT NULL
);

CREATE TABLE quotas (
  agent_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES agents (agent_id) ON DELETE CASCADE,
  rps_limit  BIGINT NOT NULL,
  rpm_limit  BIGINT NOT NULL,
  mode       TEXT NOT NULL CHECK (mode IN ('hard_stop', 'alert_only')),
  updated_at TEXT NOT NULL
);

CREATE TABLE bundles (
  version    BIGINT PRIMARY KEY,
  manifest   TEXT NOT NULL,
  signature  TEXT NOT NULL,
  content    TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- timestamp_ms is the event time as a number, so since/until compare numerically
-- whatever RFC 3339 spelling a gateway used. The event is kept as TEXT, not JSONB,
-- so it reads back exactly as it was written.
CREATE TABLE audit_events (
  seq          BIGSERIAL PRIMARY KEY,
  request_id   TEXT NOT NULL UNIQUE,
  timestamp    TEXT NOT NULL,
  timestamp_ms BIGINT NOT NULL,
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

-- The audit log is append-only in storage too, not only in the code: any UPDATE, DELETE or
-- TRUNCATE statement fails, even one that would touch no row.
CREATE FUNCTION audit_events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'clawgress: audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();
`;

export const POSTGRES_MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial schema', sql: initialSchema }];
