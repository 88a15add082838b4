// The query API over 100,000 events, in each store: every filter, paged by cursor, returns
// each matching event exactly once, newest first, and nothing else. (The p95 query time is
// measured by bench/audit-query.ts; nothing here is timed.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createControlPlane, type AuditQuery, type ControlPlane } from '../../src/control/index.js';
import { generateSigningKeys } from '../../src/policy/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { volumeEvent, volumeTime } from '../helpers/audit-volume.js';
import { postgresHarness } from './store/postgres.js';

const VOLUME = 100_000;

const postgres = postgresHarness();
after(() => postgres.dropSchemas());

const CASES: ReadonlyArray<[string, AuditQuery, (i: number) => boolean]> = [
  ['no filter returns every event', {}, () => true],
  ['agent_id picks one agent in ten', { agent_id: 'agent-3' }, (i) => i % 4 !== 3 && i % 10 === 3],
  ['team_id and decision combine', { team_id: 'team-1', decision: 'deny' }, (i) => i % 4 === 1 && i % 3 === 1],
  ['policy_id picks the events it decided', { policy_id: 'policy-2' }, (i) => i % 4 !== 3 && i % 5 === 2],
  ['host is matched whatever its case', { host: 'HOST-5.example' }, (i) => i % 8 === 5],
  ['since and until cut a window of time', { since: volumeTime(25_000), until: volumeTime(26_500) }, (i) => i >= 25_000 && i < 26_500],
  ['everything at once', { agent_id: 'agent-6', decision: 'allow', host: 'host-4.example', since: volumeTime(1_000) }, (i) => i % 4 === 0 && i % 10 === 6 && i % 8 === 4 && i >= 1_000],
];

async function pageThrough(control: ControlPlane, query: AuditQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await control.queryAudit({ ...query, limit: 1000, ...(cursor === null ? {} : { cursor }) });
    ids.push(...page.items.map((event) => event.request_id));
    cursor = page.next_cursor;
  } while (cursor !== null);
  return ids;
}

for (const [backend, open] of [
  ['sqlite', async () => openSqliteStore({ path: ':memory:' })],
  ['postgresql', () => postgres.openStore()],
] as const) {
  describe(`audit query over ${VOLUME} events: ${backend}`, () => {
    let store: Store;
    let control: ControlPlane;
    before(async () => {
      store = await open();
      control = await createControlPlane({ store, signingPrivateKeyPem: generateSigningKeys().privateKeyPem, keyHashSecret: Buffer.alloc(32, 2) });
      // The last 2,500 arrive 250 at a time, as a gateway sends them: in SQLite the newest
      // are still past the bulk index's mark when the queries run.
      for (let from = 0; from < VOLUME; ) {
        const size = from < VOLUME - 2_500 ? Math.min(10_000, VOLUME - 2_500 - from) : 250;
        await store.audit.append(Array.from({ length: size }, (_, k) => volumeEvent(from + k)));
        from += size;
      }
    });
    after(() => store.close());

    for (const [name, query, matches] of CASES) {
      it(`${name}: each match once, newest first`, async () => {
        const ids = await pageThrough(control, query);
        const expected: string[] = [];
        for (let i = VOLUME - 1; i >= 0; i -= 1) if (matches(i)) expected.push(`vol-${i}`);
        assert.ok(expected.length > 0, 'the case matches something');
        assert.equal(new Set(ids).size, ids.length, 'no event twice');
        assert.deepEqual(ids, expected);
      });
    }
  });
}
