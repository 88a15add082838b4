// Start a real `bin/clawgress serve` process on port 0, find its addresses from its stderr
// banner, read its audit JSON lines from stdout, and stop it by PID.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/core/index.js';
import { spawnClawgress } from './process.js';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly proxyPort: number;
  readonly adminUrl: string;
  readonly dataDir: string;
  stderr(): string;
  /** Raw stdout so far: audit events and the chain's checkpoints, one JSON document per line. */
  stdout(): string;
  /** Audit events parsed from stdout so far. */
  audit(): AuditEvent[];
  waitForAudit(count: number, timeoutMs?: number): Promise<AuditEvent[]>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  proxyUrl(agentId: string, key: string): string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly dataDir?: string;
  readonly adminToken?: string | null; // null: let serve generate one
}

export async function startServe(options: ServeOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'clawgress-test-'));
  const env: Record<string, string> = { ...options.env };
  if (options.adminToken !== null) env['CLAWGRESS_ADMIN_TOKEN'] = options.adminToken ?? TEST_ADMIN_TOKEN;
  const proc = await spawnClawgress({
    command: 'serve',
    args: ['--gateway-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--data-dir', dataDir, ...(options.args ?? [])],
    env,
    banner: /proxy:\s+http:\/\/127\.0\.0\.1:(\d+)[\s\S]*admin:\s+(http:\/\/127\.0\.0\.1:\d+)/,
    onStopped: () => {
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  });
  const adminUrl = proc.banner[2] as string;
  return {
    child: proc.child,
    proxyPort: Number(proc.banner[1]),
    adminUrl,
    dataDir,
    stderr: proc.stderr,
    stdout: proc.stdout,
    audit: proc.audit,
    waitForAudit: async (count, timeoutMs = 5_000) => {
      await proc.waitFor(() => (proc.audit().length >= count ? true : null), timeoutMs);
      return proc.audit();
    },
    api: (method, path, body) => adminCall(adminUrl, options.adminToken ?? TEST_ADMIN_TOKEN, method, path, body),
    proxyUrl: (agentId, key) => `http://${encodeURIComponent(agentId)}:${encodeURIComponent(key)}@127.0.0.1:${proc.banner[1]}`,
    stop: proc.stop,
  };
}

export async function adminCall(adminUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${adminUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers };
}

/** Create an api_key agent and return its key. */
export async function createKeyAgent(serve: ServeProcess, agentId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await serve.api('POST', '/agents', {
    agent_id: agentId, team_id: 'team-a', project_id: 'proj-a', environment: 'test', auth_type: 'api_key', ...extra,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create agent: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.api_key as string;
}

export async function publishPolicies(serve: ServeProcess, policies: readonly Record<string, unknown>[]): Promise<number> {
  for (const policy of policies) {
    const res = await serve.api('POST', '/policies', policy);
    if (res.status !== 201 && res.status !== 200) throw new Error(`create policy: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const published = await serve.api('POST', '/policies/publish');
  if (published.status !== 200 && published.status !== 201) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return published.body.version as number;
}
