import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock, type SignedBundle } from '../core/index.js';
import { generateSigningKeys, verifyBundle } from '../policy/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { createControlPlane, type AgentInput, type ControlPlane } from './index.js';

const KEYS = generateSigningKeys();
const SECRET = Buffer.alloc(32, 1);
const agent = (agentId: string, overrides: Partial<AgentInput> = {}): AgentInput => ({
  agent_id: agentId,
  team_id: 'team-a',
  project_id: 'proj-a',
  environment: 'prod',
  auth_type: 'api_key',
  ...overrides,
});

describe('control plane', () => {
  let store: Store;
  let clock: ManualClock;
  let control: ControlPlane;
  const start = (options: { privateKeyPem?: string; onListenerError?: (e: unknown) => void } = {}) =>
    createControlPlane({
      store,
      clock,
      signingPrivateKeyPem: options.privateKeyPem ?? KEYS.privateKeyPem,
      keyHashSecret: SECRET,
      ...(options.onListenerError ? { onListenerError: options.onListenerError } : {}),
    });
  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    clock = new ManualClock();
    control = await start();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('bundles', () => {
    it('publishes a verifiable version 1 with no policy on first start', async () => {
      const bundle = control.currentBundle();
      assert.deepEqual(bundle.manifest.version, 1);
      assert.deepEqual(bundle.content, { policies: [], agents: [], issuers: [], quotas: [] });
      assert.equal(verifyBundle(bundle, { publicKeyPem: KEYS.publicKeyPem, currentVersion: null }).ok, true);
      assert.deepEqual(await store.bundles.latest(), bundle);
    });

    it('takes the stored bundle on restart without publishing again', async () => {
      await control.agents.create(agent('a1'));
      const again = await start();
      assert.deepEqual(again.currentBundle(), control.currentBundle());
      assert.equal(again.currentBundle().manifest.version, 2);
    });

    it('re-signs the bundle in force as a new version after a signing-key change', async () => {
      await control.policies.create({ policy_id: 'p1', match: {}, action: 'allow', priority: 1 });
      await control.publish();
      const newKeys = generateSigningKeys();
      const again = await start({ privateKeyPem: newKeys.privateKeyPem });
      const bundle = again.currentBundle();
      assert.equal(bundle.manifest.version, 3);
      assert.deepEqual(bundle.content, control.currentBundle().content);
      assert.equal(verifyBundle(bundle, { publicKeyPem: newKeys.publicKeyPem, currentVersion: 2 }).ok, true);
    });

    it('refuses to start with a signing key that is not a private key', async () => {
      await assert.rejects(start({ privateKeyPem: 'not a key' }), { message: 'control plane: the signing key is not a private key pem' });
    });

    it('gives concurrent publishes strictly increasing versions', async () => {
      const seen: number[] = [];
      control.onBundle((bundle) => seen.push(bundle.manifest.version));
      const results = await Promise.all([
        control.publish(),
        control.agents.create(agent('a1')),
        control.publish(),
        control.agents.create(agent('a2')),
        control.publish(),
      ]);
      // Policy publishes each make a bundle; the two registry changes may share one (coalescing).
      assert.ok(seen.length === 4 || seen.length === 5, `bundles: ${seen.join(',')}`);
      assert.deepEqual(seen, seen.map((_, i) => i + 2), 'strictly increasing, none skipped or repeated');
      const published = [results[0], results[2], results[4]].map((r) => (r as { version: number }).version);
      assert.equal(new Set(published).size, 3);
      assert.equal(control.currentBundle().manifest.version, seen.at(-1));
      assert.deepEqual(control.currentBundle().content.agents.map((a) => a.agent_id), ['a1', 'a2']);
    });

    it('coalesces a burst of registry changes into few bundles, each change in force when its call returns', async () => {
      const before = control.currentBundle().manifest.version;
      const ids = Array.from({ length: 50 }, (_, i) => `burst-${i}`);
      await Promise.all(ids.map(async (id) => {
        await control.agents.create(agent(id));
        assert.ok(control.currentBundle().content.agents.some((a) => a.agent_id === id), `${id} in force on return`);
      }));
      const published = control.currentBundle().manifest.version - before;
      assert.ok(published >= 1 && published < 10, `${published} bundles for 50 changes`);
      assert.equal(control.currentBundle().content.agents.length, 50);
    });

    it('tells subscribers of every publish until they unsubscribe', async () => {
      const seen: number[] = [];
      const unsubscribe = control.onBundle((bundle: SignedBundle) => seen.push(bundle.manifest.version));
      await control.publish();
      await control.agents.create(agent('a1'));
      unsubscribe();
      await control.publish();
      assert.deepEqual(seen, [2, 3]);
    });

    it('keeps a publish when a subscriber throws, and reports the error', async () => {
      const errors: unknown[] = [];
      const withReport = await start({ onListenerError: (error) => errors.push(error) });
      withReport.onBundle(() => {
        throw new Error('subscriber broke');
      });
      const result = await withReport.publish();
      assert.equal(withReport.currentBundle().manifest.version, result.version);
      assert.deepEqual(errors.map((e) => (e as Error).message), ['subscriber broke']);
    });

    it('recovers after a publish fails to store', async () => {
      const insert = store.bundles.insert;
      (store.bundles as { insert: typeof insert }).insert = async () => Promise.reject(new Error('disk full'));
      await assert.rejects(control.publish(), /disk full/);
      (store.bundles as { insert: typeof insert }).insert = insert;
      assert.equal((await control.publish()).version, 2);
    });

    it('leaves expired keys out of the next bundle', async () => {
      await control.agents.create(agent('a1'));
      await control.keys.rotate('a1', { overlap_seconds: 60 });
      clock.advance(61_000);
      await control.agents.update('a1', { environment: 'staging' });
      const bundled = control.currentBundle().content.agents[0];
      assert.equal(bundled?.key_hashes.length, 1);
      assert.equal(bundled?.key_hashes[0]?.expires_at, null);
    });

    it('does not publish a patch that changes nothing', async () => {
      await control.agents.create(agent('a1'));
      await control.agents.update('a1', { team_id: 'team-a', status: 'active' });
      assert.equal(control.currentBundle().manifest.version, 2);
    });
  });

  describe('validation without the admin api in front', () => {
    const cases: Array<[string, () => Promise<unknown>, string, string]> = [
      ['an agent id with a colon', () => control.agents.create(agent('a:b')), 'agent_id', 'agent_id: `a:b` must be 1 to 128 letters, digits, `.`, `_` or `-`, starting with a letter or digit'],
      ['an empty team', () => control.agents.create(agent('a1', { team_id: '' })), 'team_id', 'team_id: must be a non-empty string'],
      ['an unknown auth type', () => control.agents.create(agent('a1', { auth_type: 'password' as 'jwt' })), 'auth_type', 'auth_type: `password` is not one of `jwt`, `api_key`'],
      ['a control character in a patch', () => control.agents.update('a0', { environment: 'pr\nod' }), 'environment', 'environment: must not contain control characters'],
      ['a negative overlap', () => control.keys.rotate('a0', { overlap_seconds: -1 }), 'overlap_seconds', 'overlap_seconds: `-1` is not an integer from 0 to 604800'],
      ['a fractional priority', () => control.policies.create({ policy_id: 'p1', match: {}, action: 'allow', priority: 0.5 }), 'priority', 'priority: `0.5` is not an integer'],
      ['a bad list limit', () => control.agents.list({ limit: 0 }), 'limit', 'limit: `0` is not an integer from 1 to 1000'],
      ['a bad list cursor', () => control.policies.list({ cursor: 'x' }), 'cursor', 'cursor: `x` is not a valid cursor'],
      ['an audit time without a zone', () => control.queryAudit({ since: '2026-01-01T00:00:00' }), 'since', 'since: `2026-01-01T00:00:00` is not an rfc 3339 time'],
    ];
    for (const [name, attempt, field, message] of cases) {
      it(`rejects ${name}`, async () => {
        await control.agents.create(agent('a0'));
        await assert.rejects(attempt(), { code: 'CLAWGRESS_ERR_VALIDATION', field, message });
        assert.deepEqual((await store.agents.listAll()).map((a) => a.agent_id), ['a0']);
      });
    }
  });
});
