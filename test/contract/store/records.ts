import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { PolicyFields, Store } from '../../../src/store/index.js';
import { agentRecord, bundle, issuerRecord, policyFields, T0, T1 } from './fixtures.js';

export function recordContract(currentStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = currentStore();
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
}
