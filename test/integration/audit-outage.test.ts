// Sink outages: the store cannot be written (the SQLite file locked by another process; a
// PostgreSQL server of the test's own stopped). Requests keep being answered, the events the
// full queue cannot hold are counted as dropped and /readyz says the audit trail is degraded
// (still 200), the queue drains when the store is back, and the log still verifies: every
// dropped event is accounted for by a signed gap, never mistaken for a deletion.
// (Latency during an outage is measured by bench/audit-outage.ts, not asserted here.)
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { auditCli, metric, readyz, waitForStored } from '../helpers/audit.js';
import { sendMany } from '../helpers/load.js';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { createKeyAgent, startServe, type ServeProcess } from '../helpers/serve.js';

const QUEUE = 100;
const work = mkdtempSync(join(tmpdir(), 'clawgress-audit-outage-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Outage {
  readonly serve: ServeProcess;
  readonly auth: string;
  /** Sends `count` denied requests (no upstream involved) and expects every one answered. */
  send(count: number, from: number): Promise<void>;
}

async function openOutage(dataDir: string, extraArgs: readonly string[] = [], env: Record<string, string> = {}): Promise<Outage> {
  const serve = await startServe({ dataDir, env, args: ['--workers', '1', '--audit-queue-size', String(QUEUE), ...extraArgs] });
  const auth = `outage-agent:${await createKeyAgent(serve, 'outage-agent')}`;
  return {
    serve,
    auth,
    send: async (count, from) => {
      const load = await sendMany({ proxyPort: serve.proxyPort, auths: [auth], url: (i) => `http://denied.example/${from + i}`, total: count, concurrency: 8 });
      assert.deepEqual(Object.fromEntries(load.statuses), { 403: count }, 'every request is answered during the outage');
    },
  };
}

/** The outage's course, the same for each store: before, during, after. Returns the drops. */
async function runOutage(outage: Outage, cut: () => Promise<void>, restore: () => Promise<void>): Promise<number> {
  const { serve } = outage;
  await outage.send(50, 0);
  await waitForStored(serve, 50);
  assert.deepEqual((await readyz(serve)).body.checks.audit, 'ok');
  await cut();
  await outage.send(400, 50);
  const dropped = await metric(serve, 'clawgress_audit_dropped_total', 'sink="store"');
  assert.ok(dropped >= 400 - QUEUE, `a full queue drops and counts: ${dropped} dropped`);
  const ready = await readyz(serve);
  assert.equal(ready.status, 200, 'a failing audit sink does not take the gateway out of service');
  assert.match(ready.body.checks.audit, /^degraded: sink `store` (failing since|dropped)/);
  assert.match(await (await fetch(`${serve.adminUrl}/metrics`)).text(), /clawgress_audit_degraded\{sink="store"\} 1/);
  await restore();
  await waitForStored(serve, 450 - dropped, 20_000);
  await outage.send(20, 450);
  await waitForStored(serve, 470 - dropped, 20_000);
  assert.doesNotMatch((await readyz(serve)).body.checks.audit, /failing/, 'the sink recovered');
  assert.equal((await serve.stop()).code, 0);
  return dropped;
}

describe('the sqlite store, locked by another process', () => {
  const dataDir = join(work, 'sqlite');
  let outage: Outage;
  before(async () => {
    outage = await openOutage(dataDir);
  });

  test('requests go on, drops are counted, the queue drains, and the log verifies with the gap counted', async () => {
    let lock: Database.Database | null = null;
    const dropped = await runOutage(
      outage,
      async () => {
        lock = new Database(join(dataDir, 'clawgress.db'));
        lock.exec('BEGIN EXCLUSIVE');
      },
      async () => {
        lock?.exec('COMMIT');
        lock?.close();
      },
    );
    const verified = await auditCli(['verify', '--data-dir', dataDir, '--json']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const report = JSON.parse(verified.stdout);
    assert.deepEqual([report.events, report.gaps], [470 - dropped, { dropped, lost_at_shutdown: 0, pruned: 0 }]);
  });
});

const binDir = postgresBinDir();
describe('a postgresql store that goes away', { skip: binDir === null ? 'no postgresql server binaries (initdb, postgres) under /usr/lib/postgresql' : false }, () => {
  let server: PrivatePostgres;
  let outage: Outage;
  before(async () => {
    server = await startPrivatePostgres(binDir as string);
    outage = await openOutage(join(work, 'postgres'), [], { CLAWGRESS_STORE: server.url });
  });
  after(() => server?.destroy());

  test('requests go on, drops are counted, the queue drains when it is back, and the log verifies', async () => {
    const dropped = await runOutage(outage, () => server.stop(), () => server.start());
    const verified = await auditCli(['verify', '--store', server.url, '--data-dir', join(work, 'postgres'), '--json']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const report = JSON.parse(verified.stdout);
    assert.deepEqual([report.events, report.gaps], [470 - dropped, { dropped, lost_at_shutdown: 0, pruned: 0 }]);
  });
});
