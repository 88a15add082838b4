// Worker processes of one gateway share one MemoryLimiter that lives in the primary process:
// each worker asks it over the cluster IPC channel, so limits stay exact across workers.
// The channel is injected (process.send / worker.send in the CLI), keeping this module pure.
import { type Limiter, type QuotaLimits, type QuotaVerdict } from './limiter.js';

export interface QuotaRequestMessage {
  readonly type: 'clawgress:quota';
  readonly id: number;
  readonly agent_id: string;
  readonly rps: number;
  readonly rpm: number;
}

export interface QuotaReplyMessage {
  readonly type: 'clawgress:quota-reply';
  readonly id: number;
  readonly verdict: QuotaVerdict;
}

export interface QuotaChannel {
  send(message: QuotaRequestMessage): void;
  /** Register the listener for replies (every message arrives here; others are ignored). */
  onMessage(listener: (message: unknown) => void): void;
}

interface Pending {
  readonly resolve: (verdict: QuotaVerdict) => void;
  readonly timer: NodeJS.Timeout;
}

export class IpcLimiter implements Limiter {
  readonly #channel: QuotaChannel;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  constructor(options: { channel: QuotaChannel; timeoutMs: number }) {
    this.#channel = options.channel;
    this.#timeoutMs = options.timeoutMs;
    options.channel.onMessage((message) => this.#onMessage(message));
  }

  take(agentId: string, limits: QuotaLimits): Promise<QuotaVerdict> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ kind: 'unavailable', error: `no answer from the primary process within ${this.#timeoutMs} ms` });
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, timer });
      this.#channel.send({ type: 'clawgress:quota', id, agent_id: agentId, rps: limits.rps, rpm: limits.rpm });
    });
  }

  async close(): Promise<void> {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.resolve({ kind: 'unavailable', error: 'limiter closed' });
      this.#pending.delete(id);
    }
  }

  #onMessage(message: unknown): void {
    if (!isReply(message)) return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return; // timed out already
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    pending.resolve(message.verdict);
  }
}

function isReply(message: unknown): message is QuotaReplyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'clawgress:quota-reply';
}

export function isQuotaRequest(message: unknown): message is QuotaRequestMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'clawgress:quota';
}

/** The primary's side: answer one worker request from the shared limiter. */
export async function answerQuotaRequest(limiter: Limiter, request: QuotaRequestMessage): Promise<QuotaReplyMessage> {
  const verdict = await limiter.take(request.agent_id, { rps: request.rps, rpm: request.rpm });
  return { type: 'clawgress:quota-reply', id: request.id, verdict };
}
