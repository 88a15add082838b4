// Messages between the serve primary and its gateway workers (cluster IPC). Quota requests
// and replies are defined by the quota component; everything else is here.
import type { WireEvent } from '../audit/index.js';
import type { SignedBundle } from '../core/index.js';
import type { AlertLimit } from '../quota/index.js';

export type PrimaryToWorker =
  | { readonly type: 'clawgress:bundle'; readonly bundle: SignedBundle }
  | { readonly type: 'clawgress:metrics-request'; readonly id: number }
  /** A round of the connection census (cluster-balance.ts): answered with `clawgress:load`. */
  | { readonly type: 'clawgress:load-query'; readonly round: number }
  | { readonly type: 'clawgress:shed'; readonly count: number }
  /** Sent with a listening handle as the IPC message's handle, `count` times in all (listen-handle.ts). */
  | { readonly type: 'clawgress:listen-handle'; readonly count: number }
  | { readonly type: 'clawgress:shutdown' };

export type WorkerToPrimary =
  | { readonly type: 'clawgress:bundle-request' }
  | { readonly type: 'clawgress:listen-request' }
  | { readonly type: 'clawgress:listening'; readonly port: number }
  | { readonly type: 'clawgress:bundle-applied'; readonly version: number }
  | { readonly type: 'clawgress:audit'; readonly events: readonly WireEvent[] }
  | { readonly type: 'clawgress:quota-alert'; readonly agent_id: string; readonly limit: AlertLimit; readonly note: string }
  | { readonly type: 'clawgress:metrics'; readonly id: number; readonly metrics: unknown }
  | { readonly type: 'clawgress:load'; readonly round: number; readonly connections: number }
  /** Events the worker's hand-off queue dropped since its last such message (one per alert window). */
  | { readonly type: 'clawgress:audit-dropped'; readonly dropped: number };

function hasType(message: unknown): message is { type: string } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string';
}

export function isPrimaryMessage(message: unknown): message is PrimaryToWorker {
  return hasType(message) && ['clawgress:bundle', 'clawgress:metrics-request', 'clawgress:load-query', 'clawgress:shed', 'clawgress:listen-handle', 'clawgress:shutdown'].includes(message.type);
}

export function isWorkerMessage(message: unknown): message is WorkerToPrimary {
  return hasType(message) && ['clawgress:bundle-request', 'clawgress:listen-request', 'clawgress:listening', 'clawgress:bundle-applied', 'clawgress:audit', 'clawgress:quota-alert', 'clawgress:metrics', 'clawgress:load', 'clawgress:audit-dropped'].includes(message.type);
}
