import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { Logger } from '../observe/index.js';
import { createDropAlerter } from './drop-alerter.js';

function recordingLogger(): { logger: Logger; told: Array<Record<string, unknown>> } {
  const told: Array<Record<string, unknown>> = [];
  const logger = { warn: (fields: Record<string, unknown>) => void told.push(fields) } as unknown as Logger;
  return { logger, told };
}

// Every test drives the alert windows with mocked timers.
beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

void test('the first drop is told at once, the rest of the window when it closes, then quiet until the next drop', () => {
  const { logger, told } = recordingLogger();
  const alert = createDropAlerter(logger, 'worker', 1_000);
  alert('primary', 'queue_full', 1);
  alert('primary', 'queue_full', 5);
  alert('primary', 'queue_full', 7);
  assert.deepEqual(told.map((t) => t['dropped']), [1]);
  mock.timers.tick(1_000); // the window closes with 12 pending, though no drop came after
  assert.deepEqual(told.map((t) => t['dropped']), [1, 12]);
  mock.timers.tick(1_000); // a quiet window: nothing told, the window ends
  assert.equal(told.length, 2);
  alert('primary', 'queue_full', 3); // a new spell: told at once
  assert.deepEqual(told.map((t) => t['dropped']), [1, 12, 3]);
  assert.equal(told[2]?.['where'], 'worker');
});

void test('sinks and reasons are counted apart, and flush tells what is pending', () => {
  const { logger, told } = recordingLogger();
  const alert = createDropAlerter(logger, 'node', 1_000);
  alert('store', 'queue_full', 2);
  alert('stdout', 'queue_full', 4);
  alert('store', 'queue_full', 10);
  alert('store', 'shutdown', 1);
  alert.flush();
  const pairs = told.map((t) => `${String(t['sink'])}/${String(t['reason'])}:${String(t['dropped'])}`);
  assert.deepEqual(pairs, ['store/queue_full:2', 'stdout/queue_full:4', 'store/shutdown:1', 'store/queue_full:10']);
  mock.timers.tick(5_000);
  assert.equal(told.length, 4, 'nothing more after flush');
});

void test('every count that is logged is also handed to onTold (a worker passes it to the primary)', () => {
  const { logger } = recordingLogger();
  const heard: number[] = [];
  const alert = createDropAlerter(logger, 'worker', 1_000, (_sink, _reason, dropped) => heard.push(dropped));
  alert('primary', 'queue_full', 2);
  alert('primary', 'queue_full', 3);
  assert.deepEqual(heard, [2]);
  mock.timers.tick(1_000);
  assert.deepEqual(heard, [2, 3]);
});
