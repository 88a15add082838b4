// What one load run costs the target: CPU time of its whole process tree (a cluster primary
// and its workers), peak RSS summed over that tree (sampled every 200 ms), listen-queue
// overflows on the host, and the CPU of the load generator that ran meanwhile.
//
// The counters cover the load's whole run unless the load narrows the window: the open-loop
// generator connects and warms up first, and says when its measured phase starts and ends.

import { performance } from 'node:perf_hooks';
import { listenOverflows } from './net-stats.js';
import { cpuSeconds, processTree, reapedChildrenCpuSeconds, RssSampler } from './proc-stats.js';
import type { Target } from './targets.js';

const RSS_SAMPLE_MS = 200;

export interface Measured<T> {
  readonly result: T;
  /** Length of the measured window. */
  readonly wallS: number;
  readonly targetCpuS: number | null;
  /** Highest RSS over the whole load, warm-up included. */
  readonly peakRssKib: number | null;
  readonly peakPssKib: number | null;
  /** CPU of generator processes that exited during the run (wrk), from this process's cutime. */
  readonly generatorCpuS: number;
  readonly listenOverflows: number;
}

/** Lets a load mark the part of its run that the counters should cover. */
export interface MeasureWindow {
  start(): void;
  end(): void;
}

interface Snapshot {
  readonly atMs: number;
  readonly cpuS: number;
  readonly generatorCpuS: number;
  readonly overflows: number;
}

function snapshot(pids: readonly number[]): Snapshot {
  return {
    atMs: performance.now(),
    cpuS: cpuSeconds(pids),
    generatorCpuS: reapedChildrenCpuSeconds(),
    overflows: listenOverflows(),
  };
}

export async function measure<T>(target: Target, load: (window: MeasureWindow) => Promise<T>): Promise<Measured<T>> {
  const pids = target.rootPid === null ? [] : processTree(target.rootPid);
  const sampler = target.rootPid === null ? null : new RssSampler(target.rootPid);
  let first = snapshot(pids);
  let last: Snapshot | null = null;
  const window: MeasureWindow = {
    start: () => void (first = snapshot(pids)),
    end: () => void (last ??= snapshot(pids)),
  };
  sampler?.start(RSS_SAMPLE_MS);
  let result: T;
  try {
    result = await load(window);
  } finally {
    sampler?.stop();
  }
  // wrk's CPU is in cutime only once it has been reaped, which is after load() resolves
  const end = { ...(last ?? snapshot(pids)), generatorCpuS: reapedChildrenCpuSeconds() };
  return {
    result,
    wallS: (end.atMs - first.atMs) / 1000,
    targetCpuS: target.rootPid === null ? null : end.cpuS - first.cpuS,
    peakRssKib: sampler?.peakKib ?? null,
    peakPssKib: sampler?.peakPssKib ?? null,
    generatorCpuS: end.generatorCpuS - first.generatorCpuS,
    listenOverflows: end.overflows - first.overflows,
  };
}
