// One closed-loop run with wrk (-t1), the request built by bench/proxy.lua, as in the shared
// harness: the JSON summary line it prints is parsed here.

import { spawn } from 'node:child_process';
import { withRaisedFdLimit } from './fd-limit.js';
import type { RequestLine, Target } from './targets.js';
import { formatSeconds } from './duration.js';
import { toolEnv } from './tools.js';

const LUA_SCRIPT = new URL('../proxy.lua', import.meta.url).pathname;
const MANY_AGENTS_LUA_SCRIPT = new URL('../proxy-many-agents.lua', import.meta.url).pathname;

/** wrk's counters; latencies in µs, after wrk 4.1's coordinated-omission correction (max excluded). */
export interface WrkSummary {
  readonly requests: number;
  readonly duration_us: number;
  readonly bytes: number;
  readonly err_connect: number;
  readonly err_read: number;
  readonly err_write: number;
  readonly err_timeout: number;
  readonly err_status: number;
  readonly lat_mean_us: number;
  readonly lat_p50_us: number;
  readonly lat_p90_us: number;
  readonly lat_p99_us: number;
  readonly lat_p999_us: number;
  readonly lat_max_us: number;
}

export interface WrkRun {
  readonly target: Target;
  readonly line: RequestLine;
  readonly conns: number;
  readonly durationS: number;
  readonly timeoutS: number;
  /** A file of Proxy-Authorization values, one per line: each request takes the next one. */
  readonly authFile?: string;
}

export function parseWrkOutput(output: string): WrkSummary | null {
  const line = output.split('\n').find((text) => text.startsWith('BENCH_RESULT '));
  return line === undefined ? null : (JSON.parse(line.slice('BENCH_RESULT '.length)) as WrkSummary);
}

export function runWrk(run: WrkRun): Promise<WrkSummary> {
  const wrkArgs = [
    '-t1', `-c${run.conns}`, `-d${formatSeconds(run.durationS)}`, '--timeout', formatSeconds(run.timeoutS),
    '-s', run.authFile === undefined ? LUA_SCRIPT : MANY_AGENTS_LUA_SCRIPT, `http://127.0.0.1:${run.target.port}/`,
  ];
  const { command, args } = withRaisedFdLimit('wrk', wrkArgs);
  const env = {
    ...toolEnv(),
    BENCH_REQUEST_TARGET: run.line.target,
    BENCH_HOST: run.line.host,
    BENCH_PROXY_AUTH: run.target.proxyAuthorization ?? '',
    BENCH_PROXY_AUTH_FILE: run.authFile ?? '',
    BENCH_PROXY_LUA: LUA_SCRIPT,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => {
      const summary = parseWrkOutput(output);
      if (summary === null) reject(new Error(`wrk printed no result for ${run.target.name} c=${run.conns}: ${output.trim().slice(-300)}`));
      else resolve(summary);
    });
  });
}
