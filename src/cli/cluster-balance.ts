// Keeping the workers' share of client connections even. Workers accept from the shared
// socket themselves (fast, whatever the primary is doing), but then whoever wakes first takes
// a burst of new connections (50 of 50 seen), and agents keep their connections for long:
// one core would do the work of two. So the primary counts every worker's connections in
// rounds; one holding clearly more than the mean closes that many keep-alive connections after
// their current answer (`Connection: close`, which every HTTP client handles by reconnecting),
// and the busy worker, slower to accept, mostly loses the reconnections to the idle one. A few
// rounds even it out; a balanced cluster sheds nothing.
//
// Why rounds, asked of every worker at once: each worker used to report on its own timer and
// was judged against the others' last reports, up to a report old. A worker not yet heard from
// counted as holding none, so the first report of a balanced cluster (19/21) ordered 5
// connections shed, and the reconnections tipped it to 14/26; a report from before another
// worker's shed overstated the mean's distance the same way. Answers to one question are
// milliseconds apart, and the next question comes after the previous round's closes landed.

/** How often the primary counts its workers' connections. */
export const LOAD_REPORT_MS = 500;

/** Connections a worker holding `mine` should shed, given every worker's count. */
export function connectionsToShed(mine: number, all: readonly number[]): number {
  if (all.length < 2) return 0;
  const mean = all.reduce((sum, count) => sum + count, 0) / all.length;
  const excess = mine - Math.ceil(mean);
  // Tolerance: a few connections, or a tenth of the mean, are not worth a reconnection.
  if (excess <= Math.max(2, Math.ceil(mean / 10))) return 0;
  // Half of it per round: the reconnections land where the accept race puts them (often back
  // on the worker that shed them), so shedding it all at once overshot and swung back.
  return Math.ceil(excess / 2);
}

/** One round of counting at a time, over the workers asked; a round that lost a worker (it
 *  exited, or never answered before the next round) decides nothing. `W` identifies a worker. */
export class ConnectionCensus<W> {
  #round = 0;
  #asked = new Set<W>();
  #counts = new Map<W, number>();

  /** Starts a round over `workers`, dropping any unfinished one; returns its number, which
   *  each worker's answer carries. */
  begin(workers: Iterable<W>): number {
    this.#round++;
    this.#asked = new Set(workers);
    this.#counts.clear();
    return this.#round;
  }

  /** Records a worker's answer; once every worker asked has answered, returns how many
   *  connections each should shed (the round is then over), else null. Answers to an older
   *  round, from a worker not asked, or that are not a count are ignored. */
  answer(worker: W, round: number, connections: number): Map<W, number> | null {
    if (round !== this.#round || !this.#asked.has(worker) || !Number.isSafeInteger(connections) || connections < 0) return null;
    this.#counts.set(worker, connections);
    if (this.#counts.size < this.#asked.size) return null;
    const all = [...this.#counts.values()];
    const sheds = new Map<W, number>();
    for (const [w, count] of this.#counts) sheds.set(w, connectionsToShed(count, all));
    this.#asked.clear();
    this.#counts.clear();
    return sheds;
  }
}
