import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptions } from './options.js';

test('options: defaults, levels, and one clear line per mistake', () => {
  const parsed = parseOptions([]);
  assert.ok(parsed.ok && parsed.options !== null);
  assert.deepEqual(parsed.options.conns, [1, 50, 500, 2000]);
  assert.equal(parsed.options.rate, 2000);
  assert.equal(parsed.options.squid, null);
  assert.deepEqual([parsed.options.manyAgents, parsed.options.manyAgentsConns], [200, 50]);
  const none = parseOptions(['--many-agents', '0']);
  assert.ok(none.ok && none.options !== null);
  assert.equal(none.options.manyAgents, 0);
  assert.deepEqual(parseOptions(['--many-agents', 'all']), { ok: false, error: '--many-agents: `all` is not an integer >= 0' });
  assert.deepEqual(parseOptions(['--many-agents-conns', '0']), { ok: false, error: '--many-agents-conns: `0` is not an integer >= 1' });
  const custom = parseOptions(['--conns', '1,50', '--duration', '3s', '--no-squid', '--workers', '2', '--soak', '5m']);
  assert.ok(custom.ok && custom.options !== null);
  assert.deepEqual([custom.options.conns, custom.options.durationS, custom.options.squid, custom.options.workers, custom.options.soakS], [[1, 50], 3, false, 2, 300]);
  assert.deepEqual(parseOptions(['--conns', '1,x']), { ok: false, error: '--conns: `x` is not an integer >= 1' });
  assert.deepEqual(parseOptions(['--duration', 'soon']), { ok: false, error: '--duration: `soon` is not a duration like 10s or 2m' });
  assert.equal(parseOptions(['--bogus']).ok, false);
});

test('options: --repeat takes 1 to 20 rounds, default 1', () => {
  const cases: [name: string, argv: string[], expected: number | string][] = [
    ['default', [], 1],
    ['three rounds', ['--repeat', '3'], 3],
    ['the most', ['--repeat', '20'], 20],
    ['zero', ['--repeat', '0'], '--repeat: `0` is not an integer from 1 to 20'],
    ['too many', ['--repeat', '21'], '--repeat: `21` is not an integer from 1 to 20'],
    ['not an integer', ['--repeat', '2.5'], '--repeat: `2.5` is not an integer from 1 to 20'],
    ['not a number', ['--repeat', 'three'], '--repeat: `three` is not an integer from 1 to 20'],
  ];
  for (const [name, argv, expected] of cases) {
    const parsed = parseOptions(argv);
    if (typeof expected === 'string') assert.deepEqual(parsed, { ok: false, error: expected }, name);
    else assert.equal(parsed.ok && parsed.options?.repeat, expected, name);
  }
});
