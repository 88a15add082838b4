// clawgress_requests_total through `serve` with two workers: each worker counts its requests
// on the request path and hands the counts to the counter when it is read, so the admin port's
// /metrics (the primary's sum over the workers) shows every request, by decision, exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'undici';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

let origin: Origin;
let serve: ServeProcess;
let auth: string;

before(async () => {
  origin = await startHttpOrigin();
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32', '--workers', '2'] });
  auth = `Basic ${Buffer.from(`counted:${await createKeyAgent(serve, 'counted')}`).toString('base64')}`;
  await publishPolicies(serve, [{ policy_id: 'allow-get', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'], methods: ['GET'] } }]);
});

after(async () => {
  await serve.stop();
  await origin.close();
});

/** One request on a connection of its own, so the kernel spreads them over both workers. */
async function send(method: string, headers: Record<string, string>): Promise<number> {
  const client = new Client(`http://127.0.0.1:${serve.proxyPort}`);
  try {
    const res = await client.request({ method, path: `http://127.0.0.1:${origin.port}/`, headers: { host: `127.0.0.1:${origin.port}`, ...headers } });
    await res.body.dump();
    return res.statusCode;
  } finally {
    await client.close();
  }
}

async function requestCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${serve.adminUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, decision, value] of text.matchAll(/^clawgress_requests_total\{decision="([a-z_]+)"\} (\d+)$/gm)) counts[decision as string] = Number(value);
  return counts;
}

test('every request is counted once by its decision, across both workers and repeated reads', async () => {
  const statuses = await Promise.all([
    ...Array.from({ length: 24 }, () => send('GET', { 'proxy-authorization': auth })),
    ...Array.from({ length: 5 }, () => send('POST', { 'proxy-authorization': auth })),
    ...Array.from({ length: 3 }, () => send('GET', {})),
  ]);
  assert.deepEqual(
    [statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 403).length, statuses.filter((s) => s === 407).length],
    [24, 5, 3],
  );
  const expected = { allow: 24, deny: 5, rate_limited: 0, unauthenticated: 3 };
  assert.deepEqual(await requestCounts(), expected);
  assert.deepEqual(await requestCounts(), expected, 'a second read counts nothing again');
  assert.equal(await send('GET', { 'proxy-authorization': auth }), 200);
  assert.deepEqual(await requestCounts(), { ...expected, allow: 25 });
});
