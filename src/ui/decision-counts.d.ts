// Types for the node tests of decision-counts.js (the browser needs none).
export type DecisionName = 'allow' | 'deny' | 'rate_limited' | 'unauthenticated';
export interface EventLike {
  request_id: string;
  timestamp: string;
  decision: string;
}
export interface MinuteBucket {
  startMs: number;
  counts: Record<DecisionName, number>;
  total: number;
}
export const DECISIONS: readonly DecisionName[];
export function countByMinute(events: readonly EventLike[], options: { nowMs: number; minutes: number }): MinuteBucket[];
export function totalCounts(buckets: readonly MinuteBucket[]): Record<DecisionName, number>;
export function mergeEvents<T extends EventLike>(current: readonly T[], incoming: readonly T[], limit: number): T[];
