// The Store contract: every backend (SQLite now, PostgreSQL later) must pass this suite.
// store.test.ts runs it once per implementation with a factory for a fresh, empty store.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuditEvent, DecisionKind, SignedBundle } from '../../src/core/index.js';
import type { AgentRecord, ApiKeyRecord, IssuerRecord, PolicyFields, Store } from '../../src/store/index.js';

export type StoreFactory = () => Promise<Store>;

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T01:00:00.000Z';

export function agentRecord(agentId: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    agent_id: agentId,
    team_id: 'team-a',
    project_id: 'proj-a',
    environment: 'prod',
    auth_type: 'api_key',
    status: 'active',
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function keyRecord(id: string, agentId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { id, agent_id: agentId, hash: `hash-${id}`, created_at: T0, expires_at: null, ...overrides };
}

function issuerRecord(id: string, overrides: Partial<IssuerRecord> = {}): IssuerRecord {
  return {
    id,
    issuer: `https://issuer-${id}.example.com`,
    audience: 'clawgress',
    jwks_url: `https://issuer-${id}.example.com/jwks.json`,
    public_key_pem: null,
    hs256_secret: null,
    created_at: T0,
    ...overrides,
  };
}

const policyFields: PolicyFields = {
  match: { agents: ['a1'], domains: ['*.example.com'], ports: [443] },
  action: 'allow',
  priority: 10,
  enabled: true,
  description: 'example',
};

export function auditEvent(requestId: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    request_id: requestId,
    timestamp: T0,
    identity: {
      agent_id: 'a1',
      team_id: 'team-a',
      project_id: 'proj-a',
      environment: 'prod',
      auth_type: 'api_key',
      status: 'active',
    },
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: '/' },
    decision: 'allow',
    policy_id: 'p-allow',
    bundle_version: 1,
    reason: 'allowed by policy `p-allow`',
    latency_ms: 1,
    bytes_in: 0,
    bytes_out: 0,
    status: 200,
    gateway_id: 'gw-1',
    schema_version: 1,
    ...overrides,
  };
}

function bundle(version: number): SignedBundle {
  return {
    manifest: { version, created_at: T0, content_hash: `sha256:${String(version).padStart(64, '0')}` },
    signature: `sig-${version}`,
    content: { policies: [], agents: [], issuers: [], quotas: [] },
  };
}

