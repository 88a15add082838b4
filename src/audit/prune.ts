// Retention without a hole nobody can explain: before whole partitions are dropped, the log
// is verified and the chain runs that go with the dropped records are collected (a run for
// every stretch of a chain that records kept afterwards still link to). A signed `prune`
// checkpoint carrying those runs goes into the log, and a later verify steps over them.

import { AUDIT_SCHEMA_VERSION, type AuditCheckpoint, type AuditPrune, type Clock } from '../core/index.js';
import type { CheckpointSigner } from './checkpoint-signature.js';
import { verifyAuditLog } from './verify.js';
import type { AuditLogEntry, VerifyOptions, VerifyReport } from './verify-types.js';

export interface PrunePlan {
  /** The verification of the whole log; nothing may be dropped unless it is ok. */
  readonly report: VerifyReport;
  readonly runs: NonNullable<VerifyReport['pruneRuns']>;
}

/** Verifies the log and collects the runs that dropping everything stamped before `beforeMs` would cut. */
export async function planPrune(
  entries: AsyncIterable<AuditLogEntry> | Iterable<AuditLogEntry>,
  options: Pick<VerifyOptions, 'publicKeys' | 'sink'> & { beforeMs: number },
): Promise<PrunePlan> {
  const report = await verifyAuditLog(entries, { publicKeys: options.publicKeys, sink: options.sink ?? 'store', pruneBeforeMs: options.beforeMs });
  return { report, runs: report.pruneRuns ?? [] };
}

/** The signed record of a prune, written into the log before the partitions go. */
export function signPruneRecord(options: { signer: CheckpointSigner; clock: Clock; prune: AuditPrune }): AuditCheckpoint {
  return options.signer.sign({
    record_type: 'audit_checkpoint',
    kind: 'prune',
    timestamp: new Date(options.clock.now()).toISOString(),
    gateway_id: null,
    head: null,
    dropped: {},
    prune: options.prune,
    schema_version: AUDIT_SCHEMA_VERSION,
  });
}
