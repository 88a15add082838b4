// `npm run bench:micro`: the pure parts of the hot path, one at a time, as a Markdown table.
//   npm run bench:micro -- [--only decide,identity,audit,quota] [--redis redis://127.0.0.1:6379/0]
//                          [--seed 8] [--update-readme]
// decide() per-decision cost must not grow beyond 2x from 100 to 10,000 policies (issue 8):
// the ratio is printed under the table.

import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_DIR } from '../lib/clawgress.js';
import { updateReadme } from '../lib/readme.js';
import { auditBenchmarks } from './audit.js';
import { decideBenchmarks, decideRatio } from './decide.js';
import { identityBenchmarks } from './identity.js';
import { quotaBenchmarks } from './quota.js';
import { markdownTable, type MicroResult } from './timing.js';

const GROUPS = ['decide', 'identity', 'audit', 'quota'] as const;
type Group = (typeof GROUPS)[number];

function readOptions(): { groups: Set<Group>; redis: string; seed: number; updateReadme: boolean } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: GROUPS.join(',') },
      redis: { type: 'string', default: 'redis://127.0.0.1:6379/0' },
      seed: { type: 'string', default: '8' },
      'update-readme': { type: 'boolean', default: false },
    },
  });
  const groups = values.only.split(',').map((name) => name.trim());
  const unknown = groups.find((name) => !(GROUPS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new Error(`--only: \`${unknown}\` is not one of ${GROUPS.join(', ')}`);
  return { groups: new Set(groups as Group[]), redis: values.redis, seed: Number(values.seed), updateReadme: values['update-readme'] };
}

async function main(): Promise<void> {
  const options = readOptions();
  const results: MicroResult[] = [];
  const lines: string[] = [];
  const progress = (group: string): void => void process.stderr.write(`bench:micro: ${group}\n`);
  if (options.groups.has('decide')) {
    progress('decide');
    const decide = decideBenchmarks(options.seed);
    results.push(...decide);
    lines.push(`decide(): 10,000 policies cost ${decideRatio(decide).toFixed(2)}x what 100 cost per decision (target: at most 2x).`);
  }
  const others: [Group, () => Promise<MicroResult[]>][] = [
    ['identity', () => identityBenchmarks(options.seed)],
    ['audit', () => auditBenchmarks()],
    ['quota', () => quotaBenchmarks(options.redis)],
  ];
  for (const [group, measure] of others) {
    if (!options.groups.has(group)) continue;
    progress(group);
    results.push(...(await measure()));
  }
  const header = `Micro-benchmarks ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ` +
    `Node ${process.version}; median of 7 rounds after 2 warm-up rounds, one call at a time.`;
  const report = [header, '', markdownTable(results), '', ...lines].join('\n').trimEnd();
  process.stdout.write(`${report}\n`);
  if (options.updateReadme) updateReadme(join(PROJECT_DIR, 'README.md'), 'bench-micro', report);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:micro: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
