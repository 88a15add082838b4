// Counts per decision per minute for the dashboard chart. Pure, tested in node.

export const DECISIONS = ['allow', 'deny', 'rate_limited', 'unauthenticated'];
const MINUTE_MS = 60_000;

const zeroCounts = () => Object.fromEntries(DECISIONS.map((decision) => [decision, 0]));

/** `minutes` buckets, oldest first, the last one holding the current minute. */
export function countByMinute(events, { nowMs, minutes }) {
  const lastStart = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const firstStart = lastStart - (minutes - 1) * MINUTE_MS;
  const buckets = Array.from({ length: minutes }, (_, i) => ({ startMs: firstStart + i * MINUTE_MS, counts: zeroCounts(), total: 0 }));
  for (const event of events) {
    const at = Date.parse(event.timestamp);
    if (!(at >= firstStart && at < lastStart + MINUTE_MS)) continue;
    const bucket = buckets[Math.floor((at - firstStart) / MINUTE_MS)];
    if (!(event.decision in bucket.counts)) continue;
    bucket.counts[event.decision] += 1;
    bucket.total += 1;
  }
  return buckets;
}

export function totalCounts(buckets) {
  const totals = zeroCounts();
  for (const bucket of buckets) for (const decision of DECISIONS) totals[decision] += bucket.counts[decision];
  return totals;
}

/** Newest first, one entry per request_id (the stream and the history query overlap), at most `limit`. */
export function mergeEvents(current, incoming, limit) {
  const seen = new Set();
  const merged = [];
  for (const event of [...incoming, ...current]) {
    if (seen.has(event.request_id)) continue;
    seen.add(event.request_id);
    merged.push(event);
  }
  merged.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  return merged.slice(0, limit);
}
