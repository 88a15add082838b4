// Start a real `bin/clawgress serve` process on port 0, find its addresses from its stderr
// banner, read its audit JSON lines from stdout, and stop it by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AuditEvent } from '../../src/core/index.js';

const BIN = resolve(import.meta.dirname, '../../bin/clawgress');
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly proxyPort: number;
  readonly adminUrl: string;
  readonly dataDir: string;
  stderr(): string;
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
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', ...options.env };
  if (options.adminToken !== null) env['CLAWGRESS_ADMIN_TOKEN'] = options.adminToken ?? TEST_ADMIN_TOKEN;
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--gateway-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--data-dir', dataDir, ...(options.args ?? [])],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const banner = await waitFor(() => /proxy:\s+http:\/\/127\.0\.0\.1:(\d+)[\s\S]*admin:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(err), child, () => err);
  const proxyPort = Number(banner[1]);
  const adminUrl = banner[2] as string;
  const token = options.adminToken ?? TEST_ADMIN_TOKEN;
  const audit = (): AuditEvent[] => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as AuditEvent);
  return {
    child,
    proxyPort,
    adminUrl,
    dataDir,
    stderr: () => err,
    audit,
    waitForAudit: async (count, timeoutMs = 5_000) => {
      await waitFor(() => (audit().length >= count ? true : null), child, () => err, timeoutMs);
      return audit();
    },
    api: async (method, path, body) => {
      const res = await fetch(`${adminUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers };
    },
    proxyUrl: (agentId, key) => `http://${encodeURIComponent(agentId)}:${encodeURIComponent(key)}@127.0.0.1:${proxyPort}`,
    stop: (signal = 'SIGTERM') => stopChild(child, signal, options.dataDir === undefined ? dataDir : null),
  };
}

async function waitFor<T>(probe: () => T | null, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (child.exitCode !== null) throw new Error(`clawgress exited with ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for clawgress:\n${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, tempDir: string | null): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const done = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
      resolve({ code, signal: sig });
    };
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode, child.signalCode);
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code, sig) => {
      clearTimeout(kill);
      done(code, sig);
    });
    child.kill(signal);
  });
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
