import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseAuditLine, readAuditJsonLines } from './log-reader.js';
import { makeEvent, newChain } from './chain-harness.test.js';

const v2 = JSON.stringify(newChain().seal(makeEvent('r1'))[1]);
const v1 = JSON.stringify({ ...JSON.parse(v2), schema_version: 1, prev_hash: undefined, hash: undefined });

const CASES: ReadonlyArray<[string, string, string | null]> = [
  ['a sealed schema 2 event is read', v2, null],
  ['a schema 1 event without chain fields is read', v1, null],
  ['a checkpoint is read', JSON.stringify(newChain().open('gw-1')[0]), null],
  ['an export header is read', '{"record_type":"audit_export","schema_version":2,"sink":"store","since":null,"until":null,"exported_at":"x"}', null],
  ['a line that is not json is refused', '{"request_id":', 'not a json document'],
  ['a json array is refused', '[1,2]', 'not a json object'],
  ['an unknown record type is named', '{"record_type":"audit_banana"}', 'record_type `audit_banana` is not known'],
  ['a newer schema is named', v2.replace('"schema_version":2', '"schema_version":3'), 'schema_version `3` is newer than this reader (2)'],
  ['a schema 2 event without its hash is refused', v2.replace(/,"hash":"[^"]+"/, ''), 'event `r1`: schema 2 without prev_hash or hash'],
  ['an unknown decision is named', v2.replace('"decision":"deny"', '"decision":"maybe"'), 'event: decision `maybe` is not known'],
  ['a checkpoint without a signature is refused', '{"record_type":"audit_checkpoint","kind":"start","timestamp":"t","key_id":"k"}', 'checkpoint: signature is not a string'],
];

for (const [name, line, problem] of CASES) {
  void test(name, () => {
    const parsed = parseAuditLine(line);
    assert.deepEqual('problem' in parsed ? parsed.problem : null, problem);
  });
}

void test('a stream is read as entries numbered by line, blank lines skipped, problems named by line', async () => {
  const entries = [];
  for await (const entry of readAuditJsonLines(Readable.from([`${v2}\n\n`, 'nope\n', `${v1}\n`]))) entries.push(entry);
  assert.deepEqual(entries.map((e) => [e.position, e.record === null ? e.problem : 'ok']), [[1, 'ok'], [3, 'line 3: not a json document'], [4, 'ok']]);
});
