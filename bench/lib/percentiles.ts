export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/** Nearest-rank percentile of an ascending array: the smallest value with p% of values at or below it. */
export function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

/** Summary of the first `count` values (the rest of the array is unused capacity). */
export function summarize(values: Float64Array, count: number): LatencySummary {
  const sorted = values.slice(0, count).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: count === 0 ? null : (sorted[count - 1] ?? null),
    mean: count === 0 ? null : total / count,
  };
}