export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('agents', () => {
      it('creates an agent with its first key and reads both back', async () => {
        assert.equal(await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1')), true);
        assert.deepEqual(await store.agents.get('a1'), agentRecord('a1'));
        assert.deepEqual(await store.keys.listForAgent('a1'), [keyRecord('k1', 'a1')]);
      });

      it('refuses a taken agent id without touching the existing agent', async () => {
        await store.agents.create(agentRecord('a1'));
        const again = await store.agents.create(agentRecord('a1', { team_id: 'other' }), keyRecord('k9', 'a1'));
        assert.equal(again, false);
        assert.equal((await store.agents.get('a1'))?.team_id, 'team-a');
        assert.deepEqual(await store.keys.listForAgent('a1'), []);
      });

      it('answers null for an unknown agent', async () => {
        assert.equal(await store.agents.get('nobody'), null);
        assert.equal(await store.agents.update('nobody', { status: 'disabled' }, T1), null);
        assert.equal(await store.agents.delete('nobody'), false);
      });

      it('pages agents by id and lists them all in id order', async () => {
        for (const id of ['c', 'a', 'b']) await store.agents.create(agentRecord(id));
        const first = await store.agents.list({ limit: 2 });
        assert.deepEqual(first.map((a) => a.agent_id), ['a', 'b']);
        const second = await store.agents.list({ limit: 2, after: 'b' });
        assert.deepEqual(second.map((a) => a.agent_id), ['c']);
        assert.deepEqual((await store.agents.listAll()).map((a) => a.agent_id), ['a', 'b', 'c']);
      });

      it('updates only the given fields and the update time', async () => {
        await store.agents.create(agentRecord('a1'));
        const updated = await store.agents.update('a1', { status: 'disabled', team_id: undefined }, T1);
        assert.deepEqual(updated, agentRecord('a1', { status: 'disabled', updated_at: T1 }));
        assert.deepEqual(await store.agents.get('a1'), updated);
      });

      it('deletes an agent together with its keys and quota', async () => {
        await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1'));
        await store.quotas.put({ agent_id: 'a1', rps_limit: 1, rpm_limit: 10, mode: 'hard_stop', updated_at: T0 });
        assert.equal(await store.agents.delete('a1'), true);
        assert.equal(await store.agents.get('a1'), null);
        assert.deepEqual(await store.keys.listAll(), []);
        assert.equal(await store.quotas.get('a1'), null);
      });

      it('leaves nothing when the second row of a create fails', async () => {
        await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1'));
        await assert.rejects(store.agents.create(agentRecord('a2'), keyRecord('k1', 'a2')));
        assert.equal(await store.agents.get('a2'), null);
        assert.deepEqual((await store.keys.listAll()).map((k) => k.agent_id), ['a1']);
      });
    });

    describe('api keys', () => {
      it('rotates: adds the new key and caps the expiry of the others', async () => {
        await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1'));
        await store.keys.rotate(keyRecord('k2', 'a1', { created_at: T1 }), '2026-01-01T02:00:00.000Z');
        const keys = await store.keys.listForAgent('a1');
        assert.deepEqual(keys, [
          keyRecord('k1', 'a1', { expires_at: '2026-01-01T02:00:00.000Z' }),
          keyRecord('k2', 'a1', { created_at: T1 }),
        ]);
      });

      it('lists keys made at the same instant in the order they were added', async () => {
        await store.agents.create(agentRecord('a1'), keyRecord('k-z', 'a1'));
        await store.keys.rotate(keyRecord('k-m', 'a1'), T1);
        await store.keys.rotate(keyRecord('k-a', 'a1'), T1);
        assert.deepEqual((await store.keys.listForAgent('a1')).map((k) => k.id), ['k-z', 'k-m', 'k-a']);
        assert.deepEqual((await store.keys.listAll()).map((k) => k.id), ['k-z', 'k-m', 'k-a']);
      });

      it('keeps an earlier expiry when a later rotation would extend it', async () => {
        await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1', { expires_at: T1 }));
        await store.keys.rotate(keyRecord('k2', 'a1'), '2026-02-01T00:00:00.000Z');
        const k1 = (await store.keys.listForAgent('a1')).find((k) => k.id === 'k1');
        assert.equal(k1?.expires_at, T1);
      });

      it('refuses to rotate the key of an unknown agent', async () => {
        assert.equal(await store.keys.rotate(keyRecord('k1', 'nobody'), T1), false);
        assert.deepEqual(await store.keys.listAll(), []);
      });

      it('leaves the old keys untouched when the new key cannot be stored', async () => {
        await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1'));
        await assert.rejects(store.keys.rotate(keyRecord('k2', 'a1', { hash: 'hash-k1' }), T1));
        assert.deepEqual(await store.keys.listForAgent('a1'), [keyRecord('k1', 'a1')]);
      });

      it('lists every key of every agent', async () => {
        await store.agents.create(agentRecord('b'), keyRecord('kb', 'b'));
        await store.agents.create(agentRecord('a'), keyRecord('ka', 'a'));
        assert.deepEqual((await store.keys.listAll()).map((k) => k.id), ['ka', 'kb']);
      });
    });

    describe('issuers', () => {
      it('creates, reads, lists and deletes an issuer', async () => {
        assert.equal(await store.issuers.create(issuerRecord('i1')), true);
        assert.deepEqual(await store.issuers.get('i1'), issuerRecord('i1'));
        assert.deepEqual(await store.issuers.listAll(), [issuerRecord('i1')]);
        assert.equal(await store.issuers.delete('i1'), true);
        assert.equal(await store.issuers.get('i1'), null);
        assert.equal(await store.issuers.delete('i1'), false);
      });

      it('refuses a second issuer with the same issuer and audience', async () => {
        await store.issuers.create(issuerRecord('i1'));
        const twin = issuerRecord('i2', { issuer: 'https://issuer-i1.example.com' });
        assert.equal(await store.issuers.create(twin), false);
        assert.equal(await store.issuers.create({ ...twin, audience: 'other' }), true);
      });

      it('keeps an hs256 secret and pages by id', async () => {
        const secret = issuerRecord('i2', { jwks_url: null, hs256_secret: 'x'.repeat(32) });
        await store.issuers.create(secret);
        await store.issuers.create(issuerRecord('i1'));
        assert.deepEqual(await store.issuers.list({ limit: 1, after: 'i1' }), [secret]);
      });
    });

    describe('policies', () => {
      it('creates a draft at version 1 and reads it back', async () => {
        const created = await store.policies.create('p1', policyFields, T0);
        assert.deepEqual(created, { policy_id: 'p1', version: 1, ...policyFields, updated_at: T0 });
        assert.deepEqual(await store.policies.get('p1'), created);
      });

      it('refuses a taken policy id', async () => {
        await store.policies.create('p1', policyFields, T0);
        assert.equal(await store.policies.create('p1', { ...policyFields, priority: 1 }, T1), null);
        assert.equal((await store.policies.get('p1'))?.priority, 10);
      });

      it('replaces a draft and bumps its version each time', async () => {
        await store.policies.create('p1', policyFields, T0);
        const fields: PolicyFields = { match: {}, action: 'deny', priority: -5, enabled: false, description: null };
        const second = await store.policies.replace('p1', fields, T1);
        assert.deepEqual(second, { policy_id: 'p1', version: 2, ...fields, updated_at: T1 });
        assert.equal((await store.policies.replace('p1', fields, T1))?.version, 3);
        assert.equal(await store.policies.replace('nobody', fields, T1), null);
      });

      it('lists, pages and deletes policies', async () => {
        for (const id of ['p2', 'p1', 'p3']) await store.policies.create(id, policyFields, T0);
        assert.deepEqual((await store.policies.listAll()).map((p) => p.policy_id), ['p1', 'p2', 'p3']);
        assert.deepEqual((await store.policies.list({ limit: 1, after: 'p1' })).map((p) => p.policy_id), ['p2']);
        assert.equal(await store.policies.delete('p2'), true);
        assert.equal(await store.policies.delete('p2'), false);
        assert.equal(await store.policies.get('p2'), null);
      });
    });

    describe('quotas', () => {
      const quota = { agent_id: 'a1', rps_limit: 5, rpm_limit: 100, mode: 'hard_stop', updated_at: T0 } as const;

      it('creates and then replaces the quota of an agent', async () => {
        await store.agents.create(agentRecord('a1'));
        assert.equal(await store.quotas.put(quota), true);
        assert.deepEqual(await store.quotas.get('a1'), quota);
        const replaced = { ...quota, rps_limit: 1, mode: 'alert_only', updated_at: T1 } as const;
        assert.equal(await store.quotas.put(replaced), true);
        assert.deepEqual(await store.quotas.listAll(), [replaced]);
      });

      it('refuses a quota for an unknown agent', async () => {
        assert.equal(await store.quotas.put(quota), false);
        assert.deepEqual(await store.quotas.listAll(), []);
      });

      it('deletes a quota', async () => {
        await store.agents.create(agentRecord('a1'));
        await store.quotas.put(quota);
        assert.equal(await store.quotas.delete('a1'), true);
        assert.equal(await store.quotas.delete('a1'), false);
        assert.equal(await store.quotas.get('a1'), null);
      });
    });

    describe('bundles', () => {
      it('has no bundle before the first insert', async () => {
        assert.equal(await store.bundles.latest(), null);
        assert.equal(await store.bundles.get(1), null);
      });

      it('stores bundles and answers the newest as latest', async () => {
        assert.equal(await store.bundles.insert(bundle(1)), true);
        assert.equal(await store.bundles.insert(bundle(2)), true);
        assert.deepEqual(await store.bundles.latest(), bundle(2));
        assert.deepEqual(await store.bundles.get(1), bundle(1));
      });

      it('refuses a second bundle with the same version', async () => {
        await store.bundles.insert(bundle(1));
        assert.equal(await store.bundles.insert({ ...bundle(1), signature: 'other' }), false);
        assert.equal((await store.bundles.get(1))?.signature, 'sig-1');
      });
    });

    describe('audit', () => runAuditContract(() => store));
  });
}

