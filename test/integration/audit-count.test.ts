// Exactly one audit event per decision: the number of events equals the number of requests,
// read back both from stdout (JSON lines) and through the admin API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyAgent, request } from 'undici';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

let serve: ServeProcess;
let origin: Origin;
let key: string;
let offKey: string;

before(async () => {
  origin = await startHttpOrigin();
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32'] });
  key = await createKeyAgent(serve, 'agent-audit');
  offKey = await createKeyAgent(serve, 'agent-off', { status: 'disabled' });
  await publishPolicies(serve, [{ policy_id: 'allow-get', action: 'allow', priority: 5, match: { domains: ['127.0.0.1'], methods: ['GET'] } }]);
});

after(async () => {
  await serve.stop();
  await origin.close();
});

async function send(auth: string | null, method: string, path: string): Promise<number> {
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: `http://127.0.0.1:${serve.proxyPort}`, ...(auth === null ? {} : { token: `Basic ${Buffer.from(auth).toString('base64')}` }) });
  try {
    const res = await request(`http://127.0.0.1:${origin.port}${path}`, { method, dispatcher });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0; // undici surfaces a 407 on its proxy connection as an error
  } finally {
    await dispatcher.close();
  }
}

test('every request gives exactly one event, in stdout and in the store, with every field', async () => {
  const mix: [string | null, string, string][] = [];
  for (let i = 0; i < 30; i++) mix.push([`agent-audit:${key}`, 'GET', `/ok/${i}`]);
  for (let i = 0; i < 10; i++) mix.push([`agent-audit:${key}`, 'POST', `/denied/${i}`]);
  for (let i = 0; i < 5; i++) mix.push([null, 'GET', `/anon/${i}`]);
  for (let i = 0; i < 5; i++) mix.push([`agent-audit:wrong-${i}`, 'GET', `/badkey/${i}`]);
  await Promise.all(mix.map(([auth, method, path]) => send(auth, method, path)));
  const before = serve.audit().length;
  const events = await serve.waitForAudit(mix.length);
  // A moment longer: any duplicate would arrive now.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(serve.audit().length, mix.length, `events before settle: ${before}`);
  const ids = new Set(events.map((e) => e.request_id));
  assert.equal(ids.size, mix.length, 'request ids are unique');
  const count = (d: string): number => serve.audit().filter((e) => e.decision === d).length;
  assert.deepEqual({ allow: count('allow'), deny: count('deny'), unauthenticated: count('unauthenticated') }, { allow: 30, deny: 10, unauthenticated: 10 });
  const allowed = serve.audit().find((e) => e.decision === 'allow');
  assert.deepEqual(Object.keys(allowed ?? {}).sort(), [
    'bundle_version', 'bytes_in', 'bytes_out', 'decision', 'destination', 'gateway_id', 'hash', 'identity', 'latency_ms',
    'policy_id', 'prev_hash', 'reason', 'request_id', 'schema_version', 'status', 'timestamp',
  ]);
  assert.equal(allowed?.schema_version, 2);
  assert.match(allowed?.hash ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.equal(allowed?.status, 200);
  assert.equal(allowed?.identity?.agent_id, 'agent-audit');
  assert.match(allowed?.timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  // The store holds the same events: page through the admin API with a small limit.
  const stored: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await serve.api('GET', `/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.status, 200);
    stored.push(...page.body.items.map((e: { request_id: string }) => e.request_id));
    cursor = page.body.next_cursor;
  } while (cursor !== null);
  assert.equal(stored.length, mix.length);
  assert.deepEqual(new Set(stored), ids);
});

test('a disabled agent is refused with 403 and its event names it', async () => {
  const status = await send(`agent-off:${offKey}`, 'GET', '/disabled');
  assert.equal(status, 403);
  const events = await serve.waitForAudit(51);
  const event = events.find((e) => e.destination.path === '/disabled');
  assert.equal(event?.decision, 'deny');
  assert.equal(event?.reason, 'agent `agent-off` is disabled');
});

test('audit filters: by decision and by agent', async () => {
  const denied = await serve.api('GET', '/audit?decision=unauthenticated&limit=100');
  assert.equal(denied.body.items.length, 10);
  const byAgent = await serve.api('GET', '/audit?agent_id=agent-audit&decision=deny&limit=100');
  assert.equal(byAgent.body.items.length, 10);
  assert.ok(byAgent.body.items.every((e: any) => e.policy_id === 'default-deny'));
});
