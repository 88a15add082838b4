import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { sleep } from './processes.js';

const run = promisify(execFile);

/**
 * Connections the kernel dropped because a listen queue was full (TcpExt ListenOverflows,
 * whole host). A dropped connect waits >= 1 s for a SYN retry, which no latency column shows.
 */
export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')] ?? 0) || 0;
  } catch {
    return 0;
  }
}

async function clientConnectionsOn(port: number): Promise<number> {
  try {
    const { stdout } = await run('ss', ['-Htn', 'state', 'established', 'state', 'close-wait', `( sport = :${port} )`]);
    return stdout.split('\n').filter((line) => line.trim() !== '').length;
  } catch {
    return 0; // no ss: do not wait
  }
}

/**
 * Let one run's connections close before the next target starts, so its teardown is not
 * measured against the next: up to 10 s until nothing is connected to `port`, then 1 s more.
 */
export async function waitUntilIdle(port: number): Promise<void> {
  for (let tries = 0; tries < 100 && (await clientConnectionsOn(port)) > 0; tries++) await sleep(100);
  await sleep(1_000);
}
