// --repeat N: each level runs N rounds, every target once per round, so the table can show per
// (level, target) the median over the rounds. Medians, not means: the machine's speed swings in
// bursts, and one burst in one round should not pull a cell. Counts are summed and peaks are
// the highest, so nothing that happened in one round disappears in the summary.

import { levelKey, type Row } from './rows.js';

/** One (level, target) over its rounds: a Row whose cells summarise the runs, plus their spread. */
export interface Summary extends Row {
  readonly rounds: number;
  /** Lowest and highest req/s over the rounds: what the median hides. */
  readonly req_per_s_min: number;
  readonly req_per_s_max: number;
}

/** The runs of one (level, target), in round order; never empty. */
type Runs = readonly [Row, ...Row[]];
type OpenLoop = NonNullable<Row['open_loop']>;

// The rows' values have at most 3 decimals, so the mean of two has at most 4: rounding to 4
// keeps it exact and drops float noise (0.30000000000000004).
const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

/** Median of the non-null values; null when there are none. */
export function median(values: readonly (number | null)[]): number | null {
  const sorted = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  if (upper === undefined) return null;
  if (sorted.length % 2 === 1) return upper;
  // An even count has two middle values: take their mean (the usual convention; with two
  // rounds, halfway between them) rather than favour either round.
  return round4(((sorted[middle - 1] ?? upper) + upper) / 2);
}

/** Highest of the non-null values; null when there are none. */
export function highest(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : Math.max(...present);
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** The median of a value every run has (req/s, duration), so never null. */
const medianOf = (runs: Runs, pick: (row: Row) => number): number => median(runs.map(pick)) ?? pick(runs[0]);

function summedDetail(runs: Runs): Record<string, number> {
  const detail: Record<string, number> = {};
  for (const run of runs) for (const [kind, count] of Object.entries(run.error_detail)) detail[kind] = (detail[kind] ?? 0) + count;
  return detail;
}

function summarizeOpenLoop(runs: Runs): OpenLoop | undefined {
  const all = runs.map((run) => run.open_loop).filter((open): open is OpenLoop => open !== undefined);
  if (all.length === 0) return undefined;
  const mid = (pick: (open: OpenLoop) => number | null): number | null => median(all.map(pick));
  return {
    service_p50_ms: mid((open) => open.service_p50_ms), service_p99_ms: mid((open) => open.service_p99_ms),
    send_lag_p50_ms: mid((open) => open.send_lag_p50_ms), send_lag_p99_ms: mid((open) => open.send_lag_p99_ms),
    conns_used: highest(all.map((open) => open.conns_used)) ?? 0, connect_s: mid((open) => open.connect_s) ?? 0,
    reconnects: sum(all.map((open) => open.reconnects)), max_outstanding: highest(all.map((open) => open.max_outstanding)) ?? 0,
    first_error: all.find((open) => open.first_error !== null)?.first_error ?? null,
  };
}

function summarize(runs: Runs): Summary {
  const [first] = runs;
  const mid = (pick: (row: Row) => number | null): number | null => median(runs.map(pick));
  const rates = runs.map((run) => run.req_per_s);
  const openLoop = summarizeOpenLoop(runs);
  return {
    mode: first.mode, target: first.target, body: first.body, conns: first.conns, agents: first.agents, rate: first.rate,
    duration_s: medianOf(runs, (run) => run.duration_s), requests: sum(runs.map((run) => run.requests)),
    req_per_s: medianOf(runs, (run) => run.req_per_s),
    p50_ms: mid((run) => run.p50_ms), p90_ms: mid((run) => run.p90_ms), p99_ms: mid((run) => run.p99_ms),
    p999_ms: mid((run) => run.p999_ms), max_ms: mid((run) => run.max_ms),
    errors: sum(runs.map((run) => run.errors)), error_detail: summedDetail(runs),
    cpu_pct: mid((run) => run.cpu_pct), cpu_us_per_req: mid((run) => run.cpu_us_per_req),
    peak_rss_mib: highest(runs.map((run) => run.peak_rss_mib)), peak_pss_mib: highest(runs.map((run) => run.peak_pss_mib)),
    generator_cpu_pct: mid((run) => run.generator_cpu_pct),
    listen_overflows: sum(runs.map((run) => run.listen_overflows)),
    // Each run's added latency is already paired with direct of its own round (addAddedLatency):
    // the median of those differences, not the difference of the two medians, which could pair
    // a fast round of one side with a slow round of the other.
    added_p50_ms: mid((run) => run.added_p50_ms), added_p99_ms: mid((run) => run.added_p99_ms),
    ...(openLoop === undefined ? {} : { open_loop: openLoop }),
    rounds: runs.length, req_per_s_min: Math.min(...rates), req_per_s_max: Math.max(...rates),
  };
}

/** One summary per (level, target), in the order the rows first appear (the table's order). Run
 *  addAddedLatency on the rows first. */
export function summarizeRounds(rows: readonly Row[]): Summary[] {
  const groups = new Map<string, [Row, ...Row[]]>();
  for (const row of rows) {
    const key = `${levelKey(row)}|${row.target}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return [...groups.values()].map(summarize);
}
