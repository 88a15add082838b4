import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClawgressError, ERRORS, type ErrorSpec } from './errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `(CLAWGRESS_ERR_[A-Z_]+)` \| (\d{3}|—) \|/gm)].map((m) => [m[1] as string, m[2] as string] as const),
);

test('every error code is documented in docs/errors.md with its status', () => {
  for (const spec of Object.values(ERRORS) as ErrorSpec[]) {
    assert.equal(rows.get(spec.code), spec.status === undefined ? '—' : String(spec.status), spec.code);
  }
});

test('docs/errors.md lists no code the catalogue lacks', () => {
  const codes = new Set((Object.values(ERRORS) as ErrorSpec[]).map((s) => s.code));
  assert.deepEqual([...rows.keys()].filter((code) => !codes.has(code)), []);
});

test('a ClawgressError carries the code, status and field of its catalogue entry', () => {
  const error = new ClawgressError('VALIDATION', 'body.priority: must be integer', { field: 'priority' });
  assert.equal(error.code, 'CLAWGRESS_ERR_VALIDATION');
  assert.equal(error.status, 400);
  assert.equal(error.field, 'priority');
});
