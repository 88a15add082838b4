// The results as a Markdown table (printed, written to results.md, pasted into README.md).

import type { Machine } from './machine.js';
import type { Summary } from './rounds.js';
import type { Row } from './rows.js';

export interface RunSettings {
  readonly durationS: number | null; // null: no level runs (a soak only)
  readonly rounds: number; // --repeat
  readonly warmupS: number;
  readonly origin: string;
  readonly workers: string;
  readonly auditTo: string;
  readonly bundle: string;
}

export function formatMs(value: number | null): string {
  if (value === null) return '-';
  const size = Math.abs(value);
  if (size < 1) return value.toFixed(3);
  if (size < 10) return value.toFixed(2);
  if (size < 100) return value.toFixed(1);
  return value.toFixed(0);
}

const formatNumber = (value: number | null, digits = 0): string => (value === null ? '-' : value.toFixed(digits));

function loadOf(row: Row): string {
  const load = row.mode === 'closed' ? `closed c=${row.conns}` : `open ${row.conns} conns @ ${row.rate}/s`;
  return row.agents === null ? load : `${load}, ${row.agents} agents`;
}

const COLUMNS = ['load', 'target', 'req/s', 'p50', 'p90', 'p99', 'max', 'errors', '+p50', '+p99', 'cpu%', 'cpu µs/req', 'peak RSS MiB', 'peak PSS MiB', 'gen cpu%'];
const RANGE_COLUMN = 'req/s range';
const RIGHT = new Set([...COLUMNS.slice(2), RANGE_COLUMN]);
// The range goes right after req/s, the median it is the spread of.
const RANGE_AT = COLUMNS.indexOf('req/s') + 1;

const isSummary = (row: Row): row is Summary => 'rounds' in row;
/** A table of medians over several rounds shows their req/s range; with one round there is none. */
const hasRange = (rows: readonly Row[]): boolean => rows.some((row) => isSummary(row) && row.rounds > 1);

function rangeOf(row: Row): string {
  if (!isSummary(row)) return formatNumber(row.req_per_s);
  return `${formatNumber(row.req_per_s_min)}–${formatNumber(row.req_per_s_max)}`;
}

function withRange<T>(items: readonly T[], range: T): T[] {
  return [...items.slice(0, RANGE_AT), range, ...items.slice(RANGE_AT)];
}

function cellsOf(row: Row): string[] {
  return [
    loadOf(row), row.target, formatNumber(row.req_per_s), formatMs(row.p50_ms), formatMs(row.p90_ms),
    formatMs(row.p99_ms), formatMs(row.max_ms), String(row.errors), formatMs(row.added_p50_ms),
    formatMs(row.added_p99_ms), formatNumber(row.cpu_pct), formatNumber(row.cpu_us_per_req),
    formatNumber(row.peak_rss_mib), formatNumber(row.peak_pss_mib), formatNumber(row.generator_cpu_pct),
  ];
}

/** Runs (one round) or summaries (rounds.ts); summaries of more than one round add the req/s range. */
export function markdownTable(rows: readonly Row[]): string {
  const ranged = hasRange(rows);
  const columns = ranged ? withRange(COLUMNS, RANGE_COLUMN) : COLUMNS;
  const lines = [`| ${columns.join(' | ')} |`, `| ${columns.map((name) => (RIGHT.has(name) ? '---:' : '---')).join(' | ')} |`];
  for (const row of rows) lines.push(`| ${(ranged ? withRange(cellsOf(row), rangeOf(row)) : cellsOf(row)).join(' | ')} |`);
  return lines.join('\n');
}

function runsOf(settings: RunSettings): string {
  if (settings.durationS === null) return 'soak only';
  const rounds = settings.rounds > 1 ? `, ${settings.rounds} interleaved rounds per level` : '';
  return `${settings.durationS} s per run${rounds}`;
}

export function headerOf(machine: Machine, settings: RunSettings): string {
  const tools = Object.entries(machine.tools).map(([name, version]) => `${name} ${version}`).join(', ');
  return [
    `Run ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.memory_gib} GiB, ` +
      `kernel ${machine.kernel}, Node ${machine.node}, load average at start ${machine.load_average}; commit ${machine.commit}.`,
    `${tools}; origin ${settings.origin}; ${runsOf(settings)}, ` +
      `warm-up ${settings.warmupS} s per target; ` +
      `clawgress serve with ${settings.workers}, audit to ${settings.auditTo}; bundle: ${settings.bundle}.`,
  ].join('\n');
}

export const TABLE_NOTES = [
  'Latency in ms. closed: wrk -t1 with c keep-alive connections (latency from request written, with wrk 4.1\'s',
  'coordinated-omission correction; max uncorrected). open: bench/open-loop.ts sends at a fixed total rate over',
  'the connections and measures each request from the time it was due (that includes the generator\'s own timer',
  'lateness, ~0.5 ms on average, alike for every target). +p50/+p99: target minus direct, same load, same run.',
  'errors: status >= 400 and socket errors/timeouts. cpu%: the target\'s processes (all of them)',
  'as % of one core; cpu µs/req: that CPU per completed request; peak RSS: summed over the target\'s processes,',
  'sampled every 200 ms (pages shared between them, node\'s own code mostly, counted in each); peak PSS: the same',
  'with each shared page split among the processes mapping it, so counted once.',
  'gen cpu%: the load generator\'s CPU. Everything shares the same cores: compare rows',
  'within one run, not across runs or machines.',
].join('\n');

/** The table's notes; with --repeat, also how its cells come from the rounds. */
export function tableNotes(rounds: number): string {
  if (rounds === 1) return TABLE_NOTES;
  return [
    TABLE_NOTES,
    `Each cell is the median of ${rounds} interleaved rounds (a round runs every target once at the level, one after`,
    'the other; for an even count, the mean of the two middle values); req/s range: the lowest and highest req/s over',
    'the rounds. +p50/+p99: the median over the rounds of target minus direct of the same round (paired, not the',
    'difference of the medians). errors: summed over the rounds; peak RSS/PSS: the highest over the rounds.',
  ].join('\n');
}

// Node timers fire up to ~1 ms late, so some send lag is normal (and the same for every target).
const SEND_LAG_NOTE_MS = 5;

/** Notes on single runs (not summaries); with more than one round, each names its round. */
export function notesOf(rows: readonly Row[]): string[] {
  const notes: string[] = [];
  const repeated = rows.some((row) => (row.round ?? 1) > 1);
  for (const row of rows) {
    const run = `${loadOf(row)} ${row.target}${repeated && row.round !== undefined ? ` round ${row.round}` : ''}`;
    if (row.listen_overflows > 0) {
      notes.push(`${run}: ${row.listen_overflows} listen-queue overflows (each dropped connect waits >= 1 s for a SYN retry)`);
    }
    const lag = row.open_loop?.send_lag_p99_ms;
    if (lag !== undefined && lag !== null && lag > SEND_LAG_NOTE_MS) {
      notes.push(`${run}: the generator sent late (send lag p99 ${formatMs(lag)} ms), which the latency includes`);
    }
    if (row.open_loop?.first_error) notes.push(`${run}: first error: ${row.open_loop.first_error}`);
  }
  return notes;
}
