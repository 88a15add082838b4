// Start a real `bin/clawgress <command>` process, wait for its banner, read its stdout (audit
// JSON lines) and stderr, and stop it by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditEvent } from '../../src/core/index.js';

export const BIN = resolve(import.meta.dirname, '../../bin/clawgress');

export interface ClawgressProcess {
  readonly child: ChildProcess;
  readonly banner: RegExpExecArray;
  stdout(): string;
  stderr(): string;
  audit(): AuditEvent[];
  waitFor<T>(probe: () => T | null, timeoutMs?: number): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnClawgress(options: {
  command: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
  banner: RegExp;
  onStopped?: () => void;
}): Promise<ClawgressProcess> {
  const child = spawn(process.execPath, [BIN, options.command, ...options.args], {
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const waitFor = <T>(probe: () => T | null, timeoutMs = 15_000): Promise<T> => waitUntil(probe, child, () => err, timeoutMs);
  const banner = await waitFor(() => options.banner.exec(err));
  return {
    child,
    banner,
    stdout: () => out,
    stderr: () => err,
    // Events only: the chain's checkpoints (`record_type`) share the stream (stdout() has them).
    audit: () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as AuditEvent & { record_type?: string }).filter((r) => r.record_type === undefined),
    waitFor,
    stop: (signal = 'SIGTERM') => stopChild(child, signal, options.onStopped),
  };
}

async function waitUntil<T>(probe: () => T | null, child: ChildProcess, log: () => string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (child.exitCode !== null) throw new Error(`clawgress exited with ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for clawgress:\n${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, onStopped?: () => void): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolveStop) => {
    const done = (code: number | null, sig: NodeJS.Signals | null): void => {
      onStopped?.();
      resolveStop({ code, signal: sig });
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

/** The processes whose parent is `parent` (a cluster primary's workers), from /proc. */
export function childPids(parent: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
    } catch {
      return false; // gone meanwhile
    }
  });
}
