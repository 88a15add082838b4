// One control plane and two gateways as separate processes, talking mTLS: publishes reach
// both, the control plane dies and they keep enforcing, a gateway restarted meanwhile starts
// from its disk bundle, and when the control plane returns, publishes and buffered audit arrive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, ProxyAgent, request } from 'undici';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { eventually } from '../helpers/wait.js';
import {
  freePort, makeSplitPki, startControlPlane, startGateway,
  type ControlPlaneProcess, type GatewayProcess, type SplitPki,
} from '../helpers/split.js';

let pki: SplitPki;
let origin: Origin;
let cp: ControlPlaneProcess;
let ports: { admin: number; api: number };
const cpDataDir = mkdtempSync(join(tmpdir(), 'clawgress-cp-'));
const gateways: Record<string, GatewayProcess> = {};
const gatewayPorts: Record<string, { proxy: number; health: number; dataDir: string; workers: number }> = {};
let key: string;

const startCp = () => startControlPlane({ pki, dataDir: cpDataDir, adminPort: ports.admin, gatewayApiPort: ports.api });
const startGw = (name: string) => {
  const p = gatewayPorts[name]!;
  return startGateway({ name, pki, controlPlane: { url: cp.url, dataDir: cpDataDir }, dataDir: p.dataDir, proxyPort: p.proxy, healthPort: p.health, workers: p.workers });
};

async function through(gw: GatewayProcess, method: string, path: string): Promise<number> {
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: `http://agent-s:${key}@127.0.0.1:${gw.proxyPort}` });
  try {
    const res = await request(`http://127.0.0.1:${origin.port}${path}`, { method, dispatcher });
    await res.body.dump();
    return res.statusCode;
  } finally {
    await dispatcher.close();
  }
}

