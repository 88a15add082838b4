import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditChainState } from './chain.js';
import { createChainStateWriter, readChainState } from './chain-state-file.js';

function stateAt(count: number): AuditChainState {
  return { gateways: { gw: { segment: 'seg-1', count, head_hash: `sha256:${count}`, clean: false, lost: [] } } };
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
    const save = createChainStateWriter('/unused', held.write);
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
    const save = createChainStateWriter('/unused', held.write);
    const first = save(stateAt(1));
    const second = save(stateAt(2));
    held.finish(new Error('disk full'));
    await assert.rejects(first, /disk full/);
    held.finish();
    await second;
    assert.deepEqual(held.texts.map(countOf), [1, 2]);
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
