// Each bad file in test/fixtures/config is named for its defect and asserted with the exact
// line the process would print before refusing to start.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './load.js';
import type { Role } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/config/', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(`${FIXTURES}expected-errors.json`, 'utf8')) as Record<
  string,
  { role: Role; error: string }
>;

function readFixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

void describe('bad config files', () => {
  void it('has an expected error for every fixture file, and a file for every expected error', () => {
    const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.env')).sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    void it(`${file} fails with its expected line`, () => {
      const result = loadConfig({ role: expected.role, argv: ['--config', file], env: {}, readFile: readFixture });
      assert.equal(result.ok ? 'loaded without error' : result.error, expected.error);
    });
  }

  void it('does not quote the short admin token it refuses', () => {
    const token = /CLAWGRESS_ADMIN_TOKEN=(.*)/.exec(readFixture('short-admin-token.env'))?.[1] ?? '';
    const result = loadConfig({ role: 'serve', argv: ['--config', 'short-admin-token.env'], env: {}, readFile: readFixture });
    assert.ok(token.length > 0);
    assert.ok(!result.ok && !result.error.includes(token));
  });
});
