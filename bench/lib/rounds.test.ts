import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownTable, notesOf, TABLE_NOTES, tableNotes } from './report.js';
import { highest, median, summarizeRounds } from './rounds.js';
import { addAddedLatency, type Row } from './rows.js';

function row(fields: Partial<Row> & Pick<Row, 'target' | 'conns'>): Row {
  return {
    mode: 'closed', body: '1k', agents: null, round: 1, rate: null, duration_s: 10, requests: 1000, req_per_s: 100,
    p50_ms: 1, p90_ms: 2, p99_ms: 3, p999_ms: 4, max_ms: 5, errors: 0, error_detail: {},
    cpu_pct: null, cpu_us_per_req: null, peak_rss_mib: null, peak_pss_mib: null, generator_cpu_pct: null,
    listen_overflows: 0, added_p50_ms: null, added_p99_ms: null, ...fields,
  };
}

test('median and highest ignore nulls; none at all gives null', () => {
  const cases: [name: string, values: (number | null)[], median: number | null, highest: number | null][] = [
    ['one value', [7], 7, 7],
    ['odd count, unsorted: the middle one', [9, 1, 5], 5, 9],
    ['even count: the mean of the two middle values', [4, 1, 3, 10], 3.5, 10],
    ['two values: halfway, without float noise', [0.1, 0.2], 0.15, 0.2],
    ['three-decimal values keep their precision', [0.101, 0.102], 0.1015, 0.102],
    ['nulls are left out (odd count remains)', [null, 2, null, 8, 3], 3, 8],
    ['nulls are left out (even count remains)', [2, null, 8], 5, 8],
    ['negative values (a proxy faster than direct)', [-0.2, 0.1, -0.05], -0.05, 0.1],
    ['all null', [null, null], null, null],
    ['empty', [], null, null],
  ];
  for (const [name, values, expectedMedian, expectedHighest] of cases) {
    assert.equal(median(values), expectedMedian, `median: ${name}`);
    assert.equal(highest(values), expectedHighest, `highest: ${name}`);
  }
});

test('a summary per level and target: medians, errors summed, peak memory the highest', () => {
  const rounds: Partial<Row>[] = [
    { req_per_s: 900, p50_ms: 1.2, max_ms: 30, errors: 1, error_detail: { timeout: 1 }, cpu_pct: 150, peak_rss_mib: 210, peak_pss_mib: null },
    { req_per_s: 1100, p50_ms: 0.9, max_ms: 50, errors: 0, error_detail: { timeout: 0 }, cpu_pct: null, peak_rss_mib: 250, peak_pss_mib: null },
    { req_per_s: 1000, p50_ms: 1.0, max_ms: 10, errors: 2, error_detail: { timeout: 1, read: 1 }, cpu_pct: 130, peak_rss_mib: null, peak_pss_mib: null },
  ];
  const rows = rounds.map((fields, i) => row({ target: 'clawgress', conns: 50, round: i + 1, requests: 10 * (fields.req_per_s ?? 0), ...fields }));
  const [summary, ...rest] = summarizeRounds(rows);
  assert.ok(summary !== undefined);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    [summary.rounds, summary.req_per_s, summary.req_per_s_min, summary.req_per_s_max, summary.p50_ms, summary.max_ms],
    [3, 1000, 900, 1100, 1, 30],
  );
  assert.deepEqual([summary.errors, summary.error_detail, summary.requests], [3, { timeout: 2, read: 1 }, 30_000]);
  assert.equal(summary.cpu_pct, 140, 'the null round is left out: the mean of the two others');
  assert.equal(summary.peak_rss_mib, 250);
  assert.equal(summary.peak_pss_mib, null, 'no round had a PSS sample');
  assert.equal(summary.cpu_us_per_req, null);
  assert.equal(summary.round, undefined, 'a summary is of no one round');
});

test('added latency is the median of the per-round differences, not the difference of medians', () => {
  // direct p50 per round 1, 5, 2 (median 2); clawgress 2, 6, 10 (median 6): the difference of the
  // medians would be 4, while in every round but the third clawgress added 1 ms.
  const p50s: [direct: number, clawgress: number][] = [[1, 2], [5, 6], [2, 10]];
  const rows = p50s.flatMap(([direct, clawgress], i) => [
    row({ target: 'direct', conns: 1, round: i + 1, p50_ms: direct, p99_ms: direct }),
    row({ target: 'clawgress', conns: 1, round: i + 1, p50_ms: clawgress, p99_ms: clawgress + 1 }),
  ]);
  addAddedLatency(rows);
  const summaries = summarizeRounds(rows);
  assert.deepEqual(summaries.map((s) => [s.target, s.p50_ms, s.added_p50_ms, s.added_p99_ms]), [
    ['direct', 2, null, null],
    ['clawgress', 6, 1, 2],
  ]);
});

