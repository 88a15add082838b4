// The order of runs: warm-up, then every closed-loop level with the targets interleaved
// (direct, clawgress, squid at c=1, then all of them at c=50, ...), so a noisy stretch of
// machine time hits every target; then the many-agents level (c=50 again, each request from
// the next of 200 agents); then the open-loop round at the nominal rate, from the bench agent
// and then from the many agents. With --repeat N each level runs N rounds before the next
// level, every round all targets in turn: each round is a paired comparison in one stretch of
// machine time, and the table takes the median over the rounds (rounds.ts).

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

async function closedLoopRow(context: PlanContext, target: Target, round: number, conns: number, many: ManyAgents | null = null): Promise<Row> {
  const { env, options } = context;
  const line = requestLineFor(target, env.originPort, options.body);
  const authFile = many === null || target.name === 'direct' ? {} : { authFile: many.authFile };
  const run = { target, line, conns, durationS: options.durationS, timeoutS: options.timeoutS, ...authFile };
  const measured = await measure(target, () => runWrk(run));
  return rowFromWrk({ target: target.name, body: options.body, conns, agents: many?.agents ?? null, round }, measured);
}

async function openLoopRow(context: PlanContext, target: Target, round: number, many: ManyAgents | null = null): Promise<Row> {
  const { env, options } = context;
  const line = requestLineFor(target, env.originPort, options.body);
  const authFile = many === null || target.name === 'direct' ? {} : { authFile: many.authFile };
  const run = {
    target, line, conns: options.openConns, rate: options.rate,
    durationS: options.durationS, warmupS: options.warmupS, timeoutS: options.timeoutS, ...authFile,
  };
  const measured = await measure(target, (window) => runOpenLoop(run, window));
  const level = { target: target.name, body: options.body, conns: options.openConns, agents: many?.agents ?? null, round, rate: options.rate };
  return rowFromOpenLoop(level, measured);
}

function describe(row: Row): string {
  const p = (value: number | null): string => (value === null ? '-' : value.toFixed(3));
  return `${row.req_per_s.toFixed(0)} req/s, p50 ${p(row.p50_ms)} p99 ${p(row.p99_ms)} ms, ${row.errors} errors`;
}

/** One level of the plan: its label in the log, and how one target's run at it is measured. */
interface Level {
  readonly label: string;
  readonly measure: (target: Target, round: number) => Promise<Row>;
}

function levelsOf(context: PlanContext, many: ManyAgents | null): Level[] {
  const { options } = context;
  const levels: Level[] = options.conns.map((conns) => ({
    label: `closed c=${conns}`, measure: (target, round) => closedLoopRow(context, target, round, conns),
  }));
  if (many !== null) {
    levels.push({
      label: `closed c=${options.manyAgentsConns}, ${many.agents} agents`,
      measure: (target, round) => closedLoopRow(context, target, round, options.manyAgentsConns, many),
    });
  }
  if (options.rate > 0) {
    levels.push({ label: `open ${options.openConns} conns @ ${options.rate}/s`, measure: (target, round) => openLoopRow(context, target, round) });
    // The same rate spread over the load agents: each agent's requests reach a worker a few
    // times a second at most, so admissions rely on the primary's quota answers more often.
    if (many !== null) {
      levels.push({
        label: `open ${options.openConns} conns @ ${options.rate}/s, ${many.agents} agents`,
        measure: (target, round) => openLoopRow(context, target, round, many),
      });
    }
  }
  return levels;
}

export async function runPlan(context: PlanContext): Promise<Row[]> {
  const { env, options, log, onRow } = context;
  const rows: Row[] = [];
  const manyAgentsAuthFile = options.manyAgents > 0 ? env.manyAgentsAuthFile : null;
  const many = manyAgentsAuthFile === null ? null : { agents: options.manyAgents, authFile: manyAgentsAuthFile };
  const levels = levelsOf(context, many);
  const total = levels.length * options.repeat * env.targets.length;
  // With one round the log reads as it did before --repeat.
  const roundOf = (round: number): string => (options.repeat === 1 ? '' : `, round ${round}/${options.repeat}`);
  for (const level of levels) {
    for (let round = 1; round <= options.repeat; round++) {
      for (const target of env.targets) {
        log(`[${rows.length + 1}/${total}] ${target.name} ${level.label} ${options.durationS} s${roundOf(round)}`);
        const row = await level.measure(target, round);
        rows.push(row);
        onRow(row);
        log(`  ${describe(row)}`);
        await waitUntilIdle(target.port);
      }
    }
  }
  return rows;
}
