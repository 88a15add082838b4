import pg from 'pg';
import type { CustomTypesConfig, Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

/** A pool or one client checked out of it (inside a transaction). */
export type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

export interface PoolSettings {
  readonly connectionString: string;
  /** Already validated: lower-case letters, digits and `_`, so it needs no quoting. */
  readonly schema: string | undefined;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly onIdleError: (error: Error) => void;
}

// BIGINT columns hold JavaScript numbers (ids, versions, limits, epoch ms), all far below
// 2^53, so they read back as numbers like SQLite's INTEGER rather than pg's default strings.
const bigintAsNumber: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

export function createPool(settings: PoolSettings): Pool {
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    types: bigintAsNumber,
    // Set per connection at startup, so every pooled client resolves tables in the schema.
    ...(settings.schema === undefined ? {} : { options: `-c search_path=${settings.schema}` }),
  });
  // An idle client that loses its server emits here; without a listener the process would
  // crash. The pool drops that client and opens a new one on the next query.
  pool.on('error', settings.onIdleError);
  return pool;
}

/**
 * Runs one statement. A failed row's values (PostgreSQL's `detail`, `Failing row contains
 * (...)`) are dropped from the error: they may hold a secret, and loggers print every field.
 */
export async function run<R extends QueryResultRow>(
  db: Queryable,
  text: string,
  values: readonly unknown[] = [],
): Promise<QueryResult<R>> {
  try {
    return await (db as Pool).query<R>(text, values as unknown[]);
  } catch (error) {
    if (error instanceof pg.DatabaseError) error.detail = undefined;
    throw error;
  }
}

/** True when the statement touched at least one row. */
export function changed(result: QueryResult): boolean {
  return (result.rowCount ?? 0) > 0;
}

/** BEGIN and COMMIT on one pooled client; ROLLBACK and rethrow when `work` fails. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let unusable: Error | undefined;
  // A checked-out client whose server goes away emits 'error' besides failing its query;
  // unheard, that event would crash the process (the pool listens only to idle clients).
  const onLost = (error: Error): void => {
    unusable = error;
  };
  client.on('error', onLost);
  try {
    await run(client, 'BEGIN');
    const result = await work(client);
    await run(client, 'COMMIT');
    return result;
  } catch (error) {
    unusable = (await rollback(client)) ?? unusable;
    throw error;
  } finally {
    client.off('error', onLost);
    // A client whose ROLLBACK failed may still be inside the transaction: the pool discards it.
    client.release(unusable);
  }
}

async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
