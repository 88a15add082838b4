// `clawgress audit verify|prune` as an operator runs it: exit codes, usage errors named, and
// retention on PostgreSQL end to end (prune, then verify counts what was pruned).
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditChain, buildAuditEvent, createCheckpointSigner } from '../../src/audit/index.js';
import { ManualClock, type AuditRecord } from '../../src/core/index.js';
import { generateSigningKeys } from '../../src/policy/index.js';
import { auditCli } from '../helpers/audit.js';
import { postgresHarness, POSTGRES_URL } from '../contract/store/postgres.js';

const GOLDEN = resolve(import.meta.dirname, '../fixtures/audit');
const work = mkdtempSync(join(tmpdir(), 'clawgress-audit-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('usage', { concurrency: true }, () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no log to verify', ['verify', '--public-key', join(GOLDEN, 'schema-2.signing-key.pub.pem')], /give one log: FILE, --data-dir DIR or --store URL/],
    ['no key to check checkpoints with', ['verify', join(GOLDEN, 'schema-2.jsonl')], /--public-key FILE is needed/],
    ['a file that does not exist', ['verify', join(work, 'nope.jsonl'), '--public-key', join(GOLDEN, 'schema-2.signing-key.pub.pem')], /`.*nope\.jsonl` does not exist/],
    ['an unknown flag', ['verify', '--fast'], /unknown flag `--fast`/],
    ['an unknown command', ['repair'], /unknown command `repair`/],
    ['prune without a postgresql store', ['prune', '--before', '2020-01', '--data-dir', work], /--store postgres:\/\/… is needed/],
    ['prune with a cut-off that is not a date', ['prune', '--before', 'last-week'], /--before: `last-week` is not a date/],
    ['prune with a cut-off in the future', ['prune', '--before', '2999-01'], /--before: `2999-01` is not at least a day in the past/],
  ];
  for (const [name, args, message] of cases) {
    test(`${name}: exit 2 with one line naming it`, async () => {
      const result = await auditCli(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr.split('\n')[0] ?? '', message);
    });
  }
});

test('a log signed by another key is broken: exit 1', async () => {
  const otherKey = join(work, 'other.pub.pem');
  writeFileSync(otherKey, generateSigningKeys().publicKeyPem);
  const result = await auditCli(['verify', join(GOLDEN, 'schema-2.jsonl'), '--public-key', otherKey]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^audit log broken: line 1: start checkpoint is signed by unknown key `ed25519:[0-9a-f]{16}`/);
});

describe('retention on postgresql', () => {
  const postgres = postgresHarness();
  after(() => postgres.dropSchemas());

  /** A data dir with a signing key, and a store whose chain spans November 2025 and now. */
  async function seeded(): Promise<{ url: string; dataDir: string }> {
    const dataDir = mkdtempSync(join(work, 'data-'));
    const keys = generateSigningKeys();
    writeFileSync(join(dataDir, 'signing-key.pem'), keys.privateKeyPem);
    writeFileSync(join(dataDir, 'signing-key.pub.pem'), keys.publicKeyPem);
    const clock = new ManualClock(Date.UTC(2025, 10, 10));
    const chain = new AuditChain({ clock, signer: createCheckpointSigner(keys.privateKeyPem), checkpointEvery: 4 });
    const records: AuditRecord[] = [];
    for (let i = 0; i < 10; i += 1) {
      if (i === 6) clock.advance(Date.now() - clock.now());
      records.push(...chain.seal(buildAuditEvent({
        request_id: `ret-${i}`, timestampMs: clock.now(), identity: null,
        destination: { scheme: 'http', host: 'example.com', port: 80, method: 'GET', path: '/' },
        decision: 'unauthenticated', policy_id: null, bundle_version: 1, reason: 'no credentials',
        latency_ms: 0.1, bytes_in: 0, bytes_out: 0, status: null, gateway_id: 'gw-ret',
      })));
    }
    const schema = postgres.newSchema();
    const store = await postgres.openStore({ schema });
    await store.audit.append([...records, ...chain.checkpoint('shutdown')]);
    await store.close();
    return { url: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, dataDir };
  }

  test('prune drops the old months behind a signed record, and verify counts them as pruned', async () => {
    const { url, dataDir } = await seeded();
    const dry = await auditCli(['prune', '--before', '2025-12', '--store', url, '--data-dir', dataDir, '--dry-run']);
    assert.deepEqual([dry.code, dry.stdout.trim().split('\n').at(-1)], [0, 'nothing dropped']);
    const pruned = await auditCli(['prune', '--before', '2025-12-15', '--store', url, '--data-dir', dataDir]);
    assert.equal(pruned.code, 0, pruned.stdout + pruned.stderr);
    assert.match(pruned.stdout, /^6 events in audit_checkpoints_p202511, audit_events_p202511 before 2025-12-01T00:00:00\.000Z/);
    assert.match(pruned.stdout, /dropped audit_checkpoints_p202511, audit_events_p202511; prune checkpoint stored\n$/);
    const verified = await auditCli(['verify', '--store', url, '--data-dir', dataDir, '--json']);
    assert.equal(verified.code, 0, verified.stdout);
    const report = JSON.parse(verified.stdout);
    assert.deepEqual([report.events, report.gaps.pruned], [4, 6]);
  });

  test('prune refuses a broken log and drops nothing', async () => {
    const { url, dataDir } = await seeded();
    const schema = decodeURIComponent(url).split('search_path=')[1] as string;
    await postgres.query(schema, "SET session_replication_role = replica; DELETE FROM audit_events WHERE request_id = 'ret-2'");
    const pruned = await auditCli(['prune', '--before', '2025-12', '--store', url, '--data-dir', dataDir]);
    assert.equal(pruned.code, 1);
    assert.match(pruned.stdout, /refused: nothing dropped\naudit log broken: record \d+: request_id `ret-3`: /);
    const { rows } = await postgres.query(schema, "SELECT count(*)::int AS n FROM audit_events WHERE request_id LIKE 'ret-%'");
    assert.equal(rows[0].n, 9);
  });
});
