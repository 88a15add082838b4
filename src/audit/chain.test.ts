import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditCheckpoint, AuditEvent } from '../core/index.js';
import { checkCheckpointSignature } from './checkpoint-signature.js';
import { genesisHash, hashEvent } from './hash.js';
import { isCheckpoint } from './records.js';
import { makeEvent, newChain, PUBLIC_KEYS, sealMany } from './chain-harness.test.js';

void test('the first event links to the segment genesis and each next one to the event before it', () => {
  const chain = newChain();
  const records = sealMany(chain, 'r', 3);
  const [start, ...events] = records as [AuditCheckpoint, ...AuditEvent[]];
  assert.equal(start.kind, 'start');
  assert.deepEqual(start.head, { segment: 's1', count: 0, head_hash: genesisHash('gw-1', 's1') });
  assert.deepEqual(events.map((e) => e.prev_hash), [genesisHash('gw-1', 's1'), events[0]?.hash, events[1]?.hash]);
  for (const event of events) assert.equal(event.hash, hashEvent(event));
  assert.match(events[0]?.hash ?? '', /^sha256:[0-9a-f]{64}$/);
});

void test('a sealed event keeps every field of the event it was given', () => {
  const event = makeEvent('r1');
  const sealed = newChain().seal(event).find((r) => !isCheckpoint(r)) as AuditEvent;
  assert.deepEqual({ ...sealed, prev_hash: null, hash: null }, event);
  assert.deepEqual(Object.keys(sealed).slice(-3), ['schema_version', 'prev_hash', 'hash']);
});

void test('a periodic checkpoint follows every n-th event and signs the head', () => {
  const chain = newChain({ every: 2 });
  const kinds = sealMany(chain, 'r', 5).map((r) => (isCheckpoint(r) ? r.kind : (r as AuditEvent).request_id));
  assert.deepEqual(kinds, ['start', 'r1', 'r2', 'periodic', 'r3', 'r4', 'periodic', 'r5']);
});

void test('the timer checkpoint covers only gateways with events since their last checkpoint', () => {
  const chain = newChain({ every: 100 });
  sealMany(chain, 'a', 2, 'gw-a');
  sealMany(chain, 'b', 1, 'gw-b');
  assert.deepEqual(chain.checkpoint('periodic').map((c) => [c.gateway_id, c.head?.count]), [['gw-a', 2], ['gw-b', 1]]);
  sealMany(chain, 'b', 1, 'gw-b');
  assert.deepEqual(chain.checkpoint('periodic').map((c) => c.gateway_id), ['gw-b']);
  assert.deepEqual(chain.checkpoint('shutdown').map((c) => [c.gateway_id, c.kind]), [['gw-a', 'shutdown'], ['gw-b', 'shutdown']]);
});

void test('each gateway has its own chain and segment', () => {
  const chain = newChain();
  const records = [...sealMany(chain, 'a', 1, 'gw-a'), ...sealMany(chain, 'b', 1, 'gw-b')];
  const events = records.filter((r) => !isCheckpoint(r)) as AuditEvent[];
  assert.deepEqual(events.map((e) => e.prev_hash), [genesisHash('gw-a', 's1'), genesisHash('gw-b', 's2')]);
});

void test('every checkpoint is signed, and a changed field breaks the signature', () => {
  const chain = newChain({ every: 1 });
  const checkpoints = sealMany(chain, 'r', 2).filter(isCheckpoint);
  assert.equal(checkpoints.length, 3);
  for (const checkpoint of checkpoints) assert.equal(checkCheckpointSignature(checkpoint, PUBLIC_KEYS), 'valid');
  const forged = { ...checkpoints[1], head: { ...checkpoints[1]?.head, count: 5 } } as AuditCheckpoint;
  assert.equal(checkCheckpointSignature(forged, PUBLIC_KEYS), 'invalid');
  assert.equal(checkCheckpointSignature(checkpoints[0] as AuditCheckpoint, new Map()), 'unknown_key');
});

void test('a restart links its start to the saved head and vouches for what the sinks lost', () => {
  const first = newChain();
  const events = sealMany(first, 'r', 3).filter((r) => !isCheckpoint(r)) as AuditEvent[];
  const lostRun = { gateway_id: 'gw-1', from_hash: events[1]?.hash ?? null, to_hash: events[2]?.hash as string, events: 1 };
  const state = first.state({ clean: true, lost: [{ sink: 'store', reason: 'closed', run: lostRun }] });
  assert.deepEqual(state.gateways['gw-1'], {
    segment: 's1', count: 3, head_hash: events[2]?.hash, clean: true,
    lost: [{ sink: 'store', reason: 'closed', run: lostRun }],
  });
  const second = newChain({ restored: state, segments: ['s2'] });
  const [start, gap] = second.open('gw-1');
  assert.deepEqual(start?.previous, { segment: 's1', count: 3, head_hash: events[2]?.hash, clean: true });
  assert.deepEqual([gap?.kind, gap?.gap], ['gap', { sink: 'store', reason: 'closed', run: lostRun }]);
  assert.deepEqual(second.open('gw-1'), [], 'a segment opens once');
});

void test('the drop counts of each sink are in later checkpoints', () => {
  const chain = newChain();
  chain.open('gw-1');
  chain.noteDropped('store', 3);
  chain.noteDropped('store', 2);
  sealMany(chain, 'r', 1);
  assert.deepEqual(chain.checkpoint('shutdown')[0]?.dropped, { store: 5 });
});

void test('checkpointEvery must be a positive integer', () => {
  assert.throws(() => newChain({ every: 0 }), { message: 'audit chain: checkpointEvery: `0` is not a positive integer' });
});