async function readiness(gw: GatewayProcess): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.healthUrl}/readyz`);
  return { status: res.status, body: await res.json() };
}

async function storedPaths(prefix: string): Promise<string[]> {
  const res = await cp.api('GET', '/audit?limit=1000');
  return (res.body.items as { destination: { path: string } }[]).map((e) => e.destination.path).filter((p) => p.startsWith(prefix));
}

async function publish(policy: Record<string, unknown>): Promise<number> {
  assert.equal((await cp.api('POST', '/policies', policy)).status, 201);
  const published = await cp.api('POST', '/policies/publish');
  assert.equal(published.status, 200);
  return published.body.version as number;
}

before(async () => {
  pki = await makeSplitPki(['gw-1', 'gw-2']);
  origin = await startHttpOrigin();
  ports = { admin: await freePort(), api: await freePort() };
  cp = await startCp();
  const agent = await cp.api('POST', '/agents', { agent_id: 'agent-s', team_id: 't', project_id: 'p', environment: 'e', auth_type: 'api_key' });
  key = agent.body.api_key;
  await publish({ policy_id: 'allow-get', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'], methods: ['GET'] } });
  for (const [name, workers] of [['gw-1', 1], ['gw-2', 2]] as const) {
    gatewayPorts[name] = { proxy: await freePort(), health: await freePort(), dataDir: mkdtempSync(join(tmpdir(), `clawgress-${name}-`)), workers };
    gateways[name] = await startGw(name);
  }
  for (const gw of Object.values(gateways)) await eventually(`${gw.name} ready`, async () => (await readiness(gw)).status === 200, 10_000);
});

after(async () => {
  await Promise.all(Object.values(gateways).map((gw) => gw.stop()));
  await cp.stop();
  await origin.close();
  for (const dir of [cpDataDir, pki.dir, ...Object.values(gatewayPorts).map((p) => p.dataDir)]) rmSync(dir, { recursive: true, force: true });
});

test('a publish reaches both gateways within 2 s', async () => {
  for (const gw of Object.values(gateways)) assert.equal(await through(gw, 'GET', '/secret/x'), 200);
  await publish({ policy_id: 'deny-secret', action: 'deny', priority: 10, match: { path_prefixes: ['/secret'] } });
  for (const gw of Object.values(gateways)) {
    const took = await eventually(`${gw.name} enforces the new policy`, async () => (await through(gw, 'GET', '/secret/x')) === 403, 2_000);
    assert.ok(took < 2_000);
  }
});

test('gateways send their audit events to the control plane, each stored once under its own name', async () => {
  for (const gw of Object.values(gateways)) for (let i = 0; i < 5; i++) assert.equal(await through(gw, 'GET', `/shipped/${gw.name}/${i}`), 200);
  await eventually('10 events stored', async () => (await storedPaths('/shipped/')).length >= 10, 10_000);
  await new Promise((r) => setTimeout(r, 300));
  const stored = await cp.api('GET', '/audit?limit=1000');
  const shipped = (stored.body.items as { destination: { path: string }; gateway_id: string }[]).filter((e) => e.destination.path.startsWith('/shipped/'));
  assert.equal(shipped.length, 10);
  for (const event of shipped) assert.ok(event.destination.path.startsWith(`/shipped/${event.gateway_id}/`));
});

test('the gateway API refuses a TLS client without a certificate or with one from another CA', async () => {
  const attempt = async (connect: Record<string, string>): Promise<number | string> => {
    const dispatcher = new Agent({ connect: { ca: pki.ca.certPem, ...connect } });
    try {
      const res = await request(`${cp.url}/api/v1/bundles/current`, { dispatcher });
      await res.body.dump();
      return res.statusCode;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code ?? 'error';
    } finally {
      await dispatcher.close();
    }
  };
  const files = (name: string) => ({ cert: readFileSync(pki.certFiles(name).cert, 'utf8'), key: readFileSync(pki.certFiles(name).key, 'utf8') });
  assert.equal(typeof (await attempt({})), 'string', 'no client certificate: no answer at all');
  assert.equal(typeof (await attempt(files('intruder'))), 'string', 'a certificate from another CA: no answer at all');
  assert.equal(await attempt(files('gw-1')), 200, 'a gateway certificate from the CA: the bundle');
});

test('a gateway may send audit events only under its own name', async () => {
  const files = { cert: readFileSync(pki.certFiles('gw-1').cert, 'utf8'), key: readFileSync(pki.certFiles('gw-1').key, 'utf8') };
  const dispatcher = new Agent({ connect: { ca: pki.ca.certPem, ...files } });
  const event = { request_id: 'forged-1', timestamp: new Date().toISOString(), gateway_id: 'gw-2', decision: 'allow', schema_version: 1 };
  const res = await request(`${cp.url}/api/v1/audit/intake`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [event] }) });
  assert.equal(res.statusCode, 403);
  assert.match(((await res.body.json()) as { error: string }).error, /gateway `gw-1` may not send events of gateway `gw-2`/);
  await dispatcher.close();
});

test('control plane down: both gateways keep enforcing; one restarted meanwhile enforces its disk bundle; back up: publishes and buffered audit arrive', async () => {
  await cp.stop('SIGKILL');
  for (const gw of Object.values(gateways)) {
    assert.equal(await through(gw, 'GET', `/outage/${gw.name}/1`), 200);
    assert.equal(await through(gw, 'GET', '/secret/y'), 403);
    assert.equal(await through(gw, 'POST', '/x'), 403);
  }
  await eventually('gw-2 notices the outage', async () => /unreachable/.test(JSON.stringify((await readiness(gateways['gw-2']!)).body)), 10_000);
  assert.equal((await readiness(gateways['gw-2']!)).status, 200, 'still ready: it has a verified bundle');

  await gateways['gw-1']!.stop();
  gateways['gw-1'] = await startGw('gw-1');
  assert.match(gateways['gw-1'].stderr(), /enforcing the cached bundle version \d+/);
  assert.equal((await readiness(gateways['gw-1'])).status, 200);
  assert.equal(await through(gateways['gw-1'], 'GET', '/secret/z'), 403, 'the restarted gateway enforces the disk bundle');
  assert.equal(await through(gateways['gw-1'], 'GET', '/outage/gw-1/2'), 200);

  cp = await startCp();
  await publish({ policy_id: 'deny-later', action: 'deny', priority: 10, match: { path_prefixes: ['/later'] } });
  for (const gw of Object.values(gateways)) {
    await eventually(`${gw.name} gets the publish after the outage`, async () => (await through(gw, 'GET', '/later')) === 403, 10_000);
  }
  // gw-2 was never restarted: what it buffered during the outage arrives, exactly once.
  await eventually('buffered events delivered', async () => (await storedPaths('/outage/gw-2/')).length >= 1, 10_000);
  await eventually('the restarted gateway\'s events delivered', async () => (await storedPaths('/outage/gw-1/2')).length >= 1, 10_000);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await storedPaths('/outage/gw-2/'), ['/outage/gw-2/1']);
});

test('a tampered bundle on disk is refused, logged and counted, and the gateway takes the control plane\'s', async () => {
  const gw = gateways['gw-2']!;
  await gw.stop();
  const path = join(gatewayPorts['gw-2']!.dataDir, 'bundle.json');
  const bundle = JSON.parse(readFileSync(path, 'utf8'));
  bundle.content.policies = bundle.content.policies.map((p: { action: string }) => ({ ...p, action: 'allow' }));
  writeFileSync(path, JSON.stringify(bundle));
  gateways['gw-2'] = await startGw('gw-2');
  const restarted = gateways['gw-2'];
  assert.match(restarted.stderr(), /policy bundle refused: .*content hash/);
  const metrics = await (await fetch(`${restarted.healthUrl}/metrics`)).text();
  assert.match(metrics, /clawgress_bundle_rejected_total\{reason="hash"\} 1/);
  await eventually('gw-2 ready with the control plane\'s bundle', async () => (await readiness(restarted)).status === 200, 10_000);
  assert.equal(await through(restarted, 'GET', '/secret/w'), 403, 'the tampered allow-everything bundle was never applied');
});

test('a gateway with no bundle yet (control plane unreachable, empty disk) is alive but not ready', async () => {
  const emptyDir = mkdtempSync(join(tmpdir(), 'clawgress-empty-'));
  const gw = await startGateway({
    name: 'gw-1',
    pki,
    controlPlane: { url: `https://127.0.0.1:${await freePort()}`, dataDir: cpDataDir },
    dataDir: emptyDir,
    proxyPort: await freePort(),
    healthPort: await freePort(),
  });
  try {
    assert.equal((await fetch(`${gw.healthUrl}/healthz`)).status, 200);
    const ready = await readiness(gw);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.checks.policy_bundle, 'no verified policy bundle yet');
    assert.equal(await through(gw, 'GET', '/nothing'), 503, 'no bundle, no enforcement decision: refused');
  } finally {
    await gw.stop();
    rmSync(emptyDir, { recursive: true, force: true });
  }
});

