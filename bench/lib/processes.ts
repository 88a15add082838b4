// The processes a bench run starts (origin, squid, clawgress, load generators): started as
// our children, stopped by PID on exit, newest first. Nothing here touches other processes.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { toolEnv } from './tools.js';

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where stdout and stderr go (files; `/dev/null` discards). */
  readonly stdoutFile: string;
  readonly stderrFile: string;
}

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stderrFile: string;
}

const STOP_WAIT_MS = 5_000;

export class ProcessGroup {
  #started: Started[] = [];

  start(options: StartOptions): Started {
    const out = openSync(options.stdoutFile, 'a');
    const err = openSync(options.stderrFile, 'a');
    const child = spawn(options.command, options.args, {
      cwd: options.cwd, env: options.env ?? toolEnv(), stdio: ['ignore', out, err],
    });
    closeSync(out);
    closeSync(err);
    if (child.pid === undefined) throw new Error(`${options.name}: could not start \`${options.command}\``);
    const started = { name: options.name, child, pid: child.pid, stderrFile: options.stderrFile };
    this.#started.push(started);
    return started;
  }

  /** TERM, up to 5 s to exit, then KILL; newest first (clawgress before its origin). */
  async stopAll(): Promise<void> {
    for (const started of this.#started.reverse()) await stopOne(started.child);
    this.#started = [];
  }
}

async function stopOne(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WAIT_MS);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `port` accepts connections; fails with the tail of the log if the process exits. */
export async function waitForPort(started: Started, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${started.name} exited during startup:\n${tailOf(started.stderrFile)}`);
    }
    if (await canConnect(port)) return;
    await sleep(100);
  }
  throw new Error(`${started.name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function tailOf(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

const picked = new Set<number>();

/**
 * A free loopback port below the ephemeral range (as the shared harness does), so none of the
 * thousands of outgoing connections a run opens can be holding it.
 */
export async function pickFreePort(): Promise<number> {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const top = low !== undefined && low > 20_100 ? low : 65_000;
  const bottom = top === 65_000 ? 61_000 : 20_000;
  for (let tries = 0; tries < 200; tries++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom));
    if (picked.has(port) || !(await canBind(port))) continue;
    picked.add(port);
    return port;
  }
  throw new Error('no free loopback port found');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
