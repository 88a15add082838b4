import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { loadConfig } from '../config/index.js';
import { applyHeapGrowth } from './heap-growth.js';

void test('--heap-growth defaults to 100 percent and takes 0..300, for every role', () => {
  for (const role of ['serve', 'gateway', 'control-plane'] as const) {
    const defaults = loadConfig({ role, argv: [], env: {}, readFile: () => '' });
    assert.ok(defaults.ok && defaults.config.heapGrowth === 100, role);
  }
  const set = loadConfig({ role: 'serve', argv: ['--heap-growth', '0'], env: {}, readFile: () => '' });
  assert.ok(set.ok && set.config.heapGrowth === 0);
  const tooMuch = loadConfig({ role: 'serve', argv: [], env: { CLAWGRESS_HEAP_GROWTH: '301' }, readFile: () => '' });
  assert.ok(!tooMuch.ok && /CLAWGRESS_HEAP_GROWTH|heap-growth/.test(tooMuch.error), tooMuch.ok ? '' : tooMuch.error);
});

void test('node started with --heap-growing-percent keeps its own value', () => {
  assert.equal(applyHeapGrowth(100, ['--heap-growing-percent=40']), false);
  assert.equal(applyHeapGrowth(100, ['--heap_growing_percent', '40']), false);
});

// The flag is process-wide, so its effect is checked in a child: a heap of garbage-producing
// survivors stays smaller with a 10% growth bound than with V8's own choice.
void test('the bound is in force: the old generation stays smaller than with V8 left to itself', () => {
  const script = `
    const { applyHeapGrowth } = await import(${JSON.stringify(new URL('./heap-growth.ts', import.meta.url).pathname)});
    if (process.argv[1] === 'bounded') applyHeapGrowth(10, []);
    const v8 = await import('node:v8');
    const keep = []; let peak = 0;
    for (let round = 0; round < 3000; round++) {
      keep.push(Array.from({ length: 2000 }, (_, i) => ({ i, s: 'x' + i })));
      if (keep.length > 300) keep.shift();
      const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_size;
      peak = Math.max(peak, old);
    }
    console.log(peak);`;
  const peak = (mode: string): number =>
    Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, mode], { encoding: 'utf8' }).trim());
  const bounded = peak('bounded');
  const free = peak('free');
  assert.ok(bounded < free * 0.8, `bounded ${bounded} vs V8 own ${free}`);
});
