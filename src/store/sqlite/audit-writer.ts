// Audit appends on a thread of their own.
//
// Every audit event of a node is sealed and then stored by one process, the primary, whose
// event loop also reads the workers' events and answers their quota questions. The SQLite
// append was about half of that loop's work per event: the insert loop, the commit, and every
// few thousand events a bulk index fill that holds its thread for its whole length. Here it
// runs on a worker thread with a connection of its own: the primary's loop only turns the
// records into column values (appendRows, where a bad record is refused as before, with
// nothing written) and posts them. Measured through `serve` at 50 connections (wrk, AMD EPYC,
// 2026-12-08, per-thread CPU): the primary's event loop 12.7 µs a request against 20 before,
// the writer thread 9.2. The copy to the thread costs ~2 µs an event more in all (V8's
// serializer and deserializer), but a node with more than two cores now seals and stores on
// two of them, and a fill no longer delays the quota answers a worker may be waiting for.
//
// Batches are written in the order they were posted, one transaction each, and each promise
// settles with that batch's answer. If the thread fails, the batches still out and every later
// one are written on this thread, on a connection opened then, as before the thread existed (a
// batch the thread committed before it failed is skipped row by row: request_id and checkpoint
// signature are unique). The failure is not fatal, so it is not thrown: onStop is told.
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { auditAppender, type AppendRow } from './audit-append.js';
import { configureConnection } from './connection.js';

export interface WriterThreadData {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly indexBatch: number | undefined;
}

export type WriterRequest =
  | { readonly type: 'append'; readonly id: number; readonly rows: readonly AppendRow[] }
  | { readonly type: 'close' };

export type WriterReply =
  | { readonly id: number; readonly added: number }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

export interface AuditWriter {
  append(rows: readonly AppendRow[]): Promise<number>;
  /** Waits for the batches already posted, then closes the thread's connection. */
  close(): Promise<void>;
}

interface Pending {
  readonly rows: readonly AppendRow[];
  readonly resolve: (added: number) => void;
  readonly reject: (error: Error) => void;
}

/** The thread, loaded from the compiled build; from the TypeScript sources (tests), through tsx. */
function startThread(workerData: WriterThreadData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./audit-writer-thread.js', import.meta.url), { workerData });
  // Node 20 does not pass a loader registered with --import on to worker threads.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./audit-writer-thread.ts', import.meta.url).href;
  const source = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(source, { eval: true, workerData });
}

function replyError(error: { readonly message: string; readonly code?: string }): Error {
  return error.code === undefined ? new Error(error.message) : new Database.SqliteError(error.message, error.code);
}

/** `thread` starts the thread (tests give it one that fails). */
export function startAuditWriter(
  options: WriterThreadData,
  onStop: (error: Error) => void = () => undefined,
  thread: (data: WriterThreadData) => Worker = startThread,
): AuditWriter {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped: Error | undefined;
  let closing = false;
  let fallback: { readonly db: Database.Database; readonly append: (rows: readonly AppendRow[]) => number } | undefined;

  const worker = thread(options);
  // Referenced only while a batch is out: an idle writer must not keep the process up.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const appendHere = (rows: readonly AppendRow[]): number => {
    if (fallback === undefined) {
      const db = configureConnection(new Database(options.path, { fileMustExist: true }), options.busyTimeoutMs);
      fallback = { db, append: auditAppender(db, options.indexBatch) };
    }
    return fallback.append(rows);
  };

  // The batches still out are written here, in order. One the thread committed before it
  // stopped is skipped row by row (request_id, signature), as any retried batch is.
  const stop = (error: Error): void => {
    if (stopped !== undefined) return;
    stopped = error;
    onStop(error);
    const out = [...pending.values()];
    pending.clear();
    for (const { rows, resolve, reject } of out) {
      try {
        resolve(appendHere(rows));
      } catch (failure) {
        reject(failure as Error);
      }
    }
  };
  worker.on('message', (reply: WriterReply) => {
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0 && !closing) worker.unref();
    if ('error' in reply) waiting.reject(replyError(reply.error));
    else waiting.resolve(reply.added);
  });
  worker.on('error', (error) => stop(error));
  worker.once('exit', (code) => {
    if (!closing || pending.size > 0) stop(new Error(`exited with code ${code}`));
  });

  return {
    append: async (rows) => {
      if (closing) throw new Error('audit append: the store is closed');
      if (stopped !== undefined) return appendHere(rows);
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      return new Promise<number>((resolve, reject) => {
        pending.set(id, { rows, resolve, reject });
        worker.postMessage({ type: 'append', id, rows } satisfies WriterRequest);
      });
    },
    close: async () => {
      if (closing) return exited;
      closing = true;
      if (stopped === undefined) {
        worker.ref();
        worker.postMessage({ type: 'close' } satisfies WriterRequest);
      }
      await exited;
      fallback?.db.close();
    },
  };
}
