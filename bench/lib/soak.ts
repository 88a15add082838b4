// The soak: hold N connections against clawgress (closed loop, wrk) for a long time and
// sample its RSS (summed over primary and workers) every few seconds. Flat means the last
// sample is within a few percent of the first one taken after the soak settled.

import { measure } from './measure.js';
import { RssSampler, type RssSample } from './proc-stats.js';
import { formatMs } from './report.js';
import { rowFromWrk, type Row } from './rows.js';
import type { RequestLine, Target } from './targets.js';
import { runWrk } from './wrk.js';

export interface SoakSettings {
  readonly target: Target;
  readonly line: RequestLine;
  readonly body: string;
  readonly conns: number;
  readonly durationS: number;
  readonly intervalS: number;
  readonly timeoutS: number;
}

export interface SoakSummary {
  readonly samples: number;
  readonly min_mib: number;
  readonly max_mib: number;
  readonly first_mib: number;
  /** The first sample after 10% of the soak: connections are open and the heap has grown. */
  readonly settled_mib: number;
  readonly settled_at_s: number;
  readonly last_mib: number;
  /** The last sample split by process: the root (cluster primary) first, then its children. */
  readonly last_per_process_mib: readonly number[];
  /** (last - settled) / settled. */
  readonly drift_pct: number;
  /** (max - min) / min, over the samples from the settled one on. */
  readonly spread_pct: number;
  /** Summed PSS (shared pages counted once): its largest sample after settling, and the last. */
  readonly max_pss_mib: number;
  readonly last_pss_mib: number;
}

export interface SoakResult {
  readonly row: Row;
  readonly rss: SoakSummary;
  readonly samples: readonly RssSample[];
}

const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;
const pct = (value: number): number => Math.round(value * 1000) / 10;

export function summarizeSoak(samples: readonly RssSample[], durationS: number): SoakSummary {
  if (samples.length === 0) throw new RangeError('soak: no rss samples');
  const settled = samples.find((sample) => sample.atMs >= durationS * 100) ?? samples[0];
  const after = samples.filter((sample) => sample.atMs >= (settled?.atMs ?? 0));
  const kibs = after.map((sample) => sample.kib);
  const [first, last] = [samples[0], samples[samples.length - 1]] as [RssSample, RssSample];
  const settledKib = settled?.kib ?? first.kib;
  return {
    samples: samples.length,
    min_mib: mib(Math.min(...kibs)),
    max_mib: mib(Math.max(...kibs)),
    first_mib: mib(first.kib),
    settled_mib: mib(settledKib),
    settled_at_s: Math.round((settled?.atMs ?? 0) / 1000),
    last_mib: mib(last.kib),
    last_per_process_mib: last.perProcessKib.map(mib),
    drift_pct: pct((last.kib - settledKib) / settledKib),
    spread_pct: pct((Math.max(...kibs) - Math.min(...kibs)) / Math.min(...kibs)),
    max_pss_mib: mib(Math.max(...after.map((sample) => sample.pssKib))),
    last_pss_mib: mib(last.pssKib),
  };
}

export async function runSoak(settings: SoakSettings): Promise<SoakResult> {
  const { target, conns } = settings;
  if (target.rootPid === null) throw new RangeError('soak: the target has no process to sample');
  const sampler = new RssSampler(target.rootPid);
  sampler.start(settings.intervalS * 1000);
  const measured = await measure(target, () =>
    runWrk({ target, line: settings.line, conns, durationS: settings.durationS, timeoutS: settings.timeoutS }),
  );
  const samples = sampler.stop();
  return {
    row: rowFromWrk({ target: target.name, body: settings.body, conns, agents: null }, measured),
    rss: summarizeSoak(samples, settings.durationS),
    samples,
  };
}

export function soakMarkdown(result: SoakResult, settings: { conns: number; durationS: number; intervalS: number }): string {
  const { rss, row } = result;
  return [
    `Soak: clawgress, closed loop, ${settings.conns} connections for ${settings.durationS} s; ` +
      `${row.req_per_s.toFixed(0)} req/s, ${row.errors} errors, p50 ${formatMs(row.p50_ms)} ms, p99 ${formatMs(row.p99_ms)} ms.`,
    `RSS (all processes, every ${settings.intervalS} s, ${rss.samples} samples): first ${rss.first_mib} MiB, ` +
      `settled ${rss.settled_mib} MiB at ${rss.settled_at_s} s, min ${rss.min_mib}, max ${rss.max_mib}, last ${rss.last_mib} MiB; ` +
      `drift ${rss.drift_pct}% (last vs settled), spread ${rss.spread_pct}% (max vs min after settling); ` +
      `last sample per process (primary first): ${rss.last_per_process_mib.join(', ')} MiB. ` +
      `PSS (shared pages counted once): max ${rss.max_pss_mib} MiB after settling, last ${rss.last_pss_mib} MiB.`,
  ].join('\n');
}
