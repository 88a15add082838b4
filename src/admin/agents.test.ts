import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { hashApiKey } from '../identity/index.js';
import { allowPolicy, apiKeyAgent, KEY_HASH_SECRET, startHarness, type Harness } from './harness.test.js';

describe('admin api: agents', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const bundleAgent = (agentId: string) => h.control.currentBundle().content.agents.find((a) => a.agent_id === agentId);

  it('creates an api_key agent and shows its key once, stored only as a hash', async () => {
    const created = await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    assert.equal(created.statusCode, 201);
    const body = created.json();
    assert.match(body.api_key, /^cgk_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(
      { ...body, api_key: undefined, keys: undefined },
      { ...apiKeyAgent('a1'), status: 'active', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', api_key: undefined, keys: undefined },
    );
    assert.deepEqual(bundleAgent('a1')?.key_hashes, [{ hash: hashApiKey(body.api_key, KEY_HASH_SECRET), expires_at: null }]);

    const fetched = await h.call('GET', '/api/v1/agents/a1');
    assert.equal(fetched.statusCode, 200);
    assert.equal(fetched.json().api_key, undefined);
    assert.doesNotMatch(fetched.body, new RegExp(`${body.api_key}|${hashApiKey(body.api_key, KEY_HASH_SECRET)}|hash`));
    assert.deepEqual(fetched.json().keys, [{ key_id: body.keys[0].key_id, created_at: '2026-01-01T00:00:00.000Z', expires_at: null }]);
  });

  it('creates a jwt agent without any key', async () => {
    const created = await h.call('POST', '/api/v1/agents', { ...apiKeyAgent('j1'), auth_type: 'jwt', status: 'disabled' });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().api_key, undefined);
    assert.deepEqual(created.json().keys, []);
    assert.equal(bundleAgent('j1')?.status, 'disabled');
  });

  it('refuses a second agent with the same id with 409', async () => {
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    const again = await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    assert.equal(again.statusCode, 409);
    assert.deepEqual(again.json(), { error: 'agent `a1` exists already', code: 'CLAWGRESS_ERR_CONFLICT' });
  });

  it('rejects bad agent bodies with 400 naming the field', async () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['an agent id with a colon', { ...apiKeyAgent('a:b') }, 'agent_id', 'body.agent_id: must match pattern'],
      ['an unknown auth type', { ...apiKeyAgent('a1'), auth_type: 'password' }, 'auth_type', 'body.auth_type: must be equal to one of the allowed values'],
      ['a missing team', { ...apiKeyAgent('a1'), team_id: undefined }, 'team_id', 'body: missing required field `team_id`'],
      ['an empty environment', { ...apiKeyAgent('a1'), environment: '' }, 'environment', 'body.environment: must NOT have fewer than 1 characters'],
      ['an unknown field', { ...apiKeyAgent('a1'), api_key: 'mine' }, 'api_key', 'body: unknown field `api_key`'],
    ];
    for (const [name, body, field, message] of cases) {
      const answer = await h.call('POST', '/api/v1/agents', body);
      assert.equal(answer.statusCode, 400, name);
      assert.equal(answer.json().field, field, name);
      assert.ok(answer.json().error.startsWith(message), `${name}: ${answer.json().error}`);
    }
    assert.deepEqual((await h.call('GET', '/api/v1/agents')).json().items, []);
  });

  it('lists agents in pages by agent_id', async () => {
    for (const id of ['c', 'a', 'b']) await h.call('POST', '/api/v1/agents', apiKeyAgent(id));
    const first = (await h.call('GET', '/api/v1/agents?limit=2')).json();
    assert.deepEqual(first.items.map((a: { agent_id: string }) => a.agent_id), ['a', 'b']);
    const second = (await h.call('GET', `/api/v1/agents?limit=2&cursor=${first.next_cursor}`)).json();
    assert.deepEqual(second.items.map((a: { agent_id: string }) => a.agent_id), ['c']);
    assert.equal(second.next_cursor, null);
    assert.doesNotMatch(JSON.stringify([first, second]), /"api_key":|hash/);
  });

  it('patches an agent and publishes the change at once', async () => {
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    const before = h.control.currentBundle().manifest.version;
    h.clock.advance(1000);
    const patched = await h.call('PATCH', '/api/v1/agents/a1', { status: 'disabled', team_id: 'team-b' });
    assert.equal(patched.statusCode, 200);
    assert.deepEqual(
      { status: patched.json().status, team_id: patched.json().team_id, updated_at: patched.json().updated_at },
      { status: 'disabled', team_id: 'team-b', updated_at: '2026-01-01T00:00:01.000Z' },
    );
    assert.equal(h.control.currentBundle().manifest.version, before + 1);
    assert.deepEqual({ ...bundleAgent('a1'), key_hashes: [] }, { ...apiKeyAgent('a1'), team_id: 'team-b', status: 'disabled', key_hashes: [] });
  });

  it('refuses to patch fields that are not editable', async () => {
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    const answer = await h.call('PATCH', '/api/v1/agents/a1', { auth_type: 'jwt' });
    assert.equal(answer.statusCode, 400);
    assert.equal(answer.json().error, 'body: unknown field `auth_type`');
  });

  it('deletes an agent with its keys, then answers 404', async () => {
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    assert.equal((await h.call('DELETE', '/api/v1/agents/a1')).statusCode, 204);
    assert.equal(bundleAgent('a1'), undefined);
    assert.deepEqual(await h.store.keys.listAll(), []);
    const missing = await h.call('GET', '/api/v1/agents/a1');
    assert.deepEqual([missing.statusCode, missing.json()], [404, { error: 'agent `a1` not found', code: 'CLAWGRESS_ERR_NOT_FOUND' }]);
    assert.equal((await h.call('DELETE', '/api/v1/agents/a1')).statusCode, 404);
    assert.equal((await h.call('PATCH', '/api/v1/agents/a1', { status: 'active' })).statusCode, 404);
  });

  it('rotates a key: the new key is shown once and the old one expires after the overlap', async () => {
    const first = (await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'))).json();
    h.clock.advance(60_000);
    const rotated = await h.call('POST', '/api/v1/agents/a1/keys', { overlap_seconds: 600 });
    assert.equal(rotated.statusCode, 201);
    const body = rotated.json();
    assert.notEqual(body.api_key, first.api_key);
    assert.deepEqual(bundleAgent('a1')?.key_hashes, [
      { hash: hashApiKey(first.api_key, KEY_HASH_SECRET), expires_at: '2026-01-01T00:11:00.000Z' },
      { hash: hashApiKey(body.api_key, KEY_HASH_SECRET), expires_at: null },
    ]);
    assert.deepEqual(body.keys.map((k: { expires_at: string | null }) => k.expires_at), ['2026-01-01T00:11:00.000Z', null]);
    assert.equal((await h.call('GET', '/api/v1/agents/a1')).json().api_key, undefined);
  });

  it('rotates with the default overlap of one hour when there is no body', async () => {
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    const rotated = await h.call('POST', '/api/v1/agents/a1/keys');
    assert.equal(rotated.statusCode, 201);
    assert.equal(rotated.json().keys[0].expires_at, '2026-01-01T01:00:00.000Z');
  });

  it('never extends an expiry already set by an earlier rotation', async () => {
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    await h.call('POST', '/api/v1/agents/a1/keys', { overlap_seconds: 0 });
    const second = (await h.call('POST', '/api/v1/agents/a1/keys', { overlap_seconds: 7200 })).json();
    assert.deepEqual(second.keys.map((k: { expires_at: string | null }) => k.expires_at), [
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      null,
    ]);
    // An expired key is left out of the bundle: gateways only see keys still usable.
    assert.equal(bundleAgent('a1')?.key_hashes.length, 2);
  });

  it('answers rotate errors: 409 for a jwt agent, 404 for an unknown one, 400 for a bad overlap', async () => {
    await h.call('POST', '/api/v1/agents', { ...apiKeyAgent('j1'), auth_type: 'jwt' });
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    assert.equal((await h.call('POST', '/api/v1/agents/j1/keys', {})).statusCode, 409);
    assert.equal((await h.call('POST', '/api/v1/agents/nobody/keys', {})).statusCode, 404);
    const tooLong = await h.call('POST', '/api/v1/agents/a1/keys', { overlap_seconds: 604_801 });
    assert.deepEqual([tooLong.statusCode, tooLong.json().field], [400, 'overlap_seconds']);
    const text = await h.call('POST', '/api/v1/agents/a1/keys', { overlap_seconds: '60' });
    assert.deepEqual([text.statusCode, text.json().error], [400, 'body.overlap_seconds: must be integer']);
  });

  it('publishes agent changes without publishing a pending policy draft', async () => {
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    await h.call('POST', '/api/v1/policies/publish');
    await h.call('PUT', '/api/v1/policies/p1', { ...allowPolicy('p1'), policy_id: undefined, priority: 99 });
    await h.call('POST', '/api/v1/policies', allowPolicy('p2'));
    const before = h.control.currentBundle();
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    const after = h.control.currentBundle();
    assert.equal(after.manifest.version, before.manifest.version + 1);
    assert.deepEqual(after.content.policies, before.content.policies);
    assert.deepEqual(after.content.policies.map((p) => [p.policy_id, p.priority]), [['p1', 10]]);
    assert.deepEqual(after.content.agents.map((a) => a.agent_id), ['a1']);
  });
});
