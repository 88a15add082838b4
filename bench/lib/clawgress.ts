// `bin/clawgress serve` as the bench runs it: built from the current source, loopback only,
// the origin's address opened with --allow-internal, audit on (stdout to a file, and the
// SQLite store sink as serve always has it), and a generated bundle set up over the admin API.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient, forEachLimited } from './admin-client.js';
import { BENCH_AGENT, benchPolicy, type GeneratedBundle, type LoadAgents } from './bundle-generator.js';
import { withRaisedFdLimit } from './fd-limit.js';
import { type ProcessGroup, waitForPort, type Started } from './processes.js';

export const PROJECT_DIR = new URL('../../', import.meta.url).pathname;
const ADMIN_CONCURRENCY = 8;

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'ui') newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than a source file; says whether it built. */
export function ensureBuilt(log: (line: string) => void): boolean {
  const main = join(PROJECT_DIR, 'dist', 'cli', 'main.js');
  let builtMs = 0;
  try {
    builtMs = statSync(main).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtMs >= newestSourceMs(join(PROJECT_DIR, 'src'))) return false;
  log('dist/ is older than src/: npm run build');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: PROJECT_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('npm run build failed (output above)');
  return true;
}

export interface ClawgressOptions {
  readonly group: ProcessGroup;
  readonly dataDir: string;
  readonly gatewayPort: number;
  readonly adminPort: number;
  readonly workers: number | null; // null: serve's default (one per core)
  readonly auditFile: string;
  readonly logFile: string;
}

export interface Clawgress {
  readonly started: Started;
  readonly admin: AdminClient;
}

export async function startClawgress(options: ClawgressOptions): Promise<Clawgress> {
  const token = `bench-${randomBytes(24).toString('hex')}`;
  const serveArgs = [
    join(PROJECT_DIR, 'bin', 'clawgress'), 'serve',
    '--gateway-listen', `127.0.0.1:${options.gatewayPort}`,
    '--admin-listen', `127.0.0.1:${options.adminPort}`,
    '--data-dir', options.dataDir,
    '--allow-internal', '127.0.0.1/32',
    '--gateway-id', 'bench',
    ...(options.workers === null ? [] : ['--workers', String(options.workers)]),
  ];
  const { command, args } = withRaisedFdLimit(process.execPath, serveArgs);
  const started = options.group.start({
    name: 'clawgress', command, args,
    env: { ...process.env, CLAWGRESS_ADMIN_TOKEN: token },
    stdoutFile: options.auditFile, stderrFile: options.logFile,
  });
  await waitForPort(started, options.adminPort);
  await waitForPort(started, options.gatewayPort);
  return { started, admin: new AdminClient(`http://127.0.0.1:${options.adminPort}`, token) };
}

export interface BenchKeys {
  /** The bench agent's API key. */
  readonly bench: string;
  /** The load agents' keys, in their order. */
  readonly load: readonly string[];
}

/**
 * Creates every agent (each creation publishes the registry, as in production), a quota for
 * every agent, every policy plus the ones that let the bench agent and the load agents reach
 * the origin, then publishes. Resolves with the API keys, which are never printed.
 */
export async function setUpBundle(admin: AdminClient, bundle: GeneratedBundle, load: LoadAgents, originPort: number): Promise<BenchKeys> {
  const keys = new Map<string, string>();
  await forEachLimited([...bundle.agents, ...load.agents], ADMIN_CONCURRENCY, async (agent) => {
    const created = await admin.request<{ api_key?: string }>('POST', '/agents', agent);
    if (created.api_key !== undefined) keys.set(agent.agent_id, created.api_key);
  });
  await forEachLimited([...bundle.quotas, ...load.quotas], ADMIN_CONCURRENCY, async ({ agent_id: agentId, ...limits }) => {
    await admin.request('PUT', `/quotas/${agentId}`, limits);
  });
  await forEachLimited([...bundle.policies, benchPolicy(originPort), ...load.policies], ADMIN_CONCURRENCY, async (policy) => {
    await admin.request('POST', '/policies', policy);
  });
  await admin.request('POST', '/policies/publish', {});
  const keyOf = (agentId: string): string => {
    const key = keys.get(agentId);
    if (key === undefined) throw new Error(`admin api: creating \`${agentId}\` returned no api_key`);
    return key;
  };
  return { bench: keyOf(BENCH_AGENT.agent_id), load: load.agents.map((agent) => keyOf(agent.agent_id)) };
}
