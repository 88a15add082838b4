// `npm run bench -- [options]`: the command line, checked once, with one line per mistake.

import { parseArgs } from 'node:util';
import { parseDuration } from './duration.js';

export const USAGE = `npm run bench -- [options]

  --conns 1,50,500,2000   closed-loop levels (keep-alive connections), run in this order; "none" skips them
  --duration 10s          measured time per target and level
  --warmup 2s             unmeasured wrk run per target before the first level (0: none)
  --rate 2000             open-loop total rate in req/s (0: no open-loop run)
  --open-conns 2000       connections the open-loop run spreads that rate over
  --many-agents 200       then one more closed-loop level, and one more open-loop round, where each
                          request comes from the next of this many agents, each with its own key,
                          team policy and quota (0: none)
  --many-agents-conns 50  connections of that level
  --repeat 1              rounds per level (1..20): each round runs every target once, in turn; the table
                          shows per level and target the median over the rounds and their req/s range
                          (every run in results.jsonl, the medians in summary.jsonl); the soak runs once
  --squid | --no-squid    include squid (default: when it is installed)
  --workers N             passed to clawgress serve (default: serve's own, one per core)
  --body 1k               response size: 1k or 100k
  --timeout 10s           a request slower than this is an error
  --soak 300s             then hold --soak-conns connections against clawgress (wrk) for this long,
                          sampling its RSS every --soak-interval (5s), and report min/max/drift
  --soak-conns 2000       connections the soak holds
  --soak-interval 5s      time between RSS samples in the soak
  --out DIR               results folder (default bench/results/<timestamp>/)
  --audit-out FILE        where serve's audit stdout goes (default OUT/audit.jsonl)
  --update-readme         write the table into README.md's Performance section
  --no-build              do not run npm run build when dist/ is older than src/
  --keep-tmp              keep the temp dir (configs, data dir, origin and squid logs)
  --seed 8                seed of the generated bundle (1,000 agents, 500 policies)
`;

export interface BenchOptions {
  readonly conns: readonly number[];
  readonly durationS: number;
  readonly warmupS: number;
  readonly rate: number;
  readonly openConns: number;
  /** Agents the many-agents level spreads its requests over; 0: no such level. */
  readonly manyAgents: number;
  readonly manyAgentsConns: number;
  /** Rounds per level; the table shows the median over them. */
  readonly repeat: number;
  readonly squid: boolean | null; // null: when installed
  readonly workers: number | null;
  readonly body: '1k' | '100k';
  readonly timeoutS: number;
  readonly soakS: number | null;
  readonly soakConns: number;
  readonly soakIntervalS: number;
  readonly outDir: string | null;
  readonly auditOut: string | null;
  readonly updateReadme: boolean;
  readonly build: boolean;
  readonly keepTmp: boolean;
  readonly seed: number;
}

export type ParsedOptions = { ok: true; options: BenchOptions } | { ok: false; error: string };

class OptionError extends Error {}

function integer(name: string, text: string, minimum: number, maximum = Infinity): number {
  const value = Number(text);
  if (Number.isInteger(value) && value >= minimum && value <= maximum) return value;
  const range = maximum === Infinity ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
  throw new OptionError(`--${name}: \`${text}\` is not an integer ${range}`);
}

// Twenty rounds of a full run already take well over an hour; more is likelier a typo (30 for 3).
const MAX_REPEAT = 20;

function seconds(name: string, text: string, allowZero = false): number {
  if (allowZero && text === '0') return 0;
  const value = parseDuration(text);
  if (value === null) throw new OptionError(`--${name}: \`${text}\` is not a duration like 10s or 2m`);
  return value;
}

function levels(text: string): number[] {
  if (text === 'none') return [];
  return text.split(',').map((level) => integer('conns', level.trim(), 1));
}

const SPEC = {
  conns: { type: 'string', default: '1,50,500,2000' },
  duration: { type: 'string', default: '10s' },
  warmup: { type: 'string', default: '2s' },
  rate: { type: 'string', default: '2000' },
  'open-conns': { type: 'string', default: '2000' },
  'many-agents': { type: 'string', default: '200' },
  'many-agents-conns': { type: 'string', default: '50' },
  repeat: { type: 'string', default: '1' },
  squid: { type: 'boolean' },
  'no-squid': { type: 'boolean' },
  workers: { type: 'string' },
  body: { type: 'string', default: '1k' },
  timeout: { type: 'string', default: '10s' },
  soak: { type: 'string' },
  'soak-conns': { type: 'string', default: '2000' },
  'soak-interval': { type: 'string', default: '5s' },
  out: { type: 'string' },
  'audit-out': { type: 'string' },
  'update-readme': { type: 'boolean', default: false },
  'no-build': { type: 'boolean', default: false },
  'keep-tmp': { type: 'boolean', default: false },
  seed: { type: 'string', default: '8' },
  help: { type: 'boolean', default: false },
} as const;

function build(values: ReturnType<typeof parseArgs<{ options: typeof SPEC }>>['values']): BenchOptions {
  if (values.squid && values['no-squid']) throw new OptionError('--squid and --no-squid: choose one');
  if (values.body !== '1k' && values.body !== '100k') throw new OptionError(`--body: \`${values.body}\` is not 1k or 100k`);
  return {
    conns: levels(values.conns),
    durationS: seconds('duration', values.duration),
    warmupS: seconds('warmup', values.warmup, true),
    rate: integer('rate', values.rate, 0),
    openConns: integer('open-conns', values['open-conns'], 1),
    manyAgents: integer('many-agents', values['many-agents'], 0),
    manyAgentsConns: integer('many-agents-conns', values['many-agents-conns'], 1),
    repeat: integer('repeat', values.repeat, 1, MAX_REPEAT),
    squid: values.squid ? true : values['no-squid'] ? false : null,
    workers: values.workers === undefined ? null : integer('workers', values.workers, 1),
    body: values.body,
    timeoutS: seconds('timeout', values.timeout),
    soakS: values.soak === undefined ? null : seconds('soak', values.soak),
    soakConns: integer('soak-conns', values['soak-conns'], 1),
    soakIntervalS: seconds('soak-interval', values['soak-interval']),
    outDir: values.out ?? null,
    auditOut: values['audit-out'] ?? null,
    updateReadme: values['update-readme'],
    build: !values['no-build'],
    keepTmp: values['keep-tmp'],
    seed: integer('seed', values.seed, 0),
  };
}

/** null options with ok: the caller asked for --help. */
export function parseOptions(argv: readonly string[]): ParsedOptions | { ok: true; options: null } {
  try {
    const { values } = parseArgs({ args: [...argv], options: SPEC, strict: true, allowPositionals: false });
    if (values.help) return { ok: true, options: null };
    return { ok: true, options: build(values) };
  } catch (error) {
    // parseArgs's own messages are sentences with a period; keep them on one line
    return { ok: false, error: error instanceof Error ? error.message.replace(/\.$/, '') : String(error) };
  }
}
