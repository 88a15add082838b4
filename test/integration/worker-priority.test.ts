// Workers run at the primary's priority while the node's audit keeps up, nicer while it falls
// behind, and at its priority again once the backlog has cleared (cli/worker-priority.ts). An
// audit queue of 8 events makes a burst of 100 requests a backlog, with drops (counted) in the
// workers' hand-off and in the primary; the node's start checkpoint alone (1 of 8) is not one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { burst } from '../helpers/burst.js';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { childPids } from '../helpers/process.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';
import { eventually } from '../helpers/wait.js';
import { RECOVER_MS, WORKER_NICENESS } from '../../src/cli/worker-priority.js';

let origin: Origin;
let serve: ServeProcess;
let key: string;

before(async () => {
  origin = await startHttpOrigin();
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32', '--workers', '2', '--audit-queue-size', '8'] });
  key = await createKeyAgent(serve, 'busy');
  await publishPolicies(serve, [{ policy_id: 'allow-origin', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
});

after(async () => {
  await serve.stop();
  await origin.close();
});

function workerNiceness(): number[] {
  const pids = childPids(serve.child.pid as number);
  assert.equal(pids.length, 2);
  return pids.map((pid) => getPriority(pid));
}

test('workers yield to the primary while its audit falls behind, and come back after', async () => {
  const primary = getPriority(serve.child.pid as number);
  // Waited for, not read once: a yield while the node started would clear within RECOVER_MS.
  await eventually('at rest, both workers have the primary\'s priority', async () => workerNiceness().every((n) => n === primary), RECOVER_MS + 5_000, 100);

  const result = await burst({ proxyPort: serve.proxyPort, auth: `busy:${key}`, url: `http://127.0.0.1:${origin.port}/`, count: 100 });
  assert.deepEqual(new Set(result.statuses), new Set([200]));
  const nicer = Math.min(19, primary + WORKER_NICENESS);
  await eventually('both workers run nicer than the primary', async () => workerNiceness().every((n) => n === nicer), 5_000, 20);

  // Raising a priority back needs CAP_SYS_NICE (root has it) or RLIMIT_NICE.
  if (process.getuid?.() === 0) {
    await eventually('both workers are back at the primary\'s priority', async () => workerNiceness().every((n) => n === primary), RECOVER_MS + 5_000, 100);
  } else {
    await eventually('the node says the workers stay nicer', async () => /CAP_SYS_NICE or RLIMIT_NICE/.test(serve.stderr()), RECOVER_MS + 5_000, 100);
  }
  const metrics = await fetch(`${serve.adminUrl}/metrics`).then((res) => res.text());
  assert.match(metrics, /^clawgress_audit_dropped_total\{[^}]*\} [1-9]/m, 'the lost events are counted');
});
