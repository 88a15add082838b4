// `npm run bench:flame -- FILE.cpuprofile...`: CPU profiles as text flame graphs (bench/lib/flame-graph.ts).
//   npm run bench:flame -- FILE.cpuprofile... [--min 1] [--depth 40] [--folded OUT.folded (one file only)]
// Take the profile with `node --cpu-prof` (for `serve`: NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"
// bench/serve-for-shared-bench.sh, one file per process). --folded also writes folded stacks, for
// flamegraph.pl or speedscope to draw; speedscope and Chrome's DevTools also open the file itself.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { asCpuProfile, flameTree, foldedStacks, renderFlameText } from './lib/flame-graph.js';

function readOptions(): { files: string[]; minPercent: number; maxDepth: number; folded: string | undefined } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      min: { type: 'string', default: '1' },
      depth: { type: 'string', default: '40' },
      folded: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('usage: npm run bench:flame -- FILE.cpuprofile... [--min PERCENT] [--depth N] [--folded OUT]');
  if (values.folded !== undefined && positionals.length > 1) throw new Error('--folded: give one profile, not several');
  const minPercent = Number(values.min);
  if (!Number.isFinite(minPercent) || minPercent < 0 || minPercent > 100) throw new Error(`--min: \`${values.min}\` is not a percentage from 0 to 100`);
  const maxDepth = Number(values.depth);
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) throw new Error(`--depth: \`${values.depth}\` is not a whole number of at least 1`);
  return { files: positionals, minPercent, maxDepth, folded: values.folded };
}

function main(): void {
  const options = readOptions();
  for (const [i, file] of options.files.entries()) {
    if (i > 0) process.stdout.write('\n');
    printProfile(file, options);
  }
}

function printProfile(file: string, options: ReturnType<typeof readOptions>): void {
  let profile;
  try {
    profile = asCpuProfile(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const tree = flameTree(profile);
  const seconds = profile.startTime !== undefined && profile.endTime !== undefined ? (profile.endTime - profile.startTime) / 1e6 : undefined;
  const idle = tree.children.get('(idle)')?.total ?? 0;
  process.stdout.write(
    `${file}: ${tree.total} samples${seconds === undefined ? '' : ` over ${seconds.toFixed(1)} s`}, ` +
      `${((100 * idle) / Math.max(1, tree.total)).toFixed(1)}% idle; frames under ${options.minPercent}% left out\n\n`,
  );
  process.stdout.write(renderFlameText(tree, { minPercent: options.minPercent, maxDepth: options.maxDepth }));
  if (options.folded !== undefined) writeFileSync(options.folded, foldedStacks(tree));
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:flame: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
