// Audit helpers for integration tests: run `bin/clawgress audit …`, read counters from
// /metrics, wait until the store has written N events, export the log.
import { execFile } from 'node:child_process';
import { BIN } from './process.js';
import { TEST_ADMIN_TOKEN, type ServeProcess } from './serve.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function auditCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'audit', ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A counter of the aggregated /metrics text, summed over the series that match `labels`. */
export async function metric(serve: ServeProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${serve.adminUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labels)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    else if (labels === '' && line.startsWith(`${name} `)) total += Number(line.slice(name.length + 1));
  }
  return total;
}

/** Waits until the store sink has written `count` events (clawgress_audit_written_total). */
export async function waitForStored(serve: ServeProcess, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const written = await metric(serve, 'clawgress_audit_written_total', 'sink="store"');
    if (written >= count) return;
    if (Date.now() > deadline) throw new Error(`the store wrote ${written} audit events, not ${count}, within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function exportLog(serve: ServeProcess, query = ''): Promise<string> {
  const res = await fetch(`${serve.adminUrl}/api/v1/audit/export${query}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
  return res.text();
}

export async function readyz(serve: ServeProcess): Promise<{ status: number; body: any }> {
  const res = await fetch(`${serve.adminUrl}/readyz`);
  return { status: res.status, body: await res.json() };
}
