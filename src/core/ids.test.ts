import { it } from 'node:test';
import assert from 'node:assert/strict';
import { newRequestId } from './ids.js';

it('request ids are RFC 9562 UUIDv7: version 7, RFC variant, the time in the first 48 bits', () => {
  const id = newRequestId(Date.UTC(2026, 10, 24, 12, 0, 0, 123));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), Date.UTC(2026, 10, 24, 12, 0, 0, 123));
  // Across several refills of the random pool, at both ends of the 48-bit time.
  for (const ms of [0, 2 ** 48 - 1]) {
    for (let i = 0; i < 1_000; i++) assert.match(newRequestId(ms), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  assert.equal(newRequestId(0).slice(0, 13), '00000000-0000');
  assert.equal(newRequestId(2 ** 48 - 1).slice(0, 13), 'ffffffff-ffff');
});

it('ids of later milliseconds sort after earlier ones, and no two are equal', () => {
  const ids = Array.from({ length: 1_000 }, (_, i) => newRequestId(1_700_000_000_000 + i));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(Array.from({ length: 10_000 }, () => newRequestId(1)) ).size, 10_000);
});