test('summaries keep the order of levels and targets, and two rounds take the mean', () => {
  const level = (fields: Partial<Row>, round: number, rates: [number, number]): Row[] => [
    row({ target: 'direct', conns: 1, round, req_per_s: rates[0], ...fields }),
    row({ target: 'squid', conns: 1, round, req_per_s: rates[1], ...fields }),
  ];
  const open = { mode: 'open', conns: 2000, rate: 2000 } as const;
  const rows = [...level({}, 1, [100, 50]), ...level({}, 2, [101, 60]), ...level(open, 1, [2000, 1990]), ...level(open, 2, [1999, 2000])];
  const summaries = summarizeRounds(rows);
  assert.deepEqual(summaries.map((s) => [s.mode, s.target, s.req_per_s, s.rounds]), [
    ['closed', 'direct', 100.5, 2],
    ['closed', 'squid', 55, 2],
    ['open', 'direct', 1999.5, 2],
    ['open', 'squid', 1995, 2],
  ]);
});

test('with one round the table is the table of the runs themselves', () => {
  const open = { mode: 'open', conns: 2000, rate: 2000 } as const;
  const rows = [
    row({ target: 'direct', conns: 1, p50_ms: 0.1, p99_ms: 0.5, cpu_pct: null }),
    row({ target: 'clawgress', conns: 1, p50_ms: 0.4, p99_ms: 2.5, req_per_s: 2345.6, cpu_pct: 97.3, cpu_us_per_req: 415.2, peak_rss_mib: 310.4, peak_pss_mib: 180.2, generator_cpu_pct: 12.1 }),
    row({ target: 'squid', conns: 1, p50_ms: 0.3, p99_ms: 0.9, errors: 4, error_detail: { status: 4 } }),
    row({ target: 'direct', conns: 50, agents: 200, p50_ms: 0.5, p99_ms: 1 }),
    row({ target: 'clawgress', conns: 50, agents: 200, p50_ms: 4, p99_ms: 20 }),
    row({ target: 'direct', ...open, p50_ms: 0.201, p99_ms: 0.733, max_ms: null }),
    row({ target: 'clawgress', ...open, p50_ms: 0.512, p99_ms: 1.876, max_ms: 12.345 }),
  ];
  addAddedLatency(rows);
  const summaries = summarizeRounds(rows);
  assert.equal(markdownTable(summaries), markdownTable(rows));
  assert.equal(tableNotes(1), TABLE_NOTES);
  assert.doesNotMatch(markdownTable(summaries), /range/);
});

test('with three rounds the table adds the req/s range after req/s, and the notes say how cells are made', () => {
  const rows = [900, 1100, 1000].flatMap((rate, i) => [
    row({ target: 'direct', conns: 1, round: i + 1, req_per_s: rate * 2 }),
    row({ target: 'clawgress', conns: 1, round: i + 1, req_per_s: rate }),
  ]);
  addAddedLatency(rows);
  const lines = markdownTable(summarizeRounds(rows)).split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] as string, /^\| load \| target \| req\/s \| req\/s range \| p50 \|/);
  assert.match(lines[1] as string, /^\| --- \| --- \| ---: \| ---: \| ---: \|/);
  assert.match(lines[2] as string, /^\| closed c=1 \| direct \| 2000 \| 1800–2200 \| 1\.00 \|/);
  assert.match(lines[3] as string, /^\| closed c=1 \| clawgress \| 1000 \| 900–1100 \| 1\.00 \|.* 0\.000 \| 0\.000 \|/);
  assert.equal(lines.every((line) => line.split(' | ').length === 16), true, 'every line has the extra column');
  const notes = tableNotes(3);
  assert.ok(notes.startsWith(TABLE_NOTES));
  assert.match(notes, /median of 3 interleaved rounds/);
  assert.match(notes, /mean of the two middle values/);
  assert.match(notes.replace(/\n/g, ' '), /target minus direct of the same round \(paired, not the difference of the medians\)/);
});

test('notes on single runs name their round only when there is more than one', () => {
  const overflowing = (round: number): Row => row({ target: 'squid', conns: 2000, round, listen_overflows: 3 });
  assert.deepEqual(notesOf([overflowing(1)]), ['closed c=2000 squid: 3 listen-queue overflows (each dropped connect waits >= 1 s for a SYN retry)']);
  assert.match(notesOf([row({ target: 'squid', conns: 2000, round: 1 }), overflowing(2)])[0] as string, /^closed c=2000 squid round 2: 3 listen-queue/);
});
