// Everything a run measures against, started in order: the origin, squid (optional) and
// clawgress serve with the generated bundle; then every target is probed.

import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBundle, loadAgents, BENCH_AGENT } from './bundle-generator.js';
import { setUpBundle, startClawgress } from './clawgress.js';
import type { BenchOptions } from './options.js';
import { startOrigin } from './origin.js';
import { type ProcessGroup, pickFreePort } from './processes.js';
import { startSquid } from './squid.js';
import { basicAuthorization, probe, requestLineFor, type Target } from './targets.js';
import { commandExists } from './tools.js';

export const BUNDLE_SHAPE = { agents: 1_000, policies: 500 };

export interface Environment {
  readonly targets: readonly Target[];
  readonly originPort: number;
  readonly originKind: string;
  readonly auditFile: string;
  /** Proxy-Authorization values of the load agents, one per line (many-agents level); null: no such level. */
  readonly manyAgentsAuthFile: string | null;
  /** clawgress serve's /metrics (its audit drop counter is read at the end). */
  readonly metricsUrl: string;
}

export interface EnvironmentSetup {
  readonly options: BenchOptions;
  readonly group: ProcessGroup;
  readonly tmpDir: string;
  readonly outDir: string;
  readonly fdLimit: number;
  readonly log: (line: string) => void;
}

export function makeTmpDir(): string {
  const dir = mkdtempSync('/tmp/clawgress-bench-');
  // nginx's worker and squid drop root: they must be able to enter the dir
  chmodSync(dir, 0o755);
  return dir;
}

export function squidWanted(options: BenchOptions): boolean {
  if (options.squid === false) return false;
  const installed = commandExists('squid');
  if (options.squid === true && !installed) throw new Error('--squid: squid is not installed');
  return installed;
}

export async function setUpEnvironment(setup: EnvironmentSetup): Promise<Environment> {
  const { options, group, tmpDir, outDir, fdLimit, log } = setup;
  const originPort = await pickFreePort();
  const origin = await startOrigin({ group, tmpDir, port: originPort, fdLimit });
  log(`origin: ${origin.kind} on 127.0.0.1:${originPort}`);
  const targets: Target[] = [{ name: 'direct', port: originPort, proxyAuthorization: null, rootPid: null }];
  const clawgress = await setUpClawgress(setup, originPort);
  targets.push(clawgress.target);
  if (squidWanted(options)) {
    const port = await pickFreePort();
    const squid = await startSquid({ group, tmpDir, port, fdLimit });
    targets.push({ name: 'squid', port, proxyAuthorization: null, rootPid: squid.pid });
    log(`squid on 127.0.0.1:${port}`);
  }
  for (const target of targets) await probe(target, requestLineFor(target, originPort, options.body));
  log(`probed: ${targets.map((target) => target.name).join(', ')} answer 200`);
  return { targets, originPort, originKind: origin.kind, auditFile: auditFileOf(options, outDir), manyAgentsAuthFile: clawgress.manyAgentsAuthFile, metricsUrl: clawgress.metricsUrl };
}

function auditFileOf(options: BenchOptions, outDir: string): string {
  return options.auditOut ?? join(outDir, 'audit.jsonl');
}

async function setUpClawgress(setup: EnvironmentSetup, originPort: number): Promise<{ target: Target; manyAgentsAuthFile: string | null; metricsUrl: string }> {
  const { options, group, tmpDir, outDir, log } = setup;
  const dataDir = join(tmpDir, 'data');
  mkdirSync(dataDir);
  const gatewayPort = await pickFreePort();
  const adminPort = await pickFreePort();
  const clawgress = await startClawgress({
    group, dataDir, gatewayPort, adminPort, workers: options.workers,
    auditFile: auditFileOf(options, outDir), logFile: join(outDir, 'serve.log'),
  });
  const load = loadAgents(options.manyAgents, originPort);
  log(`clawgress serve on 127.0.0.1:${gatewayPort}; creating ${BUNDLE_SHAPE.agents} + ${load.agents.length} agents, quotas, ${BUNDLE_SHAPE.policies} + ${load.policies.length} policies`);
  const started = Date.now();
  const bundle = generateBundle({ seed: options.seed, ...BUNDLE_SHAPE });
  const keys = await setUpBundle(clawgress.admin, bundle, load, originPort);
  log(`bundle published in ${Math.round((Date.now() - started) / 1000)} s`);
  let manyAgentsAuthFile: string | null = null;
  if (load.agents.length > 0) {
    // Credentials: in the run's temp dir (removed at exit), readable by this user only.
    manyAgentsAuthFile = join(tmpDir, 'load-agents-auth.txt');
    const lines = load.agents.map((agent, i) => `${basicAuthorization(agent.agent_id, keys.load[i] as string)}\n`);
    writeFileSync(manyAgentsAuthFile, lines.join(''), { mode: 0o600 });
  }
  const target: Target = {
    name: 'clawgress', port: gatewayPort,
    proxyAuthorization: basicAuthorization(BENCH_AGENT.agent_id, keys.bench), rootPid: clawgress.started.pid,
  };
  return { target, manyAgentsAuthFile, metricsUrl: `http://127.0.0.1:${adminPort}/metrics` };
}
