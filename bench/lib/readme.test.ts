import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withGeneratedBlock } from './readme.js';

test('the readme block goes at the end of an existing performance section, before the next heading', () => {
  const readme = '# X\n\n## Performance\n\nhow to run\n\n## Layout\n\nfolders\n';
  const updated = withGeneratedBlock(readme, 'bench', 'TABLE 1');
  assert.equal(updated.split('TABLE 1').length, 2);
  assert.ok(updated.indexOf('how to run') < updated.indexOf('TABLE 1'));
  assert.ok(updated.indexOf('TABLE 1') < updated.indexOf('## Layout'));
  assert.ok(updated.endsWith('## Layout\n\nfolders\n'));
  const again = withGeneratedBlock(updated, 'bench', 'TABLE 2');
  assert.equal(again, updated.replace('TABLE 1', 'TABLE 2'));
});

test('a readme without a performance section gets one at the end', () => {
  const updated = withGeneratedBlock('# X\n\ntext\n', 'bench', 'T');
  assert.match(updated, /^# X\n\ntext\n\n## Performance\n\n<!-- bench:begin .*-->\nT\n<!-- bench:end -->\n$/);
});
