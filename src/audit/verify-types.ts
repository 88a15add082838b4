// What `verifyAuditLog` reads and what it answers.

import type { KeyObject } from 'node:crypto';
import type { AuditChainRun, AuditRecord } from '../core/index.js';

/** The first line of an export: what slice of which sink's log follows. Not signed. */
export interface AuditExportHeader {
  readonly record_type: 'audit_export';
  readonly schema_version: number;
  readonly sink: string;
  /** RFC 3339; null when the export starts at the beginning of the log. */
  readonly since: string | null;
  readonly until: string | null;
  readonly exported_at: string;
}

export type AuditLogLine = AuditRecord | AuditExportHeader;

/** One record of a log with its position there (a line number, or a store sequence number). */
export interface AuditLogEntry {
  readonly position: number;
  /** Null when the line is not a record this reader knows; `problem` says why. */
  readonly record: AuditLogLine | null;
  readonly problem?: string;
}

export interface VerifyOptions {
  /** Keys that may sign checkpoints, by key id (see checkpointKeys). */
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  /** Whose stream this is: gaps recorded for other sinks do not excuse holes here. */
  readonly sink?: string;
  /** A slice that does not start at the beginning of the log (an export header also says so). */
  readonly partial?: boolean;
  /** What a position is called in messages: `line` (a file), `record` (a store); `position` by default. */
  readonly unit?: string;
  /** Plan retention: report the chain runs that dropping everything stamped before this goes with. */
  readonly pruneBeforeMs?: number;
}

export type BreakKind = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'checkpoint' | 'unreadable';

/** The first place where the log is not what was sealed. */
export interface VerifyBreak {
  readonly kind: BreakKind;
  readonly position: number;
  readonly request_id: string | null;
  readonly message: string;
}

export interface GapTotals {
  /** Events a sink dropped while its queue was full. */
  readonly dropped: number;
  /** Events still queued when a process stopped. */
  readonly lost_at_shutdown: number;
  /** Events removed by retention. */
  readonly pruned: number;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  readonly events: number;
  /** Events of schema 1 (or never sealed): readable, but outside any chain. */
  readonly unchained: number;
  readonly checkpoints: number;
  readonly segments: number;
  /** Counted holes, each vouched for by a signed record: not tampering. */
  readonly gaps: GapTotals;
  /** The same sealed event more than once (a retried write); kept once. */
  readonly duplicates: number;
  readonly notices: readonly string[];
  readonly broken: VerifyBreak | null;
  /** With `pruneBeforeMs`: the runs a prune record must carry. */
  readonly pruneRuns?: readonly AuditChainRun[];
}
