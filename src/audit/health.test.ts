import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { AuditHealth } from './health.js';

const START = Date.UTC(2026, 0, 1);

void test('every sink starts healthy', () => {
  const health = new AuditHealth({ clock: new ManualClock(START), windowMs: 60_000, sinks: ['store', 'stdout'] });
  assert.deepEqual(health.status(), {
    degraded: false,
    detail: 'ok',
    sinks: { store: { failingSince: null, droppedRecently: 0 }, stdout: { failingSince: null, droppedRecently: 0 } },
  });
});

void test('a failing sink is degraded from its first failure until a write succeeds', () => {
  const clock = new ManualClock(START);
  const health = new AuditHealth({ clock, windowMs: 60_000, sinks: ['store'] });
  health.noteFailed('store');
  clock.advance(5_000);
  health.noteFailed('store');
  assert.equal(health.status().detail, 'degraded: sink `store` failing since 2026-01-01T00:00:00.000Z');
  health.noteWritten('store');
  assert.equal(health.status().degraded, false);
});

void test('drops keep a sink degraded for the window after them, then it recovers', () => {
  const clock = new ManualClock(START);
  const health = new AuditHealth({ clock, windowMs: 60_000, sinks: ['store'] });
  health.noteDropped('store', 3);
  clock.advance(30_000);
  health.noteDropped('store', 2);
  assert.equal(health.status().detail, 'degraded: sink `store` dropped 5 events in the last 60 s');
  clock.advance(30_000);
  assert.equal(health.status().detail, 'degraded: sink `store` dropped 2 events in the last 60 s');
  clock.advance(30_000);
  assert.deepEqual([health.status().degraded, health.status().detail], [false, 'ok']);
});
