import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../observe/index.js';
import { RECOVER_MS, WORKER_NICENESS, WorkerPriority } from './worker-priority.js';

/** setpriority's refusal as node:os throws it. */
function systemError(code: string): Error {
  return Object.assign(new Error(`A system error occurred: uv_os_setpriority returned ${code}`), { code: 'ERR_SYSTEM_ERROR', info: { code } });
}

function harness(options: { base?: number; refuseRaising?: boolean; gone?: number[] } = {}) {
  const base = options.base ?? 0;
  const niceness = new Map<number, number>();
  const calls: Array<[number, number]> = [];
  const warnings: string[] = [];
  const state = { backlog: 0, dropped: 0, now: 0 };
  const priority = new WorkerPriority({
    base,
    pressure: () => ({ backlog: state.backlog, dropped: state.dropped }),
    setNiceness: (pid, value) => {
      calls.push([pid, value]);
      if (options.gone?.includes(pid)) throw systemError('ESRCH');
      if (options.refuseRaising && value < (niceness.get(pid) ?? base)) throw systemError('EACCES');
      niceness.set(pid, value);
    },
    now: () => state.now,
    logger: { debug: () => undefined, warn: (message: string) => void warnings.push(message) } as unknown as Logger,
  });
  /** One check per 100 ms for `ms`, the backlog held at `backlog`. */
  const run = (ms: number, backlog: number): void => {
    state.backlog = backlog;
    for (let t = 0; t < ms; t += 100) {
      state.now += 100;
      priority.check();
    }
  };
  return { priority, niceness, calls, warnings, state, run };
}

void test('workers keep the primary\'s priority while the audit queue keeps up', () => {
  const { priority, calls, run } = harness();
  priority.add(11);
  priority.add(12);
  run(10_000, 0.2);
  assert.equal(priority.yielding, false);
  assert.deepEqual(calls, []);
});

void test('a quarter-full queue makes every worker nicer, a worker started meanwhile too', () => {
  const { priority, niceness, run } = harness({ base: 2 });
  priority.add(11);
  priority.add(12);
  run(100, 0.25);
  assert.equal(priority.yielding, true);
  assert.deepEqual([...niceness], [[11, 2 + WORKER_NICENESS], [12, 2 + WORKER_NICENESS]]);
  priority.add(13);
  assert.equal(niceness.get(13), 2 + WORKER_NICENESS);
});

void test('they come back once the queue stayed under a twentieth for RECOVER_MS, not before', () => {
  const { priority, niceness, run } = harness();
  priority.add(11);
  run(100, 0.5);
  run(RECOVER_MS - 100, 0.04);
  assert.equal(priority.yielding, true, 'one check short of RECOVER_MS');
  run(100, 0.05); // busy again (at the threshold): the wait starts over
  run(RECOVER_MS - 100, 0);
  assert.equal(priority.yielding, true);
  run(100, 0);
  assert.equal(priority.yielding, false);
  assert.equal(niceness.get(11), 0);
});

void test('events dropped by the node\'s queue, or reported by a worker, make workers yield whatever the backlog', () => {
  const dropped = harness();
  dropped.priority.add(11);
  dropped.state.dropped = 3;
  dropped.run(100, 0);
  assert.equal(dropped.priority.yielding, true);
  dropped.run(RECOVER_MS, 0); // no new drop since: they come back
  assert.equal(dropped.priority.yielding, false);

  const reported = harness();
  reported.priority.add(11);
  reported.priority.noteDrops();
  assert.equal(reported.niceness.get(11), WORKER_NICENESS);
  reported.run(RECOVER_MS - 100, 0);
  assert.equal(reported.priority.yielding, true, 'the drop counts as busy when it is reported');
});

void test('the niceness stops at 19', () => {
  const { priority, niceness, run } = harness({ base: 18 });
  priority.add(11);
  run(100, 1);
  assert.equal(niceness.get(11), 19);
});

void test('refused a higher priority, workers stay nicer for good and it is said once', () => {
  const { priority, niceness, calls, warnings, run } = harness({ refuseRaising: true });
  priority.add(11);
  priority.add(12);
  run(100, 1);
  run(RECOVER_MS, 0);
  assert.equal(priority.yielding, true);
  assert.deepEqual([...niceness], [[11, WORKER_NICENESS], [12, WORKER_NICENESS]]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /CAP_SYS_NICE or RLIMIT_NICE/);
  const tried = calls.length;
  run(10_000, 0);
  assert.equal(calls.length, tried, 'no further attempt');
});

void test('a worker that already exited is no refusal', () => {
  const { priority, niceness, warnings, run } = harness({ gone: [11] });
  priority.add(11);
  priority.add(12);
  run(100, 1);
  run(RECOVER_MS, 0);
  assert.equal(priority.yielding, false);
  assert.equal(niceness.get(12), 0);
  assert.deepEqual(warnings, []);
  priority.remove(11);
  run(100, 1);
  assert.deepEqual([...niceness.keys()], [12]);
});
