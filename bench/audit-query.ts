// Audit query latency over a large log (a benchmark, never a test):
//   node --import tsx bench/audit-query.ts [--events 100000] [--postgres postgres://postgres@127.0.0.1:5432/test]
// Fills a SQLite file and a PostgreSQL schema with the deterministic corpus of
// test/helpers/audit-volume.ts, then times GET /api/v1/audit through the admin app (inject:
// routing, validation, store, serialisation; no socket) for filter mixes, first pages and
// pages deep behind a cursor. Prints p50/p95/p99 per case and over all queries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAdminApp } from '../src/admin/index.js';
import { createControlPlane } from '../src/control/index.js';
import { generateSigningKeys } from '../src/policy/index.js';
import { openPostgresStore, openSqliteStore, type Store } from '../src/store/index.js';
import { volumeEvent, volumeTime } from '../test/helpers/audit-volume.js';
import { percentile } from '../test/helpers/load.js';

const TOKEN = 'bench-admin-token-0123456789abcdef';
const argValue = (flag: string, fallback: string): string => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const EVENTS = Number(argValue('--events', '100000'));
const POSTGRES = argValue('--postgres', 'postgres://postgres@127.0.0.1:5432/test');
const REPEAT = 30;

const CASES: ReadonlyArray<[string, string]> = [
  ['newest 100, no filter', 'limit=100'],
  ['newest 1000, no filter', 'limit=1000'],
  ['by agent', 'agent_id=agent-3&limit=100'],
  ['by team and decision', 'team_id=team-1&decision=deny&limit=100'],
  ['by policy', 'policy_id=policy-2&limit=100'],
  ['by host', 'host=host-5.example&limit=100'],
  ['time window', `since=${volumeTime(Math.floor(EVENTS / 4))}&until=${volumeTime(Math.floor(EVENTS / 4) + 1500)}&limit=100`],
  ['agent + decision + host (rare)', 'agent_id=agent-6&decision=allow&host=host-4.example&limit=100'],
];

async function fill(store: Store): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < EVENTS; from += 10_000) {
    await store.audit.append(Array.from({ length: Math.min(10_000, EVENTS - from) }, (_, k) => volumeEvent(from + k)));
  }
  return performance.now() - started;
}

async function measure(name: string, store: Store): Promise<void> {
  const fillMs = await fill(store);
  const control = await createControlPlane({ store, signingPrivateKeyPem: generateSigningKeys().privateKeyPem, keyHashSecret: Buffer.alloc(32, 3) });
  const app = await buildAdminApp({
    control, verifyAdminToken: (token) => token === TOKEN, bodyLimitBytes: 65_536, logger: false,
    health: { liveness: () => ({ status: 200, body: {} }), readiness: () => ({ status: 200, body: {} }), metrics: async () => ({ contentType: 'text/plain', body: '' }) },
  });
  const time = async (query: string): Promise<{ ms: number; next: string | null }> => {
    const started = performance.now();
    const answer = await app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
    const ms = performance.now() - started;
    if (answer.statusCode !== 200) throw new Error(`${query}: ${answer.statusCode} ${answer.body}`);
    return { ms, next: (answer.json() as { next_cursor: string | null }).next_cursor };
  };
  const all: number[] = [];
  const rows: string[] = [];
  for (const [caseName, query] of CASES) {
    const samples: number[] = [];
    for (let i = 0; i < REPEAT; i += 1) samples.push((await time(query)).ms);
    // Deep pages: follow the cursor ten pages in and time the tenth.
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const { ms, next } = await time(`${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      if (page === 9) samples.push(ms);
      cursor = next;
      if (cursor === null) break;
    }
    all.push(...samples);
    rows.push(`| ${name} | ${caseName} | ${fmt(percentile(samples, 50))} | ${fmt(percentile(samples, 95))} | ${fmt(percentile(samples, 99))} |`);
  }
  rows.push(`| ${name} | **all queries** (${all.length}) | ${fmt(percentile(all, 50))} | ${fmt(percentile(all, 95))} | ${fmt(percentile(all, 99))} |`);
  process.stdout.write(`\n${name}: ${EVENTS} events stored in ${(fillMs / 1000).toFixed(1)} s\n`);
  process.stdout.write(`| store | query | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`);
  await app.close();
}

function fmt(ms: number): string {
  return ms.toFixed(2);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clawgress-bench-query-'));
  try {
    const sqlite = openSqliteStore({ path: join(dir, 'bench.db') });
    await measure('sqlite', sqlite).finally(() => sqlite.close());
    const schema = `clawgress_bench_${process.pid}`;
    const pgStore = await openPostgresStore({ connectionString: POSTGRES, schema });
    await measure('postgresql', pgStore).finally(() => pgStore.close());
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: POSTGRES });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`audit-query: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
