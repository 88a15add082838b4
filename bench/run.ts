// `npm run bench`: clawgress serve with a realistic bundle against a local origin and squid,
// closed loop at several connection levels and open loop at a nominal rate, with added
// latency, errors, CPU and RSS per target. See bench/README.md.

import { appendFileSync, createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAuditJsonLines } from '../src/audit/index.js';
import type { AuditEvent } from '../src/core/index.js';
import { auditDropsNote, fetchAuditDrops, type AuditDrops } from './lib/audit-drops.js';
import { ensureBuilt, PROJECT_DIR } from './lib/clawgress.js';
import { BUNDLE_SHAPE, makeTmpDir, setUpEnvironment, type Environment } from './lib/environment.js';
import { raisedFdLimit } from './lib/fd-limit.js';
import { describeMachine, type Machine } from './lib/machine.js';
import { parseOptions, USAGE, type BenchOptions } from './lib/options.js';
import { runPlan, warmUp } from './lib/plan.js';
import { ProcessGroup } from './lib/processes.js';
import { updateReadme } from './lib/readme.js';
import { headerOf, markdownTable, notesOf, tableNotes } from './lib/report.js';
import { summarizeRounds, type Summary } from './lib/rounds.js';
import { addAddedLatency, type Row } from './lib/rows.js';
import { runSoak, soakMarkdown } from './lib/soak.js';
import { requestLineFor } from './lib/targets.js';

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

function defaultOutDir(): string {
  return join(PROJECT_DIR, 'bench', 'results', new Date().toISOString().slice(0, 19).replace(/:/g, '-'));
}

function checkFdLimit(options: BenchOptions, fdLimit: number): void {
  const most = Math.max(...options.conns, options.rate > 0 ? options.openConns : 0, options.soakS ? options.soakConns : 0);
  const needed = 2 * most + 512; // a proxy holds a client and an upstream socket per connection
  if (fdLimit < needed) throw new Error(`open-file limit ${fdLimit}: ${most} connections through a proxy need about ${needed} (raise ulimit -Hn)`);
}

interface AuditCount {
  readonly events: number;
  readonly allowed: number;
}

/** Audit events in serve's stdout file: evidence that audit was on, one event per request. */
async function countAuditEvents(file: string): Promise<AuditCount | null> {
  if (file === '/dev/null') return null;
  let events = 0;
  let allowed = 0;
  // Read as `audit verify` reads it: checkpoints and unreadable lines are not events.
  for await (const entry of readAuditJsonLines(createReadStream(file))) {
    const record = entry.record;
    if (record === null || 'record_type' in record) continue; // a checkpoint, a header, or unreadable
    events += 1;
    if ((record as AuditEvent).decision === 'allow') allowed += 1;
  }
  return { events, allowed };
}

interface Outcome {
  /** Every run, as in results.jsonl. */
  readonly rows: Row[];
  /** Per level and target over the rounds, as in summary.jsonl and the table. */
  readonly summaries: Summary[];
  readonly soak: string | null;
  readonly audit: AuditCount | null;
  readonly drops: AuditDrops;
}

