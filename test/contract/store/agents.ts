import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Store } from '../../../src/store/index.js';
import { agentRecord, keyRecord, T0, T1 } from './fixtures.js';

export function agentAndKeyContract(currentStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = currentStore();
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

    it('rejects a malformed agent instead of reporting the id as taken', async () => {
      const malformed = agentRecord('a1', { auth_type: 'password' as 'jwt' });
      await assert.rejects(store.agents.create(malformed));
      assert.equal(await store.agents.get('a1'), null);
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

    it('caps the key a concurrent rotation added, so only the newest key stays open', async () => {
      await store.agents.create(agentRecord('a1'), keyRecord('k1', 'a1'));
      // Several rounds, so that a backend with a connection pool has warm connections to race on.
      for (let round = 0; round < 5; round++) {
        const rotate = (n: number) => store.keys.rotate(keyRecord(`k-${round}-${n}`, 'a1'), T1);
        await Promise.all([rotate(1), rotate(2)]);
      }
      const expiries = (await store.keys.listForAgent('a1')).map((k) => k.expires_at);
      assert.deepEqual(expiries, [...Array<string>(10).fill(T1), null]);
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
}
