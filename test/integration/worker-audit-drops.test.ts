// A worker's hand-off queue to the primary that overflows is not only counted: the worker
// logs it and tells the primary, whose /readyz `audit` check then says the trail is degraded
// (still 200: enforcement goes on) and whose clawgress_audit_degraded gauge names `workers`.
// A one-event queue makes every worker drop under a few concurrent requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { metric, readyz } from '../helpers/audit.js';
import { sendMany } from '../helpers/load.js';
import { createKeyAgent, startServe, type ServeProcess } from '../helpers/serve.js';
import { eventually } from '../helpers/wait.js';

let serve: ServeProcess;
let auth: string;

before(async () => {
  serve = await startServe({ args: ['--workers', '2', '--audit-queue-size', '1'] });
  auth = `drops:${await createKeyAgent(serve, 'drops')}`;
});

after(async () => {
  await serve.stop();
});

test('drops at a worker\'s hand-off are counted, logged by the worker, and make the node\'s /readyz say degraded', async () => {
  assert.equal((await readyz(serve)).body.checks.audit, 'ok');
  const load = await sendMany({ proxyPort: serve.proxyPort, auths: [auth], url: (i) => `http://denied.example/${i}`, total: 300, concurrency: 16 });
  assert.deepEqual(Object.fromEntries(load.statuses), { 403: 300 }, 'every request is answered');
  await eventually('a worker\'s drops counted', async () => (await metric(serve, 'clawgress_audit_dropped_total', 'sink="primary"')) > 0, 10_000);
  await eventually('/readyz names the workers\' hand-off', async () => /sink `workers` dropped \d+ events/.test((await readyz(serve)).body.checks.audit), 10_000);
  const ready = await readyz(serve);
  assert.equal(ready.status, 200, 'dropping audit events does not take the gateway out of service');
  assert.match(await (await fetch(`${serve.adminUrl}/metrics`)).text(), /clawgress_audit_degraded\{sink="workers"\} 1/);
  await eventually('the worker logged its drops', async () => /"where":"worker".*audit events dropped|audit events dropped.*"where":"worker"/.test(serve.stderr()), 10_000);
});
