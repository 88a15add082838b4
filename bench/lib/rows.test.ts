import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownTable } from './report.js';
import { addAddedLatency, type Row } from './rows.js';

function row(fields: Partial<Row> & Pick<Row, 'target' | 'conns'>): Row {
  return {
    mode: 'closed', body: '1k', agents: null, rate: null, duration_s: 10, requests: 1000, req_per_s: 100,
    p50_ms: 1, p90_ms: 2, p99_ms: 3, p999_ms: 4, max_ms: 5, errors: 0, error_detail: {},
    cpu_pct: null, cpu_us_per_req: null, peak_rss_mib: null, peak_pss_mib: null, generator_cpu_pct: null,
    listen_overflows: 0, added_p50_ms: null, added_p99_ms: null, ...fields,
  };
}

test('added latency subtracts direct at the same mode and level only', () => {
  const rows = [
    row({ target: 'direct', conns: 1, p50_ms: 0.1, p99_ms: 0.5 }),
    row({ target: 'clawgress', conns: 1, p50_ms: 0.4, p99_ms: 2.5 }),
    row({ target: 'direct', conns: 50, p50_ms: 1, p99_ms: 9 }),
    row({ target: 'squid', conns: 50, p50_ms: 3, p99_ms: 4 }),
    row({ target: 'clawgress', conns: 2000, mode: 'open', rate: 2000 }),
    // The many-agents level has its own baseline at the same connections.
    row({ target: 'direct', conns: 50, agents: 200, p50_ms: 0.5, p99_ms: 1 }),
    row({ target: 'clawgress', conns: 50, agents: 200, p50_ms: 4, p99_ms: 20 }),
  ];
  addAddedLatency(rows);
  assert.deepEqual(rows.map((r) => [r.added_p50_ms, r.added_p99_ms]), [[null, null], [0.3, 2], [null, null], [2, -5], [null, null], [null, null], [3.5, 19]]);
});

test('the table has a header, an alignment line and one line per row', () => {
  const table = markdownTable([
    row({ target: 'direct', conns: 1 }),
    row({ target: 'squid', conns: 2000, mode: 'open', rate: 2000 }),
    row({ target: 'clawgress', conns: 50, agents: 200 }),
  ]);
  const lines = table.split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0] as string, /^\| load \| target \| req\/s \|/);
  assert.match(lines[3] as string, /^\| open 2000 conns @ 2000\/s \| squid \| 100 \| 1\.00 \|/);
  assert.match(lines[4] as string, /^\| closed c=50, 200 agents \| clawgress \| 100 \|/);
});
