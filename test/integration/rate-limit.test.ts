// Per-agent rate limits through real gateway processes: across two workers of one node
// (in-process counters in the primary) and across two nodes sharing the real Redis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { allowedBound, burst } from '../helpers/burst.js';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

let origin: Origin;
let serve: ServeProcess;
const keys: Record<string, string> = {};

async function setUp(node: ServeProcess, agents: Record<string, { rps_limit: number; rpm_limit: number; mode: string } | null>): Promise<Record<string, string>> {
  const made: Record<string, string> = {};
  for (const [id, quota] of Object.entries(agents)) {
    made[id] = await createKeyAgent(node, id);
    if (quota) assert.equal((await node.api('PUT', `/quotas/${id}`, quota)).status, 200);
  }
  await publishPolicies(node, [{ policy_id: 'allow-origin', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
  return made;
}

before(async () => {
  origin = await startHttpOrigin();
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32', '--workers', '2'] });
  Object.assign(keys, await setUp(serve, {
    limited: { rps_limit: 10, rpm_limit: 1000, mode: 'hard_stop' },
    free: null,
    watched: { rps_limit: 5, rpm_limit: 1000, mode: 'alert_only' },
  }));
});

after(async () => {
  await serve.stop();
  await origin.close();
});

test('200 simultaneous requests, rps_limit 10, two workers: at most 10 per second, the rest 429 with Retry-After', async () => {
  const other = burst({ proxyPort: serve.proxyPort, auth: `free:${keys['free']}`, url: `http://127.0.0.1:${origin.port}/free`, count: 50 });
  const res = await burst({ proxyPort: serve.proxyPort, auth: `limited:${keys['limited']}`, url: `http://127.0.0.1:${origin.port}/x`, count: 200 });
  const allowed = res.statuses.filter((s) => s === 200).length;
  const bound = allowedBound(10, res.spanMs);
  if (bound.exact) assert.equal(allowed, 10, `span ${res.spanMs} ms`);
  else assert.ok(allowed >= 10 && allowed <= bound.max, `${allowed} allowed over ${res.spanMs} ms`);
  assert.equal(res.statuses.filter((s) => s === 429).length, 200 - allowed);
  assert.ok(res.retryAfter.every((value, i) => res.statuses[i] !== 429 || /^[1-9]\d*$/.test(value ?? '')), 'every 429 has Retry-After in whole seconds');
  assert.ok((await other).statuses.every((s) => s === 200), 'an agent without a quota is unaffected');
  const limitedEvents = (await serve.waitForAudit(250)).filter((e) => e.identity?.agent_id === 'limited');
  assert.equal(limitedEvents.filter((e) => e.decision === 'rate_limited').length, 200 - allowed);
  assert.equal(limitedEvents.find((e) => e.decision === 'rate_limited')?.reason, 'rate limit rps_limit 10 exceeded for agent `limited`');
});

test('alert_only: every request passes and the events over the limit are marked', async () => {
  const before = serve.audit().length;
  const res = await burst({ proxyPort: serve.proxyPort, auth: `watched:${keys['watched']}`, url: `http://127.0.0.1:${origin.port}/w`, count: 30 });
  assert.ok(res.statuses.every((s) => s === 200));
  const events = (await serve.waitForAudit(before + 30)).slice(before).filter((e) => e.identity?.agent_id === 'watched');
  const marked = events.filter((e) => e.reason.endsWith('rps_limit 5 exceeded for agent `watched` (alert_only)'));
  assert.ok(marked.length >= 30 - allowedBound(5, res.spanMs).max, `${marked.length} marked`);
  assert.ok(events.every((e) => e.decision === 'allow'));
  const metrics = await (await fetch(`${serve.adminUrl}/metrics`)).text();
  assert.match(metrics, /clawgress_quota_exceeded_total\{mode="alert_only"\} [1-9]/);
  const alertLines = serve.stderr().split('\n').filter((l) => l.includes('rate limit alert') && l.includes('watched'));
  const windows = Math.ceil(res.spanMs / 1_000) + 1;
  assert.ok(alertLines.length >= 1 && alertLines.length <= windows, `alert lines: ${alertLines.length} over ${res.spanMs} ms (one per agent per window, across both workers)`);
});

test('a quota change takes effect at once, without a publish', async () => {
  assert.equal((await serve.api('PUT', '/quotas/free', { rps_limit: 1, rpm_limit: 1, mode: 'hard_stop' })).status, 200);
  const res = await burst({ proxyPort: serve.proxyPort, auth: `free:${keys['free']}`, url: `http://127.0.0.1:${origin.port}/f`, count: 5 });
  assert.equal(res.statuses.filter((s) => s === 200).length, 1);
  assert.equal((await serve.api('DELETE', '/quotas/free')).status, 204);
});

test('two gateway nodes sharing Redis: the limit holds for the sum', async () => {
  const agent = `shared-${randomUUID().slice(0, 8)}`; // keys in the shared Redis are this run's only
  // A generous timeout: this test is about the shared bound, not the fail mode (redis-outage.test.ts).
  const args = ['--allow-internal', '127.0.0.1/32', '--workers', '2', '--quota-backend', 'redis://127.0.0.1:6379/0', '--quota-timeout', '5s'];
  const nodes = await Promise.all([startServe({ args }), startServe({ args })]);
  try {
    const nodeKeys = await Promise.all(nodes.map((node) => setUp(node, { [agent]: { rps_limit: 10, rpm_limit: 1000, mode: 'hard_stop' } })));
    const results = await Promise.all(nodes.map((node, i) =>
      burst({ proxyPort: node.proxyPort, auth: `${agent}:${nodeKeys[i]![agent]}`, url: `http://127.0.0.1:${origin.port}/r`, count: 100 })));
    const allowed = results.flatMap((r) => r.statuses).filter((s) => s === 200).length;
    const refusals = nodes.flatMap((node) => node.audit()).filter((e) => e.decision === 'rate_limited');
    assert.ok(refusals.every((e) => e.reason === `rate limit rps_limit 10 exceeded for agent \`${agent}\``), 'refused by the limit, not by the backend');
    const bound = allowedBound(10, Math.max(...results.map((r) => r.spanMs)));
    if (bound.exact) assert.equal(allowed, 10);
    else assert.ok(allowed >= 10 && allowed <= bound.max, `${allowed} allowed`);
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
});
