// `clawgress audit verify|prune`. verify reads a whole log (a JSON-lines file: an export or
// the stdout stream; the SQLite file of a data dir; or a PostgreSQL store) and proves its hash
// chains, or names the first broken record. Exit codes: 0 intact, 1 broken, 2 usage error or
// a log that cannot be read at all.

import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { checkpointKeys, readAuditJsonLines, verifyAuditLog, type AuditLogEntry, type VerifyReport } from '../audit/index.js';
import { openPostgresStore, openSqliteStore, type AuditLogPosition, type Store } from '../store/index.js';
import { AuditUsageError, parseAuditArgs, single, type AuditArgs } from './audit-args.js';
import { runAuditPrune } from './audit-prune.js';

export const AUDIT_USAGE = `usage:
  clawgress audit verify FILE [--public-key PEM]... [--sink NAME] [--json]
  clawgress audit verify --data-dir DIR [--public-key PEM]... [--json]
  clawgress audit verify --store postgres://… (--public-key PEM... | --data-dir DIR) [--json]
  clawgress audit prune --before YYYY-MM[-DD] --store postgres://… --data-dir DIR [--dry-run]

verify: FILE is an export (GET /api/v1/audit/export) or the JSON lines serve wrote to stdout
(\`-\` reads stdin). Checkpoints are checked against --public-key, the deployment's
signing-key.pub.pem (read from --data-dir when not given). Exit 0: every chain intact;
1: broken, naming the first broken record (line, or record number in storage order) and its
request_id; 2: usage error, or no log to read.
prune: drops whole monthly partitions (PostgreSQL) stamped before the month of --before,
after verifying the log and storing a signed prune checkpoint (key from --data-dir).`;

/** Runs `clawgress audit …`; resolves with the exit code. */
export async function runAudit(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'verify') return await verifyCommand(rest);
    if (command === 'prune') return await runAuditPrune(rest);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(`${AUDIT_USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new AuditUsageError(`unknown command \`${command}\``);
  } catch (error) {
    if (!(error instanceof AuditUsageError)) throw error;
    process.stderr.write(`clawgress: audit ${command ?? ''}: ${error.message}\n${AUDIT_USAGE}\n`);
    return 2;
  }
}

interface LogSource {
  readonly entries: AsyncIterable<AuditLogEntry>;
  /** How a position is shown: a line of a file, or a record of a store. */
  readonly unit: 'line' | 'record';
  readonly sink: string | undefined;
  close(): Promise<void>;
}

async function verifyCommand(argv: readonly string[]): Promise<number> {
  const args = parseAuditArgs(argv, ['--public-key', '--data-dir', '--store', '--sink', '--json']);
  const publicKeys = loadPublicKeys(args);
  const source = await openSource(args);
  let report: VerifyReport;
  try {
    const sink = single(args, '--sink') ?? source.sink;
    report = await verifyAuditLog(source.entries, { publicKeys, unit: source.unit, ...(sink === undefined ? {} : { sink }) });
  } finally {
    await source.close();
  }
  process.stdout.write(args.switches.has('--json') ? `${JSON.stringify({ ...report, unit: source.unit }, null, 2)}\n` : describeReport(report, source.unit));
  return report.ok ? 0 : 1;
}

export function loadPublicKeys(args: AuditArgs): ReadonlyMap<string, KeyObject> {
  const dataDir = single(args, '--data-dir');
  const paths = args.values.get('--public-key') ?? (dataDir === undefined ? [] : [join(dataDir, 'signing-key.pub.pem')]);
  if (paths.length === 0) throw new AuditUsageError('--public-key FILE is needed: the deployment\'s signing-key.pub.pem');
  const pems = paths.map((path) => {
    if (!existsSync(path)) throw new AuditUsageError(`--public-key: \`${path}\` does not exist`);
    return readFileSync(path, 'utf8');
  });
  try {
    return checkpointKeys(pems);
  } catch (error) {
    throw new AuditUsageError(`--public-key: not an ed25519 public key pem: ${(error as Error).message}`);
  }
}

async function openSource(args: AuditArgs): Promise<LogSource> {
  const file = args.positional[0];
  const dataDir = single(args, '--data-dir');
  const storeUrl = single(args, '--store');
  // With FILE or --store, --data-dir only lends its public key.
  if (args.positional.length > 1 || (file !== undefined && storeUrl !== undefined) || (file ?? storeUrl ?? dataDir) === undefined) {
    throw new AuditUsageError('give one log: FILE, --data-dir DIR or --store URL');
  }
  if (file !== undefined) return fileSource(file);
  return storeSource(await openStoreForReading({ dataDir, storeUrl }));
}

function fileSource(path: string): LogSource {
  if (path !== '-' && !existsSync(path)) throw new AuditUsageError(`\`${path}\` does not exist`);
  const input = path === '-' ? process.stdin : createReadStream(path);
  return { entries: readAuditJsonLines(input), unit: 'line', sink: undefined, close: async () => void input.destroy() };
}

export async function openStoreForReading(options: { dataDir: string | undefined; storeUrl: string | undefined }): Promise<Store> {
  if (options.storeUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.storeUrl)) throw new AuditUsageError('--store: must be a postgres:// url');
    return openPostgresStore({ connectionString: options.storeUrl, poolSize: 2 });
  }
  const path = join(options.dataDir as string, 'clawgress.db');
  if (!existsSync(path)) throw new AuditUsageError(`--data-dir: no clawgress.db in \`${options.dataDir}\``);
  return openSqliteStore({ path, readonly: true });
}

function storeSource(store: Store): LogSource {
  return { entries: readStoreLog(store), unit: 'record', sink: 'store', close: () => store.close() };
}

/** The whole log as it stands, in storage order, numbered from 1. */
export async function* readStoreLog(store: Store, pageSize = 1000): AsyncGenerator<AuditLogEntry> {
  const slice = await store.audit.slice({});
  let after: AuditLogPosition = slice.after;
  let position = 0;
  for (;;) {
    const page = await store.audit.readLog({ after, to_seq: slice.to_seq, limit: pageSize });
    for (const item of page) yield { position: (position += 1), record: item.record };
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    after = last.position;
  }
}

export function describeReport(report: VerifyReport, unit: 'line' | 'record'): string {
  const lines: string[] = [];
  if (report.broken !== null) {
    const { position, request_id: requestId, message } = report.broken;
    lines.push(`audit log broken: ${unit} ${position}${requestId === null ? '' : `: request_id \`${requestId}\``}: ${message}`);
  } else {
    lines.push('audit log intact: every chain verifies and every checkpoint signature holds');
  }
  lines.push(
    `  events: ${report.events} (${report.unchained} unchained: schema 1), checkpoints: ${report.checkpoints}, segments: ${report.segments}, repeated: ${report.duplicates}`,
    `  counted gaps: ${report.gaps.dropped} dropped (queue full), ${report.gaps.lost_at_shutdown} lost at shutdown, ${report.gaps.pruned} pruned`,
    ...report.notices.map((notice) => `  notice: ${notice}`),
  );
  return `${lines.join('\n')}\n`;
}
