// The chain heads in the data dir (`audit-chain.json`), so the next process start can link
// its new segment to where this one stopped. Written at checkpoints (at most one a second in
// serve) and at shutdown: temp file, fsync, rename, so a crash leaves the old file or the new
// one, never half of one.

import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { systemClock, type Clock } from '../core/index.js';
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

/** A shutdown's state (`clean`) is the process's last word: it never waits out the spacing. */
function isFinal(state: AuditChainState): boolean {
  return Object.values(state.gateways).some((segment) => segment.clean);
}

/**
 * Writes states one after another (a later state never lands before an earlier one). Each
 * state is a whole snapshot, so states given while a write is under way collapse into the
 * newest: at a checkpoint every 1,000 events a busy node asks for dozens of writes a second,
 * each with an fsync, and queueing them all let a backlog of stale writes grow on a slow disk.
 * With `spacingMs`, a write starts at least that long after the one before it (but for a
 * shutdown's state), and what comes in between collapses the same way: at 25,000 events a
 * second the 25 writes of each second (open, write, fsync, close, rename) were ~4.5% of the
 * primary's CPU samples. After a crash the next start then links to a checkpoint up to
 * `spacingMs` older than the last one, which `audit verify` accepts as it accepts any unclean
 * stop: the events past it are in the log, signed by the checkpoints after it.
 * Each returned promise settles when a write of its state or a newer one has.
 */
export function createChainStateWriter(
  path: string,
  options: { write?: (path: string, text: string) => Promise<void>; spacingMs?: number; clock?: Clock } = {},
): (state: AuditChainState) => Promise<void> {
  const { write = writeAtomically, spacingMs = 0, clock = systemClock } = options;
  let writing = false;
  let waiting: NodeJS.Timeout | null = null;
  let lastStarted = -Infinity;
  let next: { state: AuditChainState; waiters: Waiter[] } | null = null;
  const drain = async (): Promise<void> => {
    writing = true;
    while (next !== null) {
      const wait = isFinal(next.state) ? 0 : lastStarted + spacingMs - clock.monotonic();
      if (wait > 0) {
        // Unref'd: a process that ends without a shutdown state loses this one, as in a crash.
        waiting = setTimeout(() => {
          waiting = null;
          void drain();
        }, wait);
        waiting.unref();
        break;
      }
      const { state, waiters } = next;
      next = null;
      lastStarted = clock.monotonic();
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
      if (waiting !== null && isFinal(state)) {
        clearTimeout(waiting);
        waiting = null;
      }
      if (!writing && waiting === null) void drain();
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
