// Runs bench/open-loop.ts as its own process (so its CPU is its own and the harness's timers
// cannot disturb it) and reads its one JSON line.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { withRaisedFdLimit } from './fd-limit.js';
import type { MeasureWindow } from './measure.js';
import type { OpenLoopResult } from './open-loop-stats.js';
import type { RequestLine, Target } from './targets.js';

const SCRIPT = new URL('../open-loop.ts', import.meta.url).pathname;

export interface OpenLoopRun {
  readonly target: Target;
  readonly line: RequestLine;
  readonly conns: number;
  readonly rate: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly timeoutS: number;
  /** Proxy-Authorization values, one a line, sent in turn (the many-agents level). */
  readonly authFile?: string;
}

export function runOpenLoop(run: OpenLoopRun, window: MeasureWindow): Promise<OpenLoopResult> {
  const { command, args } = withRaisedFdLimit(process.execPath, [
    '--import', 'tsx', SCRIPT,
    '--port', String(run.target.port), '--target', run.line.target, '--host-header', run.line.host,
    '--conns', String(run.conns), '--rate', String(run.rate),
    '--duration', `${run.durationS}s`, '--warmup', run.warmupS === 0 ? '0' : `${run.warmupS}s`,
    '--timeout', `${run.timeoutS}s`,
  ]);
  const env = { ...process.env, BENCH_PROXY_AUTH: run.target.proxyAuthorization ?? '', BENCH_PROXY_AUTH_FILE: run.authFile ?? '' };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'PHASE measuring') window.start();
      else if (line === 'PHASE measured') window.end();
      else stdout += `${line}\n`;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as OpenLoopResult);
      else reject(new Error(`open-loop against ${run.target.name} failed: ${stderr.trim().slice(-300)}`));
    });
  });
}
