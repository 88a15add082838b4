// Exactly once under load: 20,000 requests from four agents through a real `serve` (one
// gateway worker per core) give exactly 20,000 events with unique request_ids, in the store
// and on stdout, and both hash chains verify, while running and after a clean stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';
import { auditCli, exportLog, waitForStored } from '../helpers/audit.js';
import { sendMany } from '../helpers/load.js';

const TOTAL = 20_000;
const AGENTS = ['load-a', 'load-b', 'load-c', 'load-d'];

let origin: Origin;
let serve: ServeProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'clawgress-audit-load-'));

before(async () => {
  origin = await startHttpOrigin();
  serve = await startServe({ dataDir, args: ['--allow-internal', '127.0.0.1/32', '--workers', '2'] });
});

after(async () => {
  await serve.stop();
  await origin.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('20,000 requests from several agents: exactly 20,000 events, unique request ids, and the chain verifies', async () => {
  const keys = await Promise.all(AGENTS.map((agent) => createKeyAgent(serve, agent)));
  await publishPolicies(serve, [{ policy_id: 'allow-origin', action: 'allow', priority: 5, match: { domains: ['127.0.0.1'], methods: ['GET'] } }]);
  const auths = AGENTS.map((agent, i) => `${agent}:${keys[i]}`);
  // Even requests reach the origin; odd ones are denied by policy (no upstream involved).
  const url = (i: number): string => (i % 2 === 0 ? `http://127.0.0.1:${origin.port}/ok/${i}` : `http://denied.example/no/${i}`);
  const load = await sendMany({ proxyPort: serve.proxyPort, auths, url, total: TOTAL, concurrency: 64 });
  assert.deepEqual(Object.fromEntries(load.statuses), { 200: TOTAL / 2, 403: TOTAL / 2 });
  await waitForStored(serve, TOTAL);

  const exported = await exportLog(serve);
  const records = exported.trimEnd().split('\n').slice(1).map((line) => JSON.parse(line));
  const events = records.filter((r) => r.record_type === undefined);
  assert.equal(events.length, TOTAL, 'exactly one event per request in the store');
  assert.equal(new Set(events.map((e) => e.request_id)).size, TOTAL, 'request ids are unique');
  assert.deepEqual(new Set(events.map((e) => e.identity?.agent_id)), new Set(AGENTS));
  assert.ok(records.some((r) => r.kind === 'periodic'), 'periodic checkpoints are in the log');

  const exportFile = join(dataDir, 'export.jsonl');
  writeFileSync(exportFile, exported);
  const fromExport = await auditCli(['verify', exportFile, '--data-dir', dataDir, '--json']);
  assert.equal(fromExport.code, 0, fromExport.stdout + fromExport.stderr);
  assert.deepEqual(pick(JSON.parse(fromExport.stdout)), { ok: true, events: TOTAL, duplicates: 0, gaps: { dropped: 0, lost_at_shutdown: 0, pruned: 0 } });
  const running = await auditCli(['verify', '--data-dir', dataDir, '--json']);
  assert.equal(running.code, 0, running.stdout + running.stderr);
});

test('after a clean stop the store and the stdout stream verify with their shutdown checkpoint', async () => {
  const { code } = await serve.stop();
  // Its log says why, should it ever exit otherwise (seen once under a full parallel suite).
  assert.equal(code, 0, `serve exited ${code}; its log ends:\n${serve.stderr().split('\n').slice(-15).join('\n')}`);
  const store = await auditCli(['verify', '--data-dir', dataDir, '--json']);
  assert.equal(store.code, 0, store.stdout + store.stderr);
  assert.deepEqual({ ...pick(JSON.parse(store.stdout)), notices: JSON.parse(store.stdout).notices }, {
    ok: true, events: TOTAL, duplicates: 0, gaps: { dropped: 0, lost_at_shutdown: 0, pruned: 0 }, notices: [],
  });
  const stdoutFile = join(dataDir, 'stdout.jsonl');
  writeFileSync(stdoutFile, serve.stdout());
  const stream = await auditCli(['verify', stdoutFile, '--data-dir', dataDir, '--json']);
  assert.equal(stream.code, 0, stream.stdout + stream.stderr);
  assert.equal(JSON.parse(stream.stdout).events, TOTAL);
});

function pick(report: { ok: boolean; events: number; duplicates: number; gaps: unknown }): Record<string, unknown> {
  return { ok: report.ok, events: report.events, duplicates: report.duplicates, gaps: report.gaps };
}
