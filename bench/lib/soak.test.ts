import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeSoak } from './soak.js';

test('the soak summary measures drift from the first sample after a tenth of the soak', () => {
  const totals = [100, 200, 220, 210, 231];
  const samples = totals.map((mib, i) => ({ atMs: i * 5_000, kib: mib * 1024, pssKib: (mib - 30) * 1024, perProcessKib: [mib * 1024 - 100 * 1024, 100 * 1024] }));
  const summary = summarizeSoak(samples, 20);
  assert.equal(summary.settled_at_s, 5);
  assert.equal(summary.settled_mib, 200);
  assert.equal(summary.drift_pct, 15.5);
  assert.equal(summary.spread_pct, 15.5);
  assert.equal(summary.first_mib, 100);
  assert.equal(summary.last_mib, 231);
  assert.deepEqual(summary.last_per_process_mib, [131, 100]);
  assert.equal(summary.max_pss_mib, 201);
  assert.equal(summary.last_pss_mib, 201);
});
