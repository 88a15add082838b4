import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuditEvent } from '../core/index.js';
import { allowPolicy, apiKeyAgent, startHarness, type Harness } from './harness.test.js';

function auditEvent(requestId: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    request_id: requestId,
    timestamp: '2026-01-01T00:00:00.000Z',
    identity: { ...apiKeyAgent('a1'), auth_type: 'api_key', status: 'active' },
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: '/' },
    decision: 'allow',
    policy_id: 'p1',
    bundle_version: 2,
    reason: 'allowed by policy `p1`',
    latency_ms: 0.5,
    bytes_in: 10,
    bytes_out: 20,
    status: 200,
    gateway_id: 'gw-1',
    schema_version: 1,
    ...overrides,
  };
}

describe('admin api: explain', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.call('POST', '/api/v1/agents', apiKeyAgent('a1'));
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    await h.call('POST', '/api/v1/policies/publish');
  });
  afterEach(async () => {
    await h.close();
  });

  const explain = (body: unknown) => h.call('POST', '/api/v1/decisions/explain', body);

  it('answers decision, policy_id and reason from the bundle in force', async () => {
    const cases: Array<[string, { method: string; url: string }, unknown]> = [
      ['an allowed destination', { method: 'GET', url: 'https://api.example.com/v1?q=1' }, { decision: 'allow', policy_id: 'p1', reason: 'allowed by policy `p1`' }],
      ['a destination no policy matches', { method: 'GET', url: 'https://evil.test/' }, { decision: 'deny', policy_id: 'default-deny', reason: 'no policy matches' }],
    ];
    for (const [name, request, expected] of cases) {
      const answer = await explain({ agent_id: 'a1', ...request });
      assert.deepEqual([answer.statusCode, answer.json()], [200, expected], name);
    }
  });

  it('explains CONNECT as a tunnel, by host and port only', async () => {
    await h.call('POST', '/api/v1/policies', { ...allowPolicy('p-get', ['tunnel.example.com']), match: { domains: ['tunnel.example.com'], methods: ['GET'] } });
    await h.call('POST', '/api/v1/policies/publish');
    for (const url of ['api.example.com:443', 'https://api.example.com/ignored']) {
      const answer = await explain({ agent_id: 'a1', method: 'CONNECT', url });
      assert.deepEqual(answer.json(), { decision: 'allow', policy_id: 'p1', reason: 'allowed by policy `p1`' }, url);
    }
    const restricted = await explain({ agent_id: 'a1', method: 'CONNECT', url: 'tunnel.example.com:443' });
    assert.deepEqual([restricted.json().decision, restricted.json().policy_id], ['deny', 'p-get']);
    const bad = await explain({ agent_id: 'a1', method: 'CONNECT', url: 'no-port' });
    assert.deepEqual([bad.statusCode, bad.json().field], [400, 'url']);
  });

  it('ignores a policy draft that is not published yet', async () => {
    await h.call('POST', '/api/v1/policies', allowPolicy('p2', ['evil.test']));
    const answer = await explain({ agent_id: 'a1', method: 'GET', url: 'https://evil.test/' });
    assert.equal(answer.json().policy_id, 'default-deny');
    await h.call('POST', '/api/v1/policies/publish');
    const after = await explain({ agent_id: 'a1', method: 'GET', url: 'https://evil.test/' });
    assert.equal(after.json().policy_id, 'p2');
  });

  it('denies a disabled agent before any policy', async () => {
    await h.call('PATCH', '/api/v1/agents/a1', { status: 'disabled' });
    const answer = await explain({ agent_id: 'a1', method: 'GET', url: 'https://api.example.com/' });
    assert.deepEqual(answer.json(), { decision: 'deny', policy_id: null, reason: 'agent `a1` is disabled' });
  });

  it('answers 404 for an unknown agent and 400 for a bad url or method', async () => {
    const unknown = await explain({ agent_id: 'nobody', method: 'GET', url: 'https://api.example.com/' });
    assert.deepEqual([unknown.statusCode, unknown.json().error], [404, 'agent `nobody` not found']);
    const badUrl = await explain({ agent_id: 'a1', method: 'GET', url: 'ftp://api.example.com/' });
    assert.deepEqual([badUrl.statusCode, badUrl.json().field], [400, 'url']);
    const badMethod = await explain({ agent_id: 'a1', method: 'G E T', url: 'https://api.example.com/' });
    assert.deepEqual([badMethod.statusCode, badMethod.json().field], [400, 'method']);
    const missing = await explain({ agent_id: 'a1', method: 'GET' });
    assert.deepEqual([missing.statusCode, missing.json().error], [400, 'body: missing required field `url`']);
  });
});

