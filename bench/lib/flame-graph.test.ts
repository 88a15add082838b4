import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asCpuProfile, flameTree, foldedStacks, frameName, renderFlameText, type CpuProfile } from './flame-graph.js';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });

// (root) ─┬─ (idle)                          4 samples
//         ├─ main a.js:1 ─┬─ seal b.js:10     3 samples
//         │               └─ (anon) b.js:20   1 sample, and main itself 1
//         └─ main a.js:1  (a second V8 node for the same frame) ── seal b.js:10   1 sample
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 6] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('main', 'file:///app/a.js', 0), children: [4, 5] },
    { id: 4, callFrame: frame('seal', 'file:///app/b.js', 9) },
    { id: 5, callFrame: frame('', 'file:///app/b.js', 19) },
    { id: 6, callFrame: frame('main', 'file:///app/a.js', 0), children: [7] },
    { id: 7, callFrame: frame('seal', 'file:///app/b.js', 9) },
  ],
  samples: [2, 2, 4, 3, 4, 2, 5, 7, 4, 2],
};

test('the tree counts every sample once in each frame on its stack, and merges nodes naming the same frame', () => {
  const tree = flameTree(profile);
  assert.equal(tree.total, 10);
  const main = tree.children.get('main a.js:1');
  assert.deepEqual([tree.children.get('(idle)')?.total, main?.total, main?.self], [4, 6, 1]);
  assert.deepEqual([main?.children.get('seal b.js:10')?.total, main?.children.get('(anonymous) b.js:20')?.self], [4, 1]);
});

test('folded stacks are one sorted line per stack with its own samples', () => {
  assert.equal(
    foldedStacks(flameTree(profile)),
    ['(idle) 4', 'main a.js:1 1', 'main a.js:1;(anonymous) b.js:20 1', 'main a.js:1;seal b.js:10 4', ''].join('\n'),
  );
});

test('a semicolon in a frame name does not split it in the folded stacks', () => {
  const odd: CpuProfile = { nodes: [{ id: 1, callFrame: frame('(root)'), children: [2] }, { id: 2, callFrame: frame('get a;b', 'x.js', 0) }], samples: [2] };
  assert.equal(foldedStacks(flameTree(odd)), 'get a,b x.js:1 1\n');
});

test('the text puts the widest frame first and leaves out frames under the share or past the depth', () => {
  assert.equal(renderFlameText(flameTree(profile), { minPercent: 15, maxDepth: 5 }), [
    '  total    self  frame',
    '100.0%    0.0%  (all samples)',
    ' 60.0%   10.0%  · main a.js:1',
    ' 40.0%   40.0%  · · seal b.js:10',
    ' 40.0%   40.0%  · (idle)',
    '',
  ].join('\n'));
  assert.equal(renderFlameText(flameTree(profile), { minPercent: 0, maxDepth: 1 }).split('\n').length, 5);
});

test('frame names are file base name and 1-based line; V8 entries without a file keep their name', () => {
  assert.equal(frameName(frame('processTicksAndRejections', 'node:internal/process/task_queues', 66)), 'processTicksAndRejections task_queues:67');
  assert.equal(frameName(frame('(garbage collector)')), '(garbage collector)');
  assert.equal(frameName(frame('', 'file:///x/y.js', 0)), '(anonymous) y.js:1');
});

test('what is not a CPU profile is refused with what is missing', () => {
  assert.throws(() => asCpuProfile({ nodes: [] }), /expected an object with `nodes` and `samples`/);
  assert.throws(() => asCpuProfile(null), /not a V8 CPU profile/);
  assert.throws(() => asCpuProfile({ nodes: [{ id: 1 }], samples: [] }), /without `id` and `callFrame`/);
  assert.throws(() => flameTree({ nodes: [{ id: 1, callFrame: frame('(root)') }], samples: [9] }), /sample names node 9/);
});
