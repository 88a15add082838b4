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

// Schema 2 of audit events (hash chain), and retention by whole partitions:
// - audit_events and the new audit_checkpoints are partitioned by month of their own
//   timestamp_ms (UTC); audit_partition_for() makes the month's partition on first use, with
//   the same append-only trigger as its parent, so a statement aimed at a partition fails too;
// - retention is DROP TABLE of whole partitions (the only way rows leave), recorded first as
//   a signed prune checkpoint (see audit-prune.ts);
// - a primary key or unique constraint of a partitioned table must hold the partition key, so
//   a request_id is unique per event time: a retried batch (same events) is still stored once.
// Rows of schema 1 move over with their seq; the old table and its sequence are dropped.
const auditPartitions = `
CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'clawgress: % is append-only', TG_ARGV[0];
END
$$;

CREATE FUNCTION audit_partition_for(parent TEXT, at_ms BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  month_start TIMESTAMP := date_trunc('month', to_timestamp(at_ms / 1000.0) AT TIME ZONE 'UTC');
  name TEXT := parent || '_p' || to_char(month_start, 'YYYYMM');
  from_ms BIGINT := (extract(epoch FROM month_start) * 1000)::BIGINT;
  to_ms BIGINT := (extract(epoch FROM month_start + INTERVAL '1 month') * 1000)::BIGINT;
BEGIN
  IF to_regclass(quote_ident(name)) IS NOT NULL THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)', name, parent, from_ms, to_ms);
  EXECUTE format(
    'CREATE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change(%L)',
    name || '_append_only', name, parent);
END
$$;

ALTER TABLE audit_events RENAME TO audit_events_v1;
DROP INDEX audit_events_agent, audit_events_team, audit_events_decision, audit_events_policy, audit_events_host, audit_events_time;

CREATE SEQUENCE audit_events_log_seq;
CREATE TABLE audit_events (
  seq          BIGINT NOT NULL DEFAULT nextval('audit_events_log_seq'),
  request_id   TEXT NOT NULL,
  timestamp    TEXT NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  agent_id     TEXT,
  team_id      TEXT,
  decision     TEXT NOT NULL,
  policy_id    TEXT,
  host         TEXT NOT NULL,
  event        TEXT NOT NULL,
  CONSTRAINT audit_events_log_pk PRIMARY KEY (seq, timestamp_ms),
  CONSTRAINT audit_events_request_once UNIQUE (request_id, timestamp_ms)
) PARTITION BY RANGE (timestamp_ms);
ALTER SEQUENCE audit_events_log_seq OWNED BY audit_events.seq;
CREATE INDEX audit_events_agent ON audit_events (agent_id, seq);
CREATE INDEX audit_events_team ON audit_events (team_id, seq);
CREATE INDEX audit_events_decision ON audit_events (decision, seq);
CREATE INDEX audit_events_policy ON audit_events (policy_id, seq);
CREATE INDEX audit_events_host ON audit_events (host, seq);
CREATE INDEX audit_events_time ON audit_events (timestamp_ms);
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change('audit_events');

SELECT audit_partition_for('audit_events', month_ms)
  FROM (SELECT DISTINCT timestamp_ms - timestamp_ms % 86400000 AS month_ms FROM audit_events_v1) AS days;
INSERT INTO audit_events (seq, request_id, timestamp, timestamp_ms, agent_id, team_id, decision, policy_id, host, event)
  SELECT seq, request_id, timestamp, timestamp_ms, agent_id, team_id, decision, policy_id, host, event FROM audit_events_v1;
SELECT setval('audit_events_log_seq', COALESCE((SELECT MAX(seq) FROM audit_events_v1), 0) + 1, false);
DROP TABLE audit_events_v1;
DROP FUNCTION audit_events_reject_change();

CREATE SEQUENCE audit_checkpoints_id;
CREATE TABLE audit_checkpoints (
  id           BIGINT NOT NULL DEFAULT nextval('audit_checkpoints_id'),
  after_seq    BIGINT NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  kind         TEXT NOT NULL,
  gateway_id   TEXT,
  segment      TEXT,
  signature    TEXT NOT NULL,
  checkpoint   TEXT NOT NULL,
  CONSTRAINT audit_checkpoints_pk PRIMARY KEY (id, timestamp_ms),
  CONSTRAINT audit_checkpoints_once UNIQUE (signature, timestamp_ms)
) PARTITION BY RANGE (timestamp_ms);
ALTER SEQUENCE audit_checkpoints_id OWNED BY audit_checkpoints.id;
CREATE INDEX audit_checkpoints_place ON audit_checkpoints (after_seq, id);
CREATE TRIGGER audit_checkpoints_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change('audit_checkpoints');
`;

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initialSchema },
  { version: 2, name: 'audit hash chain: checkpoints, monthly partitions', sql: auditPartitions },
];
