// PostgreSQL for the store contract: a real server (CI starts one), each store in its own
// fresh schema `clawgress_test_<run>_<n>` in database `test`, every schema dropped at the end.
// An unreachable server fails the tests with a message saying so; it never skips them.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, type PostgresStoreOptions, type Store } from '../../../src/store/index.js';

export const POSTGRES_URL = process.env.CLAWGRESS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresHarness {
  /** A new schema name, dropped by `dropSchemas`. */
  newSchema(): string;
  /** A fresh, empty store in a new schema. */
  openStore(options?: Partial<PostgresStoreOptions>): Promise<Store>;
  /** Runs one statement outside any store (a plain connection, search_path set to `schema`). */
  query(schema: string, text: string): Promise<pg.QueryResult>;
  dropSchemas(): Promise<void>;
}

export function postgresHarness(): PostgresHarness {
  const run = randomBytes(4).toString('hex');
  const schemas: string[] = [];
  let reachable: Promise<void> | undefined;

  const newSchema = (): string => {
    const schema = `clawgress_test_${run}_${schemas.length + 1}`;
    schemas.push(schema);
    return schema;
  };
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    newSchema,
    openStore: async (options = {}) => {
      // Checked once: every test then fails fast with the same clear message.
      await (reachable ??= withClient(async () => undefined).catch((error: unknown) => {
        throw new Error(`postgresql is unreachable at ${withoutPassword(POSTGRES_URL)} (start it or set CLAWGRESS_TEST_POSTGRES_URL)`, {
          cause: error,
        });
      }));
      return openPostgresStore({ connectionString: POSTGRES_URL, schema: newSchema(), poolSize: 4, ...options });
    },
    query: (schema, text) =>
      withClient(async (client) => {
        await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
        return client.query(text);
      }),
    dropSchemas: async () => {
      if (schemas.length === 0 || reachable === undefined) return;
      if (!(await reachable.then(() => true, () => false))) return;
      await withClient(async (client) => {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      });
    },
  };
}

function withoutPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'CLAWGRESS_TEST_POSTGRES_URL';
  }
}
