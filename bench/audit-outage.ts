// Request latency while the audit store is down (a benchmark, never a test):
//   npm run build && node --import tsx bench/audit-outage.ts [--seconds 5] [--workers 1]
// A real `serve` (SQLite, then PostgreSQL on a private server) answers a closed loop of
// proxied requests (16 in flight, each to a local origin through an allow policy) in three
// phases: store up, store down (SQLite locked by another process / PostgreSQL stopped), store
// back. Prints latency percentiles, throughput and audit drops per phase: the audit queue
// must keep the store's outage off the request path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { metric, waitForStored } from '../test/helpers/audit.js';
import { percentile } from '../test/helpers/load.js';
import { startHttpOrigin, type Origin } from '../test/helpers/origin.js';
import { postgresBinDir, startPrivatePostgres } from '../test/helpers/private-postgres.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../test/helpers/serve.js';

const argValue = (flag: string, fallback: string): string => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const PHASE_MS = Number(argValue('--seconds', '5')) * 1000;
const WORKERS = argValue('--workers', '1');
const IN_FLIGHT = 16;

interface Phase {
  readonly name: string;
  readonly latencies: number[];
  readonly errors: number;
  readonly dropped: number;
}

async function loop(serve: ServeProcess, auth: string, origin: Origin, ms: number): Promise<{ latencies: number[]; errors: number }> {
  const pool = new Pool(`http://127.0.0.1:${serve.proxyPort}`, { connections: IN_FLIGHT });
  const headers = { 'proxy-authorization': `Basic ${Buffer.from(auth).toString('base64')}` };
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + ms;
  const worker = async (): Promise<void> => {
    for (let i = 0; performance.now() < end; i += 1) {
      const started = performance.now();
      const res = await pool.request({ method: 'GET', path: `http://127.0.0.1:${origin.port}/b/${i}`, headers });
      await res.body.dump();
      if (res.statusCode === 200) latencies.push(performance.now() - started);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await pool.close();
  return { latencies, errors };
}

async function run(name: string, options: { env?: Record<string, string>; cut: (dataDir: string) => Promise<void>; restore: () => Promise<void> }): Promise<Phase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clawgress-bench-outage-'));
  const origin = await startHttpOrigin();
  const serve = await startServe({ dataDir, env: options.env ?? {}, args: ['--workers', WORKERS, '--allow-internal', '127.0.0.1/32', '--no-audit-stdout'] });
  try {
    const auth = `bench-agent:${await createKeyAgent(serve, 'bench-agent')}`;
    await publishPolicies(serve, [{ policy_id: 'allow-origin', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
    await loop(serve, auth, origin, 1000); // warm-up
    const phases: Phase[] = [];
    const phase = async (phaseName: string): Promise<void> => {
      const before = await metric(serve, 'clawgress_audit_dropped_total', 'sink="store"');
      const { latencies, errors } = await loop(serve, auth, origin, PHASE_MS);
      phases.push({ name: `${name}: ${phaseName}`, latencies, errors, dropped: (await metric(serve, 'clawgress_audit_dropped_total', 'sink="store"')) - before });
    };
    await phase('store up');
    await options.cut(dataDir);
    await phase('store down');
    await options.restore();
    await phase('store back');
    await waitForStored(serve, 1, 5_000);
    return phases;
  } catch (error) {
    process.stderr.write(`${name}: serve said:\n${serve.stderr().slice(-4000)}\n`);
    throw error;
  } finally {
    await serve.stop();
    await origin.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(phases: readonly Phase[]): void {
  const rows = phases.map((p) => {
    const rps = Math.round(p.latencies.length / (PHASE_MS / 1000));
    const [p50, p95, p99] = [50, 95, 99].map((q) => percentile(p.latencies, q).toFixed(2));
    return `| ${p.name} | ${rps} | ${p50} | ${p95} | ${p99} | ${Math.max(...p.latencies).toFixed(1)} | ${p.errors} | ${p.dropped} |`;
  });
  process.stdout.write(`\nserve --workers ${WORKERS}, ${IN_FLIGHT} requests in flight, ${PHASE_MS / 1000} s per phase\n`);
  process.stdout.write(`| phase | req/s | p50 ms | p95 ms | p99 ms | max ms | non-200 | audit drops (store) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`);
}

async function main(): Promise<void> {
  let lock: Database.Database | null = null;
  const phases = await run('sqlite locked', {
    cut: async (dataDir) => {
      lock = new Database(join(dataDir, 'clawgress.db'));
      lock.exec('BEGIN EXCLUSIVE');
    },
    restore: async () => {
      lock?.exec('COMMIT');
      lock?.close();
    },
  });
  const binDir = postgresBinDir();
  if (binDir !== null) {
    const server = await startPrivatePostgres(binDir);
    try {
      phases.push(...(await run('postgresql stopped', { env: { CLAWGRESS_STORE: server.url }, cut: () => server.stop(), restore: () => server.start() })));
    } finally {
      await server.destroy();
    }
  }
  print(phases);
}

main().catch((error: unknown) => {
  process.stderr.write(`audit-outage: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