const jsonLines = (rows: readonly Row[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

async function measureEverything(env: Environment, options: BenchOptions, outDir: string): Promise<Outcome> {
  const jsonl = join(outDir, 'results.jsonl');
  const context = { env, options, log, onRow: (row: Row) => appendFileSync(jsonl, `${JSON.stringify(row)}\n`) };
  await warmUp(context);
  const rows = await runPlan(context);
  addAddedLatency(rows);
  writeFileSync(jsonl, jsonLines(rows)); // now with added latency
  // The medians per level and target get a file of their own: results.jsonl stays one line per run.
  const summaries = summarizeRounds(rows);
  writeFileSync(join(outDir, 'summary.jsonl'), jsonLines(summaries));
  let soak: string | null = null;
  const clawgress = env.targets.find((target) => target.name === 'clawgress');
  if (options.soakS !== null && clawgress !== undefined) {
    log(`soak: clawgress c=${options.soakConns} for ${options.soakS} s`);
    const settings = { conns: options.soakConns, durationS: options.soakS, intervalS: options.soakIntervalS };
    const line = requestLineFor(clawgress, env.originPort, options.body);
    const result = await runSoak({ ...settings, target: clawgress, line, body: options.body, timeoutS: options.timeoutS });
    writeFileSync(join(outDir, 'soak.json'), `${JSON.stringify(result, null, 2)}\n`);
    soak = soakMarkdown(result, settings);
  }
  return { rows, summaries, soak, audit: await countAuditEvents(env.auditFile), drops: await fetchAuditDrops(env.metricsUrl) };
}

function renderReport(machine: Machine, env: Environment, options: BenchOptions, outcome: Outcome): string {
  const header = headerOf(machine, {
    durationS: outcome.rows.length === 0 ? null : options.durationS, rounds: options.repeat, warmupS: options.warmupS,
    origin: `${env.originKind} (1 worker, /${options.body})`,
    workers: options.workers === null ? 'its default workers (one per core)' : `--workers ${options.workers}`,
    auditTo: `${options.auditOut ?? 'a file'} and the SQLite store`,
    bundle: `${BUNDLE_SHAPE.agents} agents, ${BUNDLE_SHAPE.policies} policies, a quota per agent, seed ${options.seed}` +
      (env.manyAgentsAuthFile === null ? '' : `; ${options.manyAgents} more agents in 20 teams, a policy per team, for the many-agents level`),
  });
  const table = [markdownTable(outcome.summaries), '', tableNotes(options.repeat)];
  const parts = outcome.rows.length === 0 ? [header] : [header, '', ...table];
  const notes = notesOf(outcome.rows);
  const { audit } = outcome;
  if (audit !== null) {
    const other = audit.events - audit.allowed;
    notes.push(`audit: clawgress wrote ${audit.events} events to stdout (${audit.allowed} allow, ${other} other), warm-up and probes included`);
  }
  notes.push(auditDropsNote(outcome.drops));
  if (notes.length > 0) parts.push('', ...notes.map((note) => `- ${note}`));
  if (outcome.soak !== null) parts.push('', outcome.soak);
  return `${parts.join('\n')}\n`;
}

async function bench(options: BenchOptions, group: ProcessGroup, tmpDir: string): Promise<void> {
  const outDir = options.outDir ?? defaultOutDir();
  mkdirSync(outDir, { recursive: true });
  if (options.build) ensureBuilt(log);
  const fdLimit = raisedFdLimit();
  checkFdLimit(options, fdLimit);
  const machine = describeMachine();
  const env = await setUpEnvironment({ options, group, tmpDir, outDir, fdLimit, log });
  const outcome = await measureEverything(env, options, outDir);
  const report = renderReport(machine, env, options, outcome);
  writeFileSync(join(outDir, 'results.md'), report);
  writeFileSync(join(outDir, 'run.json'), `${JSON.stringify({ machine, options }, null, 2)}\n`);
  process.stdout.write(report);
  log(`results in ${outDir}`);
  if (options.updateReadme) {
    updateReadme(join(PROJECT_DIR, 'README.md'), 'bench', report);
    log('README.md Performance section updated');
  }
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${USAGE}\nbench: ${parsed.error}\n`);
    process.exit(2);
  }
  if (parsed.options === null) return void process.stdout.write(USAGE);
  const options = parsed.options;
  const group = new ProcessGroup();
  const tmpDir = makeTmpDir();
  const cleanUp = async (): Promise<void> => {
    await group.stopAll();
    if (options.keepTmp) log(`kept ${tmpDir}`);
    else rmSync(tmpDir, { recursive: true, force: true });
  };
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(code)));
  }
  try {
    await bench(options, group, tmpDir);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

void main();
