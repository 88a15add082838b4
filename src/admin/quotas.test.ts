import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { apiKeyAgent, startHarness, type Harness } from './harness.test.js';

describe('admin api: quotas', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    assert.equal((await h.call('POST', '/api/v1/agents', apiKeyAgent('agent-q'))).statusCode, 201);
  });
  afterEach(async () => {
    await h.close();
  });

  it('sets a quota, reads it back, lists it, and publishes it into the bundle at once', async () => {
    const before = h.control.currentBundle().manifest.version;
    const put = await h.call('PUT', '/api/v1/quotas/agent-q', { rps_limit: 10, rpm_limit: 300, mode: 'hard_stop' });
    assert.equal(put.statusCode, 200);
    const { updated_at: updatedAt, ...quota } = put.json() as Record<string, unknown>;
    assert.deepEqual(quota, { agent_id: 'agent-q', rps_limit: 10, rpm_limit: 300, mode: 'hard_stop' });
    assert.match(String(updatedAt), /^\d{4}-\d\d-\d\dT/);
    const bundle = h.control.currentBundle();
    assert.equal(bundle.manifest.version, before + 1);
    assert.deepEqual(bundle.content.quotas, [{ agent_id: 'agent-q', rps_limit: 10, rpm_limit: 300, mode: 'hard_stop' }]);
    assert.equal((await h.call('GET', '/api/v1/quotas/agent-q')).json().rpm_limit, 300);
    const list = (await h.call('GET', '/api/v1/quotas')).json();
    assert.deepEqual(list.items.map((q: { agent_id: string }) => q.agent_id), ['agent-q']);
    assert.equal(list.next_cursor, null);
  });

  it('replaces a quota and removes it', async () => {
    await h.call('PUT', '/api/v1/quotas/agent-q', { rps_limit: 10, rpm_limit: 300, mode: 'hard_stop' });
    assert.equal((await h.call('PUT', '/api/v1/quotas/agent-q', { rps_limit: 2, rpm_limit: 20, mode: 'alert_only' })).json().mode, 'alert_only');
    assert.equal((await h.call('DELETE', '/api/v1/quotas/agent-q')).statusCode, 204);
    assert.equal((await h.call('GET', '/api/v1/quotas/agent-q')).statusCode, 404);
    assert.deepEqual(h.control.currentBundle().content.quotas, []);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a zero rps_limit', { rps_limit: 0, rpm_limit: 10, mode: 'hard_stop' }, /rps_limit/],
    ['a negative rpm_limit', { rps_limit: 1, rpm_limit: -5, mode: 'hard_stop' }, /rpm_limit/],
    ['a fractional limit', { rps_limit: 1.5, rpm_limit: 10, mode: 'hard_stop' }, /rps_limit/],
    ['a limit given as a string', { rps_limit: '10', rpm_limit: 10, mode: 'hard_stop' }, /rps_limit/],
    ['an unknown mode', { rps_limit: 1, rpm_limit: 10, mode: 'soft' }, /mode/],
    ['a missing mode', { rps_limit: 1, rpm_limit: 10 }, /mode/],
    ['an unknown field', { rps_limit: 1, rpm_limit: 10, mode: 'hard_stop', burst: 3 }, /burst/],
  ];
  for (const [name, body, field] of invalid) {
    it(`refuses ${name} with a 400 naming the field, and changes nothing`, async () => {
      const version = h.control.currentBundle().manifest.version;
      const res = await h.call('PUT', '/api/v1/quotas/agent-q', body);
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error, field);
      assert.equal(h.control.currentBundle().manifest.version, version);
      assert.equal((await h.call('GET', '/api/v1/quotas/agent-q')).statusCode, 404);
    });
  }

  it('a quota for an unknown agent is a 404', async () => {
    const res = await h.call('PUT', '/api/v1/quotas/nobody', { rps_limit: 1, rpm_limit: 1, mode: 'hard_stop' });
    assert.equal(res.statusCode, 404);
  });

  it('deleting the agent removes its quota', async () => {
    await h.call('PUT', '/api/v1/quotas/agent-q', { rps_limit: 1, rpm_limit: 1, mode: 'hard_stop' });
    assert.equal((await h.call('DELETE', '/api/v1/agents/agent-q')).statusCode, 204);
    assert.deepEqual((await h.call('GET', '/api/v1/quotas')).json().items, []);
  });
});