describe('admin api: audit', () => {
  let h: Harness;
  const minute = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
  beforeEach(async () => {
    h = await startHarness();
    const team = { ...auditEvent('x').identity!, agent_id: 'a2', team_id: 'team-b' };
    await h.control.appendAudit([
      auditEvent('r0', { timestamp: minute(0) }),
      auditEvent('r1', { timestamp: minute(1), identity: team, decision: 'deny', policy_id: 'default-deny' }),
      auditEvent('r2', { timestamp: minute(2), destination: { ...auditEvent('x').destination, host: 'evil.test' } }),
      auditEvent('r3', { timestamp: minute(3), identity: null, decision: 'unauthenticated', policy_id: null }),
      auditEvent('r4', { timestamp: minute(4), decision: 'rate_limited' }),
    ]);
  });
  afterEach(async () => {
    await h.close();
  });

  const ids = async (query: string): Promise<string[]> => {
    const answer = await h.call('GET', `/api/v1/audit${query}`);
    assert.equal(answer.statusCode, 200, `${query}: ${answer.body}`);
    return answer.json().items.map((e: AuditEvent) => e.request_id);
  };

  it('returns whole events, newest first', async () => {
    const answer = (await h.call('GET', '/api/v1/audit?limit=1')).json();
    assert.deepEqual(answer.items, [auditEvent('r4', { timestamp: minute(4), decision: 'rate_limited' })]);
    assert.equal(typeof answer.next_cursor, 'string');
  });

  it('filters by each field', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['no filter gives everything', '', ['r4', 'r3', 'r2', 'r1', 'r0']],
      ['agent_id', '?agent_id=a2', ['r1']],
      ['team_id', '?team_id=team-a', ['r4', 'r2', 'r0']],
      ['decision', '?decision=unauthenticated', ['r3']],
      ['policy_id', '?policy_id=default-deny', ['r1']],
      ['host, in any case', '?host=EVIL.test', ['r2']],
      ['since is inclusive and until exclusive', `?since=${minute(1)}&until=${minute(3)}`, ['r2', 'r1']],
      ['since with an offset', '?since=2026-01-01T02:03:00%2B02:00', ['r4', 'r3']],
      ['filters combine', '?team_id=team-a&decision=allow', ['r2', 'r0']],
    ];
    for (const [name, query, expected] of cases) assert.deepEqual(await ids(query), expected, name);
  });

  it('pages with the cursor, each event exactly once, while new events arrive', async () => {
    const seen: string[] = [];
    let query = '?limit=2';
    for (let round = 0; round < 10; round++) {
      const page = (await h.call('GET', `/api/v1/audit${query}`)).json();
      seen.push(...page.items.map((e: AuditEvent) => e.request_id));
      await h.control.appendAudit([auditEvent(`late-${round}`)]);
      if (page.next_cursor === null) break;
      query = `?limit=2&cursor=${page.next_cursor}`;
    }
    assert.deepEqual(seen, ['r4', 'r3', 'r2', 'r1', 'r0']);
  });

  it('stores a retried batch once', async () => {
    assert.equal(await h.control.appendAudit([auditEvent('r0'), auditEvent('r5')]), 1);
    assert.equal((await ids('?limit=1000')).length, 6);
  });

  it('rejects bad filters with 400 naming the parameter', async () => {
    const cases: Array<[string, string, string]> = [
      ['an unknown decision', '?decision=maybe', 'decision'],
      ['a time that is not rfc 3339', '?since=yesterday', 'since'],
      ['a date without a time', '?until=2026-01-01', 'until'],
      ['a limit over 1000', '?limit=1001', 'limit'],
      ['a limit that is not a number', '?limit=ten', 'limit'],
      ['a cursor we did not make', '?cursor=bm9wZQ', 'cursor'],
      ['an unknown parameter', '?agent=a1', 'agent'],
    ];
    for (const [name, query, field] of cases) {
      const answer = await h.call('GET', `/api/v1/audit${query}`);
      assert.deepEqual([answer.statusCode, answer.json().field], [400, field], name);
    }
  });
});
