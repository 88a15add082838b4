// CPU time and memory of a process tree, read from /proc (Linux only), like the shared
// harness: utime+stime of every process (all threads), VmRSS summed over the processes.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields after `pid (comm) `; comm may hold spaces and parentheses, so split after the last `)`. */
function statFields(pid: number | 'self'): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process has exited
  }
}

/** `rootPid` and every live descendant (a cluster primary and its workers). */
export function processTree(rootPid: number): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields === null) continue;
    const parent = Number(fields[1]);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

/** utime + stime in seconds, summed over `pids` (exited ones count 0). */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    // fields[11] is utime, fields[12] stime (stat fields 14 and 15)
    if (fields !== null) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time of this process's children that have exited and been waited for (cutime + cstime).
 * Read before and after one load generator runs, the difference is that generator's CPU.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return fields === null ? 0 : (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** A `Name:  N kB` field of a /proc/PID file, in KiB; 0 when the process is gone (exited
 *  between listing and reading) or the file is unreadable. */
function procKib(pid: number, file: 'status' | 'smaps_rollup', field: RegExp): number {
  try {
    const match = field.exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

const rssOf = (pid: number): number => procKib(pid, 'status', /^VmRSS:\s+(\d+)/m);

/** Proportional set size: shared pages (node's own code, mostly) split among the processes
 *  that map them, so a tree's PSS sum counts each page once where its RSS sum counts it in
 *  every process. */
const pssOf = (pid: number): number => procKib(pid, 'smaps_rollup', /^Pss:\s+(\d+)/m);

export function rssKib(pids: readonly number[]): number {
  return pids.reduce((total, pid) => total + rssOf(pid), 0);
}

export interface RssSample {
  readonly atMs: number;
  readonly kib: number;
  /** Summed PSS of the same processes (see pssOf). */
  readonly pssKib: number;
  /** Each process's share, root first (a cluster primary, then its workers). */
  readonly perProcessKib: readonly number[];
}

/** Samples the summed RSS of a process tree on a timer; the tree is re-read each time. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  #timer: NodeJS.Timeout | null = null;
  #rootPid: number;
  #startedAt = 0;

  constructor(rootPid: number) {
    this.#rootPid = rootPid;
  }

  start(intervalMs: number): void {
    this.#startedAt = Date.now();
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  stop(): RssSample[] {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#sample();
    return this.samples;
  }

  get peakKib(): number {
    return this.samples.reduce((peak, sample) => Math.max(peak, sample.kib), 0);
  }

  get peakPssKib(): number {
    return this.samples.reduce((peak, sample) => Math.max(peak, sample.pssKib), 0);
  }

  #sample(): void {
    const pids = processTree(this.#rootPid);
    const perProcessKib = pids.map(rssOf);
    const kib = perProcessKib.reduce((total, value) => total + value, 0);
    const pssKib = pids.reduce((total, pid) => total + pssOf(pid), 0);
    this.samples.push({ atMs: Date.now() - this.#startedAt, kib, pssKib, perProcessKib });
  }
}
