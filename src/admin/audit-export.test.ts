import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock, type AuditRecord } from '../core/index.js';
import {
  AuditChain,
  buildAuditEvent,
  checkpointKeys,
  createCheckpointSigner,
  readAuditJsonLines,
  verifyAuditLog,
} from '../audit/index.js';
import { startHarness, type Harness } from './harness.test.js';

const KEYS = generateKeyPairSync('ed25519', {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

/** `count` events sealed into a chain, one minute apart from 2026-01-01, then a shutdown checkpoint. */
function chainedLog(count: number): AuditRecord[] {
  const chain = new AuditChain({
    clock: new ManualClock(),
    signer: createCheckpointSigner(KEYS.privateKey),
    checkpointEvery: 100,
    newSegmentId: () => 'seg-1',
  });
  const records: AuditRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    records.push(...chain.seal(buildAuditEvent({
      request_id: `r${i}`,
      timestampMs: Date.UTC(2026, 0, 1, 0, i),
      identity: null,
      destination: { scheme: 'http', host: 'example.com', port: 80, method: 'GET', path: '/' },
      decision: 'unauthenticated',
      policy_id: null,
      bundle_version: 1,
      reason: 'no credentials',
      latency_ms: 0.1,
      bytes_in: 0,
      bytes_out: 0,
      status: null,
      gateway_id: 'gw-1',
    })));
  }
  return [...records, ...chain.checkpoint('shutdown')];
}

describe('admin api: audit export', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const lines = (body: string): any[] => body.trimEnd().split('\n').map((line) => JSON.parse(line));

  it('streams a header, then every record once in storage order, across store pages', async () => {
    const log = chainedLog(2_500);
    for (let i = 0; i < log.length; i += 700) await h.control.appendAudit(log.slice(i, i + 700));
    const answer = await h.call('GET', '/api/v1/audit/export');
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['content-type'], 'application/x-ndjson; charset=utf-8');
    const [header, ...records] = lines(answer.body);
    assert.deepEqual({ ...header, exported_at: 'x' }, { record_type: 'audit_export', schema_version: 2, sink: 'store', since: null, until: null, exported_at: 'x' });
    assert.equal(records.length, log.length);
    assert.deepEqual(records, log);
  });

  it('exports a file the verifier proves intact', async () => {
    await h.control.appendAudit(chainedLog(30));
    const answer = await h.call('GET', '/api/v1/audit/export');
    const report = await verifyAuditLog(readAuditJsonLines(Readable.from([answer.body])), { publicKeys: checkpointKeys([KEYS.publicKey]) });
    assert.deepEqual({ ok: report.ok, events: report.events, checkpoints: report.checkpoints }, { ok: true, events: 30, checkpoints: 2 });
  });

  it('exports the stretch of the log between since and until', async () => {
    await h.control.appendAudit(chainedLog(10));
    const answer = await h.call('GET', '/api/v1/audit/export?since=2026-01-01T00:03:00Z&until=2026-01-01T00:06:00Z');
    const [header, ...records] = lines(answer.body);
    assert.deepEqual([header.since, header.until], ['2026-01-01T00:03:00Z', '2026-01-01T00:06:00Z']);
    assert.deepEqual(records.map((r) => r.request_id), ['r3', 'r4', 'r5']);
    const report = await verifyAuditLog(readAuditJsonLines(Readable.from([answer.body])), { publicKeys: checkpointKeys([KEYS.publicKey]) });
    assert.equal(report.ok, true, 'a slice verifies as a partial log');
  });

  it('answers 400 naming a bad time before streaming anything', async () => {
    const answer = await h.call('GET', '/api/v1/audit/export?since=yesterday');
    assert.deepEqual([answer.statusCode, answer.json()], [400, {
      error: 'since: `yesterday` is not an rfc 3339 time', code: 'CLAWGRESS_ERR_VALIDATION', field: 'since',
    }]);
  });

  it('answers 400 for a parameter it does not know', async () => {
    const answer = await h.call('GET', '/api/v1/audit/export?agent_id=a1');
    assert.equal(answer.statusCode, 400);
  });
});
