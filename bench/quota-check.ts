// What the rate-limit check adds per request, per backend (a benchmark, never a test):
//   node --import tsx bench/quota-check.ts [--redis redis://127.0.0.1:6379/0]
// The measurements live in bench/micro/quota.ts (also part of `npm run bench:micro`).
import { quotaBenchmarks } from './micro/quota.js';
import { markdownTable } from './micro/timing.js';

const at = process.argv.indexOf('--redis');
const redisUrl = at >= 0 ? (process.argv[at + 1] ?? '') : 'redis://127.0.0.1:6379/0';
quotaBenchmarks(redisUrl).then(
  (results) => process.stdout.write(`${markdownTable(results)}\n`),
  (error: unknown) => {
    process.stderr.write(`quota-check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