function runAuditContract(currentStore: () => Store): void {
  const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  const ids = (events: readonly AuditEvent[]): string[] => events.map((e) => e.request_id);

  it('appends a batch and returns it newest first', async () => {
    const store = currentStore();
    assert.equal(await store.audit.append([auditEvent('r1'), auditEvent('r2')]), 2);
    const page = await store.audit.query({ limit: 10 });
    assert.deepEqual(page, { items: [auditEvent('r2'), auditEvent('r1')], next_cursor: null });
  });

  it('stores a retried batch once', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1'), auditEvent('r2')]);
    assert.equal(await store.audit.append([auditEvent('r1'), auditEvent('r2'), auditEvent('r3')]), 1);
    assert.equal(await store.audit.append([auditEvent('r4'), auditEvent('r4')]), 1);
    assert.deepEqual(ids((await store.audit.query({ limit: 10 })).items), ['r4', 'r3', 'r2', 'r1']);
  });

  it('stores nothing of a batch when one event in it fails', async () => {
    const store = currentStore();
    const batch = [auditEvent('r1'), auditEvent('r2', { timestamp: 'yesterday' }), auditEvent('r3')];
    await assert.rejects(store.audit.append(batch), /timestamp: `yesterday` is not a valid time/);
    assert.deepEqual((await store.audit.query({ limit: 10 })).items, []);
  });

  it('filters by every field it offers', async () => {
    const store = currentStore();
    const other = { ...auditEvent('x').identity!, agent_id: 'a2', team_id: 'team-b' };
    await store.audit.append([
      auditEvent('r1'),
      auditEvent('r2', { identity: other, decision: 'deny', policy_id: 'default-deny' }),
      auditEvent('r3', { destination: { ...auditEvent('x').destination, host: 'evil.test' } }),
      auditEvent('r4', { identity: null, decision: 'unauthenticated', policy_id: null }),
    ]);
    const cases: Array<[string, Parameters<Store['audit']['query']>[0], string[]]> = [
      ['agent_id picks the events of that agent', { limit: 10, agent_id: 'a2' }, ['r2']],
      ['team_id picks the events of that team', { limit: 10, team_id: 'team-a' }, ['r3', 'r1']],
      ['decision picks that outcome only', { limit: 10, decision: 'unauthenticated' as DecisionKind }, ['r4']],
      ['policy_id picks events decided by it', { limit: 10, policy_id: 'default-deny' }, ['r2']],
      ['host picks events to that host', { limit: 10, host: 'evil.test' }, ['r3']],
      ['filters combine with and', { limit: 10, team_id: 'team-a', host: 'api.example.com' }, ['r1']],
    ];
    for (const [name, filter, expected] of cases) {
      assert.deepEqual(ids((await store.audit.query(filter)).items), expected, name);
    }
  });

  it('treats since as inclusive and until as exclusive', async () => {
    const store = currentStore();
    await store.audit.append([0, 1, 2, 3].map((m) => auditEvent(`r${m}`, { timestamp: at(m) })));
    const page = await store.audit.query({ limit: 10, since_ms: Date.parse(at(1)), until_ms: Date.parse(at(3)) });
    assert.deepEqual(ids(page.items), ['r2', 'r1']);
  });

  it('compares times as instants whatever the offset spelling', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1', { timestamp: '2026-01-01T02:00:00.000+02:00' })]);
    const page = await store.audit.query({ limit: 10, since_ms: Date.parse(at(0)), until_ms: Date.parse(at(1)) });
    assert.deepEqual(ids(page.items), ['r1']);
  });

  it('pages every event exactly once while new events arrive', async () => {
    const store = currentStore();
    await store.audit.append(Array.from({ length: 7 }, (_, i) => auditEvent(`old-${i}`)));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 10; round++) {
      const page = await store.audit.query({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page.items));
      await store.audit.append([auditEvent(`new-${round}`)]);
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    assert.deepEqual(seen, ['old-6', 'old-5', 'old-4', 'old-3', 'old-2', 'old-1', 'old-0']);
  });

  it('answers a null next_cursor when the last page is exactly full', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1'), auditEvent('r2')]);
    const first = await store.audit.query({ limit: 1 });
    assert.notEqual(first.next_cursor, null);
    const second = await store.audit.query({ limit: 1, cursor: first.next_cursor! });
    assert.deepEqual({ ids: ids(second.items), next: second.next_cursor }, { ids: ['r1'], next: null });
  });

  it('rejects a cursor it did not make', async () => {
    const store = currentStore();
    await assert.rejects(store.audit.query({ limit: 1, cursor: 'bm9wZQ' }), {
      code: 'CLAWGRESS_ERR_VALIDATION',
      field: 'cursor',
    });
  });
}
