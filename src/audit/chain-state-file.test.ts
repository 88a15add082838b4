import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/index.js';
import type { AuditChainState } from './chain.js';
import { createChainStateWriter, readChainState } from './chain-state-file.js';

function stateAt(count: number, clean = false): AuditChainState {
  return { gateways: { gw: { segment: 'seg-1', count, head_hash: `sha256:${count}`, clean, lost: [] } } };
}

/** A write that finishes only when the test says so, recording what it was given. */
function heldWrites(): { texts: string[]; finish: (error?: Error) => void; write: (path: string, text: string) => Promise<void> } {
  const texts: string[] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  return {
    texts,
    finish: (error) => {
      const next = pending.shift();
      if (error === undefined) next?.resolve();
      else next?.reject(error);
    },
    write: (_path, text) => {
      texts.push(text);
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
  };
}

const countOf = (text: string | undefined): number => (JSON.parse(text ?? 'null') as AuditChainState).gateways['gw']?.count ?? -1;

describe('createChainStateWriter', () => {
  test('states given while a write is under way collapse into the newest, and every caller hears when it is written', async () => {
    const held = heldWrites();
    const save = createChainStateWriter('/unused', { write: held.write });
    const saved = [1, 2, 3, 4, 5].map((count) => save(stateAt(count)));
    assert.deepEqual(held.texts.map(countOf), [1]);
    held.finish();
    await saved[0];
    assert.deepEqual(held.texts.map(countOf), [1, 5]);
    held.finish();
    await Promise.all(saved);
    assert.equal(held.texts.length, 2);
  });

  test('a failed write rejects the callers whose state it carried, and the next state is still written', async () => {
    const held = heldWrites();
    const save = createChainStateWriter('/unused', { write: held.write });
    const first = save(stateAt(1));
    const second = save(stateAt(2));
    held.finish(new Error('disk full'));
    await assert.rejects(first, /disk full/);
    held.finish();
    await second;
    assert.deepEqual(held.texts.map(countOf), [1, 2]);
  });

  describe('with spacingMs', () => {
    /** The writer's clock and its timers, moved together by hand. */
    function spaced(spacingMs: number): { held: ReturnType<typeof heldWrites>; save: (state: AuditChainState) => Promise<void>; advance: (ms: number) => void } {
      mock.timers.enable({ apis: ['setTimeout'] });
      const clock = new ManualClock();
      const held = heldWrites();
      const save = createChainStateWriter('/unused', { write: held.write, spacingMs, clock });
      return {
        held,
        save,
        advance: (ms) => {
          clock.advance(ms);
          mock.timers.tick(ms);
        },
      };
    }
    const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    test('a write starts no sooner than spacingMs after the one before; states in between collapse into the newest', async (t) => {
      t.after(() => mock.timers.reset());
      const { held, save, advance } = spaced(1_000);
      const first = save(stateAt(1));
      assert.deepEqual(held.texts.map(countOf), [1], 'the first state is written at once');
      held.finish();
      await first;
      const later = [2, 3, 4].map((count) => save(stateAt(count)));
      advance(999);
      await settled();
      assert.deepEqual(held.texts.map(countOf), [1], 'nothing before the spacing has passed');
      advance(1);
      await settled();
      assert.deepEqual(held.texts.map(countOf), [1, 4], 'then only the newest');
      held.finish();
      await Promise.all(later);
      advance(5_000);
      const quiet = save(stateAt(5));
      assert.deepEqual(held.texts.map(countOf), [1, 4, 5], 'after a quiet spell, at once again');
      held.finish();
      await quiet;
    });

    test("a shutdown's state (clean) does not wait, and replaces what was waiting", async (t) => {
      t.after(() => mock.timers.reset());
      const { held, save } = spaced(1_000);
      const first = save(stateAt(1));
      held.finish();
      await first;
      const waiting = save(stateAt(2));
      await settled();
      assert.deepEqual(held.texts.map(countOf), [1]);
      const final = save(stateAt(3, true));
      await settled();
      assert.deepEqual(held.texts.map(countOf), [1, 3]);
      held.finish();
      await Promise.all([waiting, final]);
      assert.equal(held.texts.length, 2);
    });

    test("a shutdown's state given while a write is under way follows it without waiting", async (t) => {
      t.after(() => mock.timers.reset());
      const { held, save } = spaced(1_000);
      const first = save(stateAt(1));
      const final = save(stateAt(2, true));
      held.finish();
      await first;
      await settled();
      assert.deepEqual(held.texts.map(countOf), [1, 2]);
      held.finish();
      await final;
    });
  });

  test('on disk: the newest state is what the next start reads, and no temp file is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawgress-chain-state-'));
    try {
      const path = join(dir, 'audit-chain.json');
      const save = createChainStateWriter(path);
      await Promise.all(Array.from({ length: 20 }, (_, i) => save(stateAt(i))));
      assert.deepEqual(readChainState(path), { state: stateAt(19), problem: null });
      assert.deepEqual(readdirSync(dir), ['audit-chain.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
