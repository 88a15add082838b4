// Schema replay: the golden JSON-lines log of every audit schema version ever written
// (test/fixtures/audit) must still be read, stored, queried, exported and verified by today's
// code. A schema change that would strand old logs fails here.
import assert from 'node:assert/strict';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { AUDIT_SCHEMA_VERSION, type AuditEvent, type AuditRecord } from '../../src/core/index.js';
import { checkpointKeys, parseAuditLine, readAuditJsonLines, verifyAuditLog, type AuditLogEntry } from '../../src/audit/index.js';
import { buildAdminApp } from '../../src/admin/index.js';
import { createControlPlane } from '../../src/control/index.js';
import { generateSigningKeys } from '../../src/policy/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { postgresHarness } from './store/postgres.js';

const DIR = resolve(import.meta.dirname, '../fixtures/audit');
const FIXTURES = readdirSync(DIR).filter((name) => /^schema-\d+\.jsonl$/.test(name)).sort();
const TOKEN = 'golden-admin-token-0123456789abcdef';
const postgres = postgresHarness();
after(() => postgres.dropSchemas());

const versionOf = (name: string): number => Number(/^schema-(\d+)/.exec(name)?.[1]);
const publicKeys = (name: string) => {
  const pem = join(DIR, name.replace('.jsonl', '.signing-key.pub.pem'));
  return checkpointKeys(versionOf(name) >= 2 ? [readFileSync(pem, 'utf8')] : []);
};

async function entriesOf(name: string): Promise<AuditLogEntry[]> {
  const entries: AuditLogEntry[] = [];
  for await (const entry of readAuditJsonLines(createReadStream(join(DIR, name)))) entries.push(entry);
  return entries;
}

it('keeps a golden file for every schema version up to today\'s', () => {
  assert.deepEqual(FIXTURES.map(versionOf), Array.from({ length: AUDIT_SCHEMA_VERSION }, (_, i) => i + 1));
});

it('reads a schema newer than its own as a problem that names the version', () => {
  const line = readFileSync(join(DIR, 'schema-1.jsonl'), 'utf8').split('\n')[0]?.replace('"schema_version":1', '"schema_version":99') ?? '';
  assert.deepEqual(parseAuditLine(line), { problem: `schema_version \`99\` is newer than this reader (${AUDIT_SCHEMA_VERSION})` });
});

for (const name of FIXTURES) {
  describe(`golden log ${name}`, () => {
    it('is read line by line without a problem', async () => {
      const entries = await entriesOf(name);
      assert.deepEqual(entries.filter((e) => e.record === null), []);
      assert.ok(entries.length > 0);
    });

    it('verifies: schema 1 as unchained events, later schemas as intact chains', async () => {
      const report = await verifyAuditLog(await entriesOf(name), { publicKeys: publicKeys(name) });
      assert.equal(report.broken, null);
      const chained = report.events - report.unchained;
      assert.deepEqual([report.ok, versionOf(name) === 1 ? report.unchained : chained], [true, report.events]);
    });

    for (const [backend, open] of [
      ['sqlite', async () => openSqliteStore({ path: ':memory:' })],
      ['postgresql', () => postgres.openStore()],
    ] as const) {
      it(`is stored (${backend}), answered by the query API and exported as it was written`, async () => {
        const records = (await entriesOf(name)).map((e) => e.record as AuditRecord);
        const store: Store = await open();
        const control = await createControlPlane({ store, signingPrivateKeyPem: generateSigningKeys().privateKeyPem, keyHashSecret: Buffer.alloc(32, 1) });
        const app = await buildAdminApp({
          control, verifyAdminToken: (token) => token === TOKEN, bodyLimitBytes: 65_536, logger: false,
          health: { liveness: () => ({ status: 200, body: {} }), readiness: () => ({ status: 200, body: {} }), metrics: async () => ({ contentType: 'text/plain', body: '' }) },
        });
        try {
          const events = records.filter((r) => !('record_type' in r)) as AuditEvent[];
          assert.equal(await control.appendAudit(records), events.length);
          const headers = { authorization: `Bearer ${TOKEN}` };
          const page = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000', headers });
          assert.equal(page.statusCode, 200);
          assert.deepEqual(page.json().items, [...events].reverse());
          const exported = await app.inject({ method: 'GET', url: '/api/v1/audit/export', headers });
          assert.deepEqual(exported.body.trimEnd().split('\n').slice(1).map((line) => JSON.parse(line)), records);
          const report = await verifyAuditLog(readAuditJsonLines(Readable.from([exported.body])), { publicKeys: publicKeys(name), sink: 'stdout' });
          assert.equal(report.ok, true, report.broken?.message);
        } finally {
          await app.close();
          await store.close();
        }
      });
    }
  });
}
