// WAL checkpoints on a thread of their own.
//
// SQLite checkpoints from the connection whose commit takes the WAL past 1,000 pages: inside
// that commit it copies the WAL's pages into the database file and fsyncs both. With audit
// appends every few milliseconds that stalled the event loop of `serve`'s primary for ~30 ms
// every ~0.6 s at 2,000 events/s (strace: fsync of the WAL ~10 ms, of the database ~2 ms, the
// copy between), and that loop also answers the workers' quota questions.
//
// Here a worker thread with its own connection runs a PASSIVE checkpoint (it never waits for
// or blocks a writer) every CHECKPOINT_INTERVAL_MS, so the commit that still passes the
// threshold finds almost nothing left to copy or sync. That commit's own checkpoint stays on:
// it runs between this process's writes, so it is the one that completes and lets the WAL
// start over instead of growing. If the thread fails, nothing is lost: checkpoints are then
// all the committing connection's again, as without it.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 100;

// CommonJS run with `eval` so the same code serves the compiled build and the TypeScript
// sources the tests load; the driver's path comes from this module's resolution.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing: the committing connection's own checkpoint still runs.
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the thread and closes its connection. */
  close(): Promise<void>;
}

export function startCheckpointer(path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => {
    exited = true;
    resolve();
  }));
  // A thread that could not open the file ends with an error: see the header for why that is
  // not fatal. Without a listener it would crash the process.
  worker.on('error', () => undefined);
  worker.unref();
  return {
    close: async () => {
      if (!exited) {
        worker.ref(); // unref'd, it would not keep the process up until it has exited
        worker.postMessage('close');
      }
      await exit;
    },
  };
}
