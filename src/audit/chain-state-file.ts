// The chain heads in the data dir (`audit-chain.json`), so the next process start can link
// its new segment to where this one stopped. Written at every checkpoint and at shutdown:
// temp file, fsync, rename, so a crash leaves the old file or the new one, never half of one.

import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import type { AuditChainState, ChainSegmentState } from './chain.js';

export interface ReadChainState {
  readonly state: AuditChainState | null;
  /** Why a file that exists could not be used (the new segment then links to nothing). */
  readonly problem: string | null;
}

export function readChainState(path: string): ReadChainState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, problem: null };
    return { state: null, problem: `audit chain state \`${path}\`: ${(error as Error).message}` };
  }
  try {
    return { state: parseChainState(JSON.parse(text)), problem: null };
  } catch (error) {
    return { state: null, problem: `audit chain state \`${path}\`: ${(error as Error).message}` };
  }
}

function parseChainState(value: unknown): AuditChainState {
  const gateways = (value as { gateways?: unknown } | null)?.gateways;
  if (typeof gateways !== 'object' || gateways === null) throw new Error('gateways: not an object');
  for (const [gatewayId, entry] of Object.entries(gateways as Record<string, unknown>)) {
    if (!isSegmentState(entry)) throw new Error(`gateways.${gatewayId}: not a segment state`);
  }
  return { gateways: gateways as Record<string, ChainSegmentState> };
}

function isSegmentState(value: unknown): value is ChainSegmentState {
  const entry = value as Partial<ChainSegmentState> | null;
  return (
    typeof entry?.segment === 'string' &&
    Number.isSafeInteger(entry.count) &&
    typeof entry.head_hash === 'string' &&
    typeof entry.clean === 'boolean' &&
    Array.isArray(entry.lost)
  );
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes states one after another (a later state never lands before an earlier one). Each
 * state is a whole snapshot, so states given while a write is under way collapse into the
 * newest: at a checkpoint every 1,000 events a busy node asks for a dozen writes a second,
 * each with an fsync, and queueing them all let a backlog of stale writes grow on a slow disk.
 * Each returned promise settles when a write of its state or a newer one has.
 */
export function createChainStateWriter(
  path: string,
  write: (path: string, text: string) => Promise<void> = writeAtomically,
): (state: AuditChainState) => Promise<void> {
  let writing = false;
  let next: { state: AuditChainState; waiters: Waiter[] } | null = null;
  const drain = async (): Promise<void> => {
    writing = true;
    while (next !== null) {
      const { state, waiters } = next;
      next = null;
      try {
        // Serialised here, so a state that a newer one replaced is never serialised at all.
        await write(path, `${JSON.stringify(state, null, 2)}\n`);
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    writing = false;
  };
  return (state) =>
    new Promise<void>((resolve, reject) => {
      if (next === null) next = { state, waiters: [{ resolve, reject }] };
      else {
        next.state = state;
        next.waiters.push({ resolve, reject });
      }
      if (!writing) void drain();
    });
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}
