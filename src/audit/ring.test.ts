import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from './ring.js';

void test('a ring keeps items oldest first across the wrap-around point', () => {
  const ring = new Ring<number>(4);
  for (const item of [1, 2, 3]) assert.equal(ring.push(item), true);
  assert.equal(ring.discard(2), 2);
  for (const item of [4, 5, 6]) assert.equal(ring.push(item), true);
  assert.deepEqual(ring.peek(10), [3, 4, 5, 6]);
  assert.equal(ring.size, 4);
});

void test('a full ring refuses a new item and keeps the queued ones', () => {
  const ring = new Ring<string>(2);
  ring.push('a');
  ring.push('b');
  assert.equal(ring.isFull(), true);
  assert.equal(ring.push('c'), false);
  assert.deepEqual(ring.peek(5), ['a', 'b']);
});

void test('peek does not remove items and discard removes no more than it holds', () => {
  const ring = new Ring<number>(3);
  ring.push(1);
  ring.push(2);
  assert.deepEqual(ring.peek(1), [1]);
  assert.equal(ring.size, 2);
  assert.equal(ring.discard(5), 2);
  assert.equal(ring.size, 0);
  assert.deepEqual(ring.peek(3), []);
});

void test('a ring refuses a capacity that is not a positive integer', () => {
  assert.throws(() => new Ring(0), { message: 'ring: capacity `0` is not a positive integer' });
  assert.throws(() => new Ring(1.5), { message: 'ring: capacity `1.5` is not a positive integer' });
});
