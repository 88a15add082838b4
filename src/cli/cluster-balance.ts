// Keeping the workers' share of client connections even. Workers accept from the shared
// socket themselves (fast, whatever the primary is doing), but then whoever wakes first takes
// a burst of new connections (50 of 50 seen), and agents keep their connections for long:
// one core would do the work of two. So each worker reports how many it holds; one holding
// clearly more than the mean closes that many keep-alive connections after their current
// answer (`Connection: close`, which every HTTP client handles by reconnecting), and the busy
// worker, slower to accept, mostly loses the reconnections to the idle one. A few rounds even
// it out; a balanced cluster sheds nothing.

/** How often each worker reports its connection count. */
export const LOAD_REPORT_MS = 500;

/** Connections a worker holding `mine` should shed, given every worker's count. */
export function connectionsToShed(mine: number, all: readonly number[]): number {
  if (all.length < 2) return 0;
  const mean = all.reduce((sum, count) => sum + count, 0) / all.length;
  const excess = mine - Math.ceil(mean);
  // Tolerance: a few connections, or a tenth of the mean, are not worth a reconnection.
  if (excess <= Math.max(2, Math.ceil(mean / 10))) return 0;
  // Half of it per round: the counts are up to a report old and the reconnections land where
  // the accept race puts them, so shedding it all at once overshot and swung back.
  return Math.ceil(excess / 2);
}
