import { recordJson, type AuditRecord } from '../core/index.js';
import type { AuditSink } from './sink.js';

/**
 * JSON lines on a stream (stdout in production, where journald picks them up): one
 * `write` per batch, one record (event or checkpoint) per line. When the stream's buffer is over its high-water mark the write resolves
 * only on 'drain', so a slow reader holds the batch in this sink's ring instead of in memory
 * behind the stream.
 */
export function createJsonLinesSink(stream: NodeJS.WritableStream, name = 'stdout'): AuditSink {
  return {
    name,
    write(batch: readonly AuditRecord[]): void | Promise<void> {
      if (batch.length === 0) return;
      if (!stream.writable) throw new Error(`audit sink \`${name}\`: stream is not writable`);
      if (stream.write(toJsonLines(batch))) return;
      return waitForDrain(stream, name);
    },
  };
}

function toJsonLines(batch: readonly AuditRecord[]): string {
  let text = '';
  for (const record of batch) text += `${recordJson(record)}\n`;
  return text;
}

// The batch was accepted by the stream; waiting here only paces the next batch. A stream
// that errors or closes first fails the write, so the queue retries the batch.
function waitForDrain(stream: NodeJS.WritableStream, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      cleanUp();
      resolve();
    };
    const onError = (error: unknown): void => {
      cleanUp();
      reject(new Error(`audit sink \`${name}\`: stream failed while draining`, { cause: error }));
    };
    const onClose = (): void => onError(new Error('stream closed'));
    const cleanUp = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
