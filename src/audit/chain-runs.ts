// Runs of chained events a sink lane never wrote, per gateway: what it dropped while its ring
// was full (turned into a signed gap when the lane takes that gateway's next record), and what
// was still queued when it stopped (vouched for by the next process). A run is contiguous in
// its chain because a lane keeps every gateway's records in sealing order.

import type { AuditChainRun, AuditRecord } from '../core/index.js';
import { isChainedEvent, isCheckpoint } from './records.js';

/** A run being collected; `events` counts chained events, gaps inside it included. */
export type OpenRun = { -readonly [K in keyof AuditChainRun]: AuditChainRun[K] };

/** Adds one record to its gateway's run in `runs`; records outside any chain are ignored. */
export function extendRuns(runs: Map<string, OpenRun>, record: AuditRecord): void {
  const link = linkOf(record);
  if (link === null) return;
  const run = runs.get(link.gateway_id);
  if (run === undefined) {
    runs.set(link.gateway_id, { ...link });
    return;
  }
  run.to_hash = link.to_hash;
  run.events += link.events;
}

/**
 * What a stopped lane lost, as runs: first the batch that was being written (it may still
 * land: a verifier ignores a run whose events it finds), then the rest of the ring, then
 * what was dropped after it.
 */
export function lostRuns(options: {
  inFlight: readonly AuditRecord[];
  queued: readonly AuditRecord[];
  dropped: ReadonlyMap<string, OpenRun>;
}): AuditChainRun[] {
  const inFlight = new Map<string, OpenRun>();
  for (const record of options.inFlight) extendRuns(inFlight, record);
  const rest = new Map<string, OpenRun>();
  for (const record of options.queued) extendRuns(rest, record);
  for (const run of options.dropped.values()) {
    const open = rest.get(run.gateway_id);
    if (open === undefined) rest.set(run.gateway_id, { ...run });
    else Object.assign(open, { to_hash: run.to_hash, events: open.events + run.events });
  }
  return [...inFlight.values(), ...rest.values()];
}

function linkOf(record: AuditRecord): AuditChainRun | null {
  if (isChainedEvent(record)) {
    return { gateway_id: record.gateway_id, from_hash: record.prev_hash, to_hash: record.hash, events: 1 };
  }
  if (isCheckpoint(record) && record.gap !== undefined) {
    const { gateway_id, from_hash, to_hash, events } = record.gap.run;
    return { gateway_id, from_hash, to_hash, events };
  }
  return null;
}