test('each gateway seals its events into its own chain; the control plane\'s store verifies with the gateways\' keys', async () => {
  for (const gw of Object.values(gateways)) assert.equal(await through(gw, 'GET', `/sealed/${gw.name}`), 200);
  await eventually('sealed events stored', async () => (await storedPaths('/sealed/')).length >= 2, 10_000);
  const stored = await cp.api('GET', '/audit?limit=5');
  for (const event of stored.body.items as { hash?: string; prev_hash?: string }[]) {
    assert.match(event.hash ?? '', /^[0-9a-f]{64}$|^sha256:[0-9a-f]{64}$/, 'every stored event carries its chain hash');
  }
  // The control plane must not be writing while the store is read: stop it, then verify.
  await cp.stop();
  const keys = Object.keys(gatewayPorts).flatMap((name) => ['--public-key', join(gatewayPorts[name]!.dataDir, 'audit-signing-key.pub.pem')]);
  const { execFile } = await import('node:child_process');
  const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, [join(import.meta.dirname, '../../bin/clawgress'), 'audit', 'verify', '--data-dir', cpDataDir, '--sink', 'control_plane', ...keys], (error, stdout, stderr) => {
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, out: stdout + stderr });
    });
  });
  assert.equal(result.code, 0, result.out);
  cp = await startCp();
});
