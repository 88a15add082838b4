// Audit: the event builder, the hash chain with its signed checkpoints, the bounded per-sink
// queue, the sinks (JSON lines, HTTP), the log reader and the chain verifier (SPEC §6).
export { buildAuditEvent, type AuditInput } from './event.js';
export type { AuditSink } from './sink.js';
export { AuditQueue, type AuditQueueOptions, type AuditDropReason } from './queue.js';
export { createJsonLinesSink } from './json-lines-sink.js';
export { createHttpSink, type HttpSinkOptions } from './http-sink.js';
export { AuditChain, type AuditChainOptions, type AuditChainState, type ChainSegmentState } from './chain.js';
export { ChainedAuditQueue, type ChainedAuditQueueOptions } from './chained-queue.js';
export { readChainState, createChainStateWriter, type ReadChainState } from './chain-state-file.js';
export {
  createCheckpointSigner,
  checkpointKeys,
  checkCheckpointSignature,
  keyIdOf,
  type CheckpointSigner,
  type SignatureCheck,
} from './checkpoint-signature.js';
export { hashEvent, genesisHash, sealEvent } from './hash.js';
export { packEvent, unpackEvent, type WireEvent } from './event-tuple.js';
export { isCheckpoint, isEvent, isChainedEvent, eventsOf } from './records.js';
export { parseAuditLine, readAuditJsonLines, type ParsedLine } from './log-reader.js';
export { verifyAuditLog } from './verify.js';
export { planPrune, signPruneRecord, type PrunePlan } from './prune.js';
export { AuditHealth, type AuditHealthStatus, type SinkHealth } from './health.js';
export type {
  AuditExportHeader,
  AuditLogEntry,
  AuditLogLine,
  BreakKind,
  GapTotals,
  VerifyBreak,
  VerifyOptions,
  VerifyReport,
} from './verify-types.js';
