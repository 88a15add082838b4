// Audit events to the control plane's intake (POST /api/v1/audit/intake), in batches, over
// the gateway's mTLS dispatcher. A failed write rejects, so the queue keeps the batch and
// retries it (at-least-once); the intake stores each request_id once, so a retried batch
// is not duplicated. A batch the control plane refuses outright (4xx) would fail forever:
// it is reported through onRejected (counted as dropped) instead of retried.
// Only the dispatcher's own request(): importing undici here would load it (~20 MB of RSS)
// into every process that imports audit, gateway workers of `serve` included.
import type { Dispatcher } from 'undici';
import type { AuditEvent } from '../core/index.js';
import type { AuditSink } from './sink.js';

export interface HttpSinkOptions {
  /** Base URL of the control plane, e.g. https://cp.internal:8443 */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  readonly name?: string;
  readonly onRejected?: (count: number, status: number, message: string) => void;
}

export function createHttpSink(options: HttpSinkOptions): AuditSink {
  const url = new URL('/api/v1/audit/intake', options.baseUrl);
  return {
    name: options.name ?? 'control_plane',
    async write(batch: readonly AuditEvent[]): Promise<void> {
      const res = await options.dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const text = await res.body.text();
      if (res.statusCode < 300) return;
      const message = `control plane answered ${res.statusCode}: ${text.slice(0, 200)}`;
      if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) {
        options.onRejected?.(batch.length, res.statusCode, message);
        return;
      }
      throw new Error(message);
    },
  };
}
