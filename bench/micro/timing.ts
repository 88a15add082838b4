// Timing loops for the micro-benchmarks: a warm-up (the JIT must have compiled the code being
// measured), then several rounds; the median round is reported, so one GC pause or one
// neighbour's burst on a shared machine does not decide the number.

export interface MicroResult {
  readonly group: string;
  readonly name: string;
  readonly ns_per_op: number;
  readonly note: string;
}

const ROUNDS = 7;
const WARMUP_ROUNDS = 2;

/** The middle value (for an even count, the upper of the two middle ones). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** What the measured code returned, kept so the JIT cannot drop the work as unused. */
export const blackhole = { value: 0 };

/**
 * ns per call of `operation(n)`, median of the rounds. `n` counts every call across all rounds,
 * so an operation that must never repeat an input (an uncached token) can index with it.
 */
export function timeSync(iterations: number, operation: (n: number) => unknown): number {
  const perRound: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const base = round * iterations;
    for (let i = 0; i < iterations; i++) if (operation(base + i) !== undefined) blackhole.value += 1;
    const ns = Number(process.hrtime.bigint() - started) / iterations;
    if (round >= WARMUP_ROUNDS) perRound.push(ns);
  }
  return median(perRound);
}

/** As timeSync, awaiting each call in turn (latency, not throughput). */
export async function timeAsync(iterations: number, operation: (n: number) => unknown): Promise<number> {
  const perRound: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const base = round * iterations;
    for (let i = 0; i < iterations; i++) if ((await operation(base + i)) !== undefined) blackhole.value += 1;
    const ns = Number(process.hrtime.bigint() - started) / iterations;
    if (round >= WARMUP_ROUNDS) perRound.push(ns);
  }
  return median(perRound);
}

/** How many distinct inputs timeSync/timeAsync ask for with `iterations`. */
export function callsFor(iterations: number): number {
  return (WARMUP_ROUNDS + ROUNDS) * iterations;
}

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

export function markdownTable(results: readonly MicroResult[]): string {
  const lines = ['| benchmark | case | per op | ops/s (one core) | note |', '| --- | --- | ---: | ---: | --- |'];
  for (const result of results) {
    const opsPerSecond = Number.isFinite(result.ns_per_op) ? Math.round(1e9 / result.ns_per_op).toLocaleString('en') : '-';
    lines.push(`| ${result.group} | ${result.name} | ${formatNs(result.ns_per_op)} | ${opsPerSecond} | ${result.note} |`);
  }
  return lines.join('\n');
}
