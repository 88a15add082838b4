// The order of runs: warm-up, then every closed-loop level with the targets interleaved
// (direct, clawgress, squid at c=1, then all of them at c=50, ...), so a noisy stretch of
// machine time hits every target; then the many-agents level (c=50 again, each request from
// the next of 200 agents); then the open-loop round at the nominal rate, from the bench agent
// and then from the many agents.

import type { Environment } from './environment.js';
import { measure } from './measure.js';
import { waitUntilIdle } from './net-stats.js';
import type { BenchOptions } from './options.js';
import { runOpenLoop } from './open-loop-runner.js';
import { rowFromOpenLoop, rowFromWrk, type Row } from './rows.js';
import { requestLineFor, type Target } from './targets.js';
import { runWrk } from './wrk.js';

export interface PlanContext {
  readonly env: Environment;
  readonly options: BenchOptions;
  readonly log: (line: string) => void;
  /** Called with every row as soon as it is measured (results.jsonl grows during the run). */
  readonly onRow: (row: Row) => void;
}

const WARMUP_CONNS = 50;

export async function warmUp({ env, options, log }: PlanContext): Promise<void> {
  if (options.warmupS === 0) return;
  const levels = [...options.conns, options.rate > 0 ? options.openConns : 0, options.soakS === null ? 0 : options.soakConns];
  const conns = Math.min(WARMUP_CONNS, Math.max(1, ...levels));
  for (const target of env.targets) {
    log(`warm-up ${target.name} c=${conns} ${options.warmupS} s`);
    await runWrk({ target, line: requestLineFor(target, env.originPort, options.body), conns, durationS: options.warmupS, timeoutS: options.timeoutS });
    await waitUntilIdle(target.port);
  }
}

/** The many-agents level: each request from the next load agent (proxies; squid ignores the
 *  credentials); direct gets the plain request, as the level's baseline. */
interface ManyAgents {
  readonly agents: number;
  readonly authFile: string;
}

async function closedLoopRow(context: PlanContext, target: Target, conns: number, many: ManyAgents | null = null): Promise<Row> {
  const { env, options } = context;
  const line = requestLineFor(target, env.originPort, options.body);
  const authFile = many === null || target.name === 'direct' ? {} : { authFile: many.authFile };
  const run = { target, line, conns, durationS: options.durationS, timeoutS: options.timeoutS, ...authFile };
  const measured = await measure(target, () => runWrk(run));
  return rowFromWrk({ target: target.name, body: options.body, conns, agents: many?.agents ?? null }, measured);
}

async function openLoopRow(context: PlanContext, target: Target, many: ManyAgents | null = null): Promise<Row> {
  const { env, options } = context;
  const line = requestLineFor(target, env.originPort, options.body);
  const authFile = many === null || target.name === 'direct' ? {} : { authFile: many.authFile };
  const run = {
    target, line, conns: options.openConns, rate: options.rate,
    durationS: options.durationS, warmupS: options.warmupS, timeoutS: options.timeoutS, ...authFile,
  };
  const measured = await measure(target, (window) => runOpenLoop(run, window));
  const level = { target: target.name, body: options.body, conns: options.openConns, agents: many?.agents ?? null, rate: options.rate };
  return rowFromOpenLoop(level, measured);
}

function describe(row: Row): string {
  const p = (value: number | null): string => (value === null ? '-' : value.toFixed(3));
  return `${row.req_per_s.toFixed(0)} req/s, p50 ${p(row.p50_ms)} p99 ${p(row.p99_ms)} ms, ${row.errors} errors`;
}

export async function runPlan(context: PlanContext): Promise<Row[]> {
  const { env, options, log, onRow } = context;
  const rows: Row[] = [];
  const manyAgentsAuthFile = options.manyAgents > 0 ? env.manyAgentsAuthFile : null;
  const many = manyAgentsAuthFile === null ? null : { agents: options.manyAgents, authFile: manyAgentsAuthFile };
  const openRounds = options.rate > 0 ? (many === null ? 1 : 2) : 0;
  const total = (options.conns.length + (many === null ? 0 : 1) + openRounds) * env.targets.length;
  const record = async (label: string, target: Target, measureRow: () => Promise<Row>): Promise<void> => {
    log(`[${rows.length + 1}/${total}] ${target.name} ${label} ${options.durationS} s`);
    const row = await measureRow();
    rows.push(row);
    onRow(row);
    log(`  ${describe(row)}`);
    await waitUntilIdle(target.port);
  };
  for (const conns of options.conns) {
    for (const target of env.targets) await record(`closed c=${conns}`, target, () => closedLoopRow(context, target, conns));
  }
  if (many !== null) {
    for (const target of env.targets) {
      const label = `closed c=${options.manyAgentsConns}, ${many.agents} agents`;
      await record(label, target, () => closedLoopRow(context, target, options.manyAgentsConns, many));
    }
  }
  if (options.rate > 0) {
    for (const target of env.targets) {
      await record(`open ${options.openConns} conns @ ${options.rate}/s`, target, () => openLoopRow(context, target));
    }
    // The same rate spread over the load agents: each agent's requests reach a worker a few
    // times a second at most, so admissions rely on the primary's quota answers more often.
    if (many !== null) {
      for (const target of env.targets) {
        const label = `open ${options.openConns} conns @ ${options.rate}/s, ${many.agents} agents`;
        await record(label, target, () => openLoopRow(context, target, many));
      }
    }
  }
  return rows;
}
