// The quota backend goes away mid-test: a Redis started here (never the shared one on 6379)
// is stopped; hard_stop agents get the configured fail mode within the timeout, and the
// gateway recovers by itself when Redis is back on the same port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { burst } from '../helpers/burst.js';
import { eventually, freePort } from '../helpers/wait.js';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

let origin: Origin;
let redisPort: number;
let redis: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(redisPort, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = null;
  if (child === null || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

before(async () => {
  origin = await startHttpOrigin();
  redisPort = await freePort();
  await startRedis();
});

after(async () => {
  await stopRedis();
  await origin.close();
});

async function node(failMode: 'fail_closed' | 'fail_open'): Promise<{ serve: ServeProcess; key: string }> {
  const serve = await startServe({
    args: ['--allow-internal', '127.0.0.1/32', '--workers', '2', '--quota-backend', `redis://127.0.0.1:${redisPort}`, '--quota-timeout', '100ms', '--quota-fail-mode', failMode],
  });
  const key = await createKeyAgent(serve, 'agent-r');
  assert.equal((await serve.api('PUT', '/quotas/agent-r', { rps_limit: 1000, rpm_limit: 100000, mode: 'hard_stop' })).status, 200);
  await publishPolicies(serve, [{ policy_id: 'allow', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
  return { serve, key };
}

async function statuses(serve: ServeProcess, key: string, count = 4): Promise<number[]> {
  return (await burst({ proxyPort: serve.proxyPort, auth: `agent-r:${key}`, url: `http://127.0.0.1:${origin.port}/o`, count })).statuses;
}

test('fail_closed: Redis down → 429 naming the backend; Redis back → requests pass again, no restart', async () => {
  const { serve, key } = await node('fail_closed');
  try {
    assert.deepEqual(await statuses(serve, key), [200, 200, 200, 200]);
    await stopRedis();
    const started = Date.now();
    assert.deepEqual(await statuses(serve, key), [429, 429, 429, 429]);
    assert.ok(Date.now() - started < 2_000, 'refused within the timeout, not after a long hang');
    // Audit events are written after the answers (batched): wait for the eighth.
    const refused = (await serve.waitForAudit(8)).filter((e) => e.decision === 'rate_limited').at(-1);
    assert.match(refused?.reason ?? '', /^rate limit backend unavailable: .* \(fail_closed\)$/);
    await startRedis();
    await eventually('requests pass again', async () => (await statuses(serve, key)).every((s) => s === 200), 10_000, 100);
  } finally {
    await serve.stop();
  }
});

test('fail_open: Redis down → requests pass, marked in the audit event', async () => {
  const { serve, key } = await node('fail_open');
  try {
    await stopRedis();
    assert.deepEqual(await statuses(serve, key), [200, 200, 200, 200]);
    const events = await serve.waitForAudit(4);
    assert.ok(events.every((e) => e.decision === 'allow' && /: rate limit backend unavailable: /.test(e.reason)));
  } finally {
    await serve.stop();
    await startRedis();
  }
});
