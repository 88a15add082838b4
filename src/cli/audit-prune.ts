// `clawgress audit prune --before DATE`: retention by dropping whole monthly partitions of a
// PostgreSQL store. The log is verified first (a broken log is never pruned: the evidence
// stays), then a signed prune checkpoint carrying the chain runs that leave with the dropped
// records is stored, then the partitions go, all in one transaction. SQLite has no partitions:
// there, retention is an export of the old log (kept elsewhere) and a new data dir.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type AuditCheckpoint } from '../core/index.js';
import { createCheckpointSigner, planPrune, signPruneRecord, type AuditLogEntry, type VerifyReport } from '../audit/index.js';
import type { AuditLogItem } from '../store/index.js';
import { AuditUsageError, parseAuditArgs, single } from './audit-args.js';
import { describeReport, loadPublicKeys, openStoreForReading } from './audit-verify.js';

// A cut-off in the last day could drop a partition a late event (sealed after midnight with
// the previous month's time) is still on its way to.
const MIN_AGE_MS = 24 * 3600 * 1000;

export async function runAuditPrune(argv: readonly string[]): Promise<number> {
  const args = parseAuditArgs(argv, ['--before', '--store', '--data-dir', '--public-key', '--dry-run']);
  const beforeMs = monthStart(single(args, '--before'));
  const storeUrl = single(args, '--store');
  const dataDir = single(args, '--data-dir');
  if (storeUrl === undefined) {
    throw new AuditUsageError('--store postgres://… is needed: retention drops partitions, which only the postgresql store has (with sqlite: export the log, then start a new data dir)');
  }
  if (dataDir === undefined) throw new AuditUsageError('--data-dir DIR is needed: its signing-key.pem signs the prune checkpoint');
  const keyPath = join(dataDir, 'signing-key.pem');
  if (!existsSync(keyPath)) throw new AuditUsageError(`--data-dir: no signing-key.pem in \`${dataDir}\``);
  const signer = createCheckpointSigner(readFileSync(keyPath, 'utf8'));
  const publicKeys = loadPublicKeys(args);
  const store = await openStoreForReading({ dataDir: undefined, storeUrl });
  let broken: VerifyReport | null = null;
  try {
    const prune = store.audit.prune;
    if (prune === undefined) throw new AuditUsageError('--store: this store cannot drop partitions');
    const result = await prune({
      before_ms: beforeMs,
      prepare: async (context): Promise<AuditCheckpoint | null> => {
        const plan = await planPrune(numbered(context.readLog()), { publicKeys, beforeMs });
        if (!plan.report.ok) broken = plan.report;
        const before = new Date(beforeMs).toISOString();
        process.stdout.write(`${context.events} events in ${context.partitions.join(', ') || 'no partition'} before ${before}; ${plan.runs.length} chain runs to record\n`);
        if (broken !== null || args.switches.has('--dry-run')) return null;
        return signPruneRecord({ signer, clock: systemClock, prune: { before, partitions: context.partitions, events: context.events, runs: plan.runs } });
      },
    });
    if (broken !== null) {
      process.stdout.write(`refused: nothing dropped\n${describeReport(broken, 'record')}`);
      return 1;
    }
    process.stdout.write(result.record === null ? 'nothing dropped\n' : `dropped ${result.partitions.join(', ')}; prune checkpoint stored\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** The first instant (UTC) of the month of `value` (YYYY-MM, YYYY-MM-DD or RFC 3339). */
function monthStart(value: string | undefined): number {
  const match = value === undefined ? null : /^(\d{4})-(\d{2})(-\d{2}([Tt].*)?)?$/.exec(value);
  const ms = match === null ? NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1);
  if (!Number.isFinite(ms) || Number(match?.[2]) < 1 || Number(match?.[2]) > 12) {
    throw new AuditUsageError(`--before: \`${value ?? ''}\` is not a date (YYYY-MM or YYYY-MM-DD)`);
  }
  if (ms > Date.now() - MIN_AGE_MS) throw new AuditUsageError(`--before: \`${value}\` is not at least a day in the past`);
  return ms;
}

async function* numbered(items: AsyncIterable<AuditLogItem>): AsyncGenerator<AuditLogEntry> {
  let position = 0;
  for await (const item of items) yield { position: (position += 1), record: item.record };
}
