// The thread audit-writer.ts starts: a connection of its own that writes the batches it is
// sent, one at a time, in the order they arrive, and answers each with the events it added
// or the error that refused the whole batch.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { auditAppender } from './audit-append.js';
import type { WriterReply, WriterRequest, WriterThreadData } from './audit-writer.js';
import { configureConnection } from './connection.js';

const data = workerData as WriterThreadData;
const port = parentPort;
if (port === null) throw new Error('audit-writer-thread: not started as a worker thread');

const db = configureConnection(new Database(data.path, { fileMustExist: true }), data.busyTimeoutMs);
const append = auditAppender(db, data.indexBatch);

port.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: request.id, added: append(request.rows) };
  } catch (error) {
    const { message, code } = error instanceof Error ? (error as Error & { code?: unknown }) : { message: String(error), code: undefined };
    reply = { id: request.id, error: typeof code === 'string' ? { message, code } : { message } };
  }
  port.postMessage(reply);
});
