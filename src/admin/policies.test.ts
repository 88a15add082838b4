import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ADMIN_TOKEN, BODY_LIMIT_BYTES, allowPolicy, startHarness, type Harness } from './harness.test.js';

describe('admin api: policies', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const { policy_id: _id, ...allowBody } = allowPolicy('unused');

  it('creates a draft at version 1 that is not yet published', async () => {
    const created = await h.call('POST', '/api/v1/policies', { ...allowPolicy('p1'), description: 'the api' });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), {
      ...allowPolicy('p1'),
      description: 'the api',
      version: 1,
      enabled: true,
      updated_at: '2026-01-01T00:00:00.000Z',
      published_version: null,
    });
    assert.deepEqual(h.control.currentBundle().content.policies, []);
  });

  it('replaces a draft with PUT and bumps its version each time', async () => {
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    const put = await h.call('PUT', '/api/v1/policies/p1', { ...allowBody, action: 'deny', enabled: false });
    assert.equal(put.statusCode, 200);
    assert.deepEqual([put.json().version, put.json().action, put.json().enabled], [2, 'deny', false]);
    const again = await h.call('PUT', '/api/v1/policies/p1', allowBody);
    assert.equal(again.json().version, 3);
    assert.equal((await h.call('GET', '/api/v1/policies/p1')).json().version, 3);
  });

  it('publishes: the version goes up, the hash changes and list shows what is in force', async () => {
    const v1 = h.control.currentBundle().manifest;
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    await h.call('POST', '/api/v1/policies', { ...allowPolicy('p2'), enabled: false });
    const published = await h.call('POST', '/api/v1/policies/publish');
    assert.equal(published.statusCode, 200);
    const result = published.json();
    assert.equal(result.version, v1.version + 1);
    assert.notEqual(result.content_hash, v1.content_hash);
    assert.match(result.content_hash, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(h.control.currentBundle().manifest, result);
    // A disabled draft stays out of the bundle.
    assert.deepEqual(h.control.currentBundle().content.policies.map((p) => p.policy_id), ['p1']);

    await h.call('PUT', '/api/v1/policies/p1', { ...allowBody, priority: 20 });
    const list = (await h.call('GET', '/api/v1/policies')).json();
    assert.deepEqual(
      list.items.map((p: { policy_id: string; version: number; published_version: number | null }) => [p.policy_id, p.version, p.published_version]),
      [['p1', 2, 1], ['p2', 1, null]],
    );
    assert.equal(list.next_cursor, null);
  });

  it('pages policies by policy_id', async () => {
    for (const id of ['p3', 'p1', 'p2']) await h.call('POST', '/api/v1/policies', allowPolicy(id));
    const first = (await h.call('GET', '/api/v1/policies?limit=2')).json();
    const second = (await h.call('GET', `/api/v1/policies?limit=2&cursor=${first.next_cursor}`)).json();
    const ids = [...first.items, ...second.items].map((p: { policy_id: string }) => p.policy_id);
    assert.deepEqual([ids, second.next_cursor], [['p1', 'p2', 'p3'], null]);
  });

  it('deletes a draft; the bundle in force keeps it until the next publish', async () => {
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    await h.call('POST', '/api/v1/policies/publish');
    assert.equal((await h.call('DELETE', '/api/v1/policies/p1')).statusCode, 204);
    assert.equal((await h.call('GET', '/api/v1/policies/p1')).statusCode, 404);
    assert.deepEqual(h.control.currentBundle().content.policies.map((p) => p.policy_id), ['p1']);
    await h.call('POST', '/api/v1/policies/publish');
    assert.deepEqual(h.control.currentBundle().content.policies, []);
  });

  it('answers 404 for an unknown policy and 409 for a taken id', async () => {
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    const taken = await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    assert.deepEqual([taken.statusCode, taken.json()], [409, { error: 'policy `p1` exists already', code: 'CLAWGRESS_ERR_CONFLICT' }]);
    for (const [method, body] of [['GET', undefined], ['PUT', allowBody], ['DELETE', undefined]] as const) {
      const answer = await h.call(method, '/api/v1/policies/nope', body);
      assert.deepEqual([answer.statusCode, answer.json().error], [404, 'policy `nope` not found'], method);
    }
  });

  it('rejects bad policy bodies with 400 naming the field, and stores nothing', async () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['an unknown field', { ...allowPolicy('p1'), foo: 1 }, 'foo', 'body: unknown field `foo`'],
      ['an unknown match selector', { ...allowPolicy('p1'), match: { domain: ['a.com'] } }, 'match.domain', 'body.match: unknown field `domain`'],
      ['a string where a list belongs', { ...allowPolicy('p1'), match: { domains: 'a.com' } }, 'match.domains', 'body.match.domains: must be array'],
      ['a priority sent as a string', { ...allowPolicy('p1'), priority: '10' }, 'priority', 'body.priority: must be integer'],
      ['a fractional priority', { ...allowPolicy('p1'), priority: 1.5 }, 'priority', 'body.priority: must be integer'],
      ['an enabled flag sent as a string', { ...allowPolicy('p1'), enabled: 'true' }, 'enabled', 'body.enabled: must be boolean'],
      ['an unknown action', { ...allowPolicy('p1'), action: 'maybe' }, 'action', 'body.action: must be equal to one of the allowed values'],
      ['a port out of range', { ...allowPolicy('p1'), match: { ports: [70000] } }, 'match.ports.0', 'body.match.ports.0: must be <= 65535'],
      ['a wildcard without its dot', allowPolicy('p1', ['*example.com']), 'match.domains', 'match.domains: `*example.com` is not a valid wildcard'],
      ['a reserved policy id', allowPolicy('default-deny'), 'policy_id', 'policy_id: `default-deny` is reserved'],
      ['a missing action', { ...allowPolicy('p1'), action: undefined }, 'action', 'body: missing required field `action`'],
    ];
    for (const [name, body, field, message] of cases) {
      const answer = await h.call('POST', '/api/v1/policies', body);
      assert.deepEqual(
        [answer.statusCode, answer.json()],
        [400, { error: message, code: 'CLAWGRESS_ERR_VALIDATION', field }],
        name,
      );
    }
    assert.deepEqual((await h.call('GET', '/api/v1/policies')).json().items, []);
  });

  it('rejects a bad replacement and keeps the draft as it was', async () => {
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    const answer = await h.call('PUT', '/api/v1/policies/p1', { ...allowBody, policy_id: 'p1' });
    assert.deepEqual([answer.statusCode, answer.json().error], [400, 'body: unknown field `policy_id`']);
    const bad = await h.call('PUT', '/api/v1/policies/p1', { ...allowBody, match: { methods: ['GE T'] } });
    assert.deepEqual([bad.statusCode, bad.json().field], [400, 'match.methods']);
    assert.equal((await h.call('GET', '/api/v1/policies/p1')).json().version, 1);
  });

  describe('request bodies', () => {
    const send = (payload: string, contentType: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/policies',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
        payload,
      });

    it('answers 400 "body: invalid json" for a body that does not parse', async () => {
      const answer = await send('{"policy_id": ', 'application/json');
      assert.deepEqual([answer.statusCode, answer.json()], [
        400,
        { error: 'body: invalid json', code: 'CLAWGRESS_ERR_VALIDATION', field: 'body' },
      ]);
    });

    it('answers 415 for a body that is not json', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const answer = await send('policy_id=p1', type);
        assert.deepEqual([answer.statusCode, answer.json().code], [415, 'CLAWGRESS_ERR_UNSUPPORTED_MEDIA_TYPE'], type);
      }
    });

    it('answers 413 for a body over the limit', async () => {
      const huge = JSON.stringify({ ...allowPolicy('p1'), description: 'x'.repeat(BODY_LIMIT_BYTES) });
      const answer = await send(huge, 'application/json');
      assert.deepEqual([answer.statusCode, answer.json().code], [413, 'CLAWGRESS_ERR_PAYLOAD_TOO_LARGE']);
    });

    it('accepts json with a charset parameter', async () => {
      const answer = await send(JSON.stringify(allowPolicy('p1')), 'application/json; charset=utf-8');
      assert.equal(answer.statusCode, 201);
    });
  });
});
