import { ClawgressError } from '../../core/index.js';
import type { Store } from '../types.js';
import { postgresAgentRepository, postgresApiKeyRepository } from './agents.js';
import { postgresAuditRepository } from './audit.js';
import { migrate } from './migrate.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { postgresPolicyRepository } from './policies.js';
import { createPool } from './pool.js';
import { postgresBundleRepository, postgresIssuerRepository, postgresQuotaRepository } from './records.js';

export interface PostgresStoreOptions {
  /** `postgres://user[:password]@host:port/database`; credentials never appear in an error. */
  readonly connectionString: string;
  /** The schema holding every table, created when missing; the connection's default schema when absent. */
  readonly schema?: string;
  /** Connections the pool keeps at most; 10 by default. */
  readonly poolSize?: number;
  /** How long opening one connection may take; 10000 ms by default. */
  readonly connectTimeoutMs?: number;
  /** Told about a pooled idle connection that broke (server restart); the pool replaces it. */
  readonly onIdleError?: (error: Error) => void;
}

// Lower-case and unquoted, so the name means the same in SQL and in the search_path option.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the PostgreSQL store: connects, then creates and migrates its tables when needed.
 * Rejects with one line naming the server (never its credentials) when that fails.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new ClawgressError(
      'CONFIG_INVALID',
      `store schema: \`${options.schema}\` is not a lower-case postgresql identifier`,
      { field: 'schema' },
    );
  }
  const pool = createPool({
    connectionString: options.connectionString,
    schema: options.schema,
    poolSize: options.poolSize ?? 10,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    onIdleError: options.onIdleError ?? (() => undefined),
  });
  try {
    await migrate(pool, { schema: options.schema, migrations: POSTGRES_MIGRATIONS, appliedAt: new Date().toISOString() });
  } catch (error) {
    await pool.end();
    throw new ClawgressError('INTERNAL', `postgres store \`${describeServer(options.connectionString)}\`: ${describe(error)}`, {
      cause: error,
    });
  }
  let ended: Promise<void> | undefined;
  return {
    agents: postgresAgentRepository(pool),
    keys: postgresApiKeyRepository(pool),
    issuers: postgresIssuerRepository(pool),
    policies: postgresPolicyRepository(pool),
    quotas: postgresQuotaRepository(pool),
    bundles: postgresBundleRepository(pool),
    audit: postgresAuditRepository(pool),
    // Idempotent like SQLite's close: the pool may be ended only once.
    close: () => (ended ??= pool.end()),
  };
}

/** Host, port and database of a URL; never the user or password. */
function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'configured server';
  }
}

/** A one-line cause; a failed dial to several addresses is an AggregateError with no message. */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return (error.message || code || error.name).split('\n')[0] ?? error.name;
}
