// How far V8 lets the old generation grow between full collections. Its default picks a factor
// up to 4x what survived the last one when collecting looks cheap, and a busy gateway looks
// cheap: in-flight requests outlive two young collections at 2,000 connections, so their
// garbage is promoted, and each process grew to ~95 MiB of old space holding ~25 MiB live
// (bench: 608 MiB for serve at 2,000 connections). A fixed 2x (V8's own cap on memory-
// constrained devices) held it at ~480 MiB, within the run-to-run noise of throughput at 50
// and 500 connections (README → Performance).
import { setFlagsFromString } from 'node:v8';

const OWN_FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/** Applies --heap-growth unless node itself was started with --heap-growing-percent. */
export function applyHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => OWN_FLAG.test(arg))) return false;
  // 0 is V8's "decide yourself", so setting it also restores the default.
  setFlagsFromString(`--heap-growing-percent=${Math.trunc(percent)}`);
  return true;
}
