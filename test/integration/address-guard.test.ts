// Internal-address protection through the real process: the guard checks the address it
// dials, so internal destinations are refused and never dialled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

let serve: ServeProcess;
let opened: Origin; // on 127.0.0.2, inside --allow-internal
let closed: Origin; // on 127.0.0.1, NOT inside --allow-internal
let closedV6: Origin; // on ::1
let key: string;

before(async () => {
  opened = await startHttpOrigin('127.0.0.2');
  closed = await startHttpOrigin('127.0.0.1');
  closedV6 = await startHttpOrigin('::1');
  serve = await startServe({ args: ['--allow-internal', '127.0.0.2/32'] });
  key = await createKeyAgent(serve, 'agent-guard');
  // Policy allows every host here: only the address guard stands between agent and target.
  await publishPolicies(serve, [{ policy_id: 'allow-all', action: 'allow', priority: 1, match: { agents: ['agent-guard'] } }]);
});

after(async () => {
  await serve.stop();
  await Promise.all([opened.close(), closed.close(), closedV6.close()]);
});

async function viaProxy(url: string): Promise<{ status: number; body: any }> {
  const { ProxyAgent, request } = await import('undici');
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: serve.proxyUrl('agent-guard', key) });
  try {
    const res = await request(url, { dispatcher });
    const text = await res.body.text();
    return { status: res.statusCode, body: text.startsWith('{') ? JSON.parse(text) : text };
  } finally {
    await dispatcher.close();
  }
}

test('an address inside --allow-internal is reached when policy allows it', async () => {
  const res = await viaProxy(`http://127.0.0.2:${opened.port}/in`);
  assert.equal(res.status, 200);
});

const refused: [string, (port: number) => string, string][] = [
  ['another loopback address outside the allowed range', (p) => `http://127.0.0.1:${p}/x`, 'destination `127.0.0.1` is an internal address'],
  ['a name that resolves to a loopback address', (p) => `http://localhost:${p}/x`, 'destination `localhost` resolves to internal address `127.0.0.1`'],
  ['the IPv6 loopback', (p) => `http://[::1]:${p}/x`, 'destination `::1` is an internal address'],
  ['an IPv4-mapped IPv6 spelling of loopback', (p) => `http://[::ffff:127.0.0.1]:${p}/x`, 'destination `::ffff:7f00:1` is an internal address'],
];

for (const [name, url, reason] of refused) {
  test(`${name}: 403 and never dialled`, async () => {
    const before = closed.connections + closedV6.connections;
    const res = await viaProxy(url(closed.port));
    assert.equal(res.status, 403);
    assert.equal(res.body.decision, 'deny');
    assert.equal(res.body.error, reason);
    assert.equal(closed.connections + closedV6.connections, before, 'the internal origin saw no connection');
  });
}

test('cloud metadata address: 403', async () => {
  const res = await viaProxy('http://169.254.169.254/latest/meta-data/');
  assert.equal(res.status, 403);
  assert.equal(res.body.error, 'destination `169.254.169.254` is an internal address');
});
