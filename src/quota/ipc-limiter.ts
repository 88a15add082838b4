// Worker processes of one gateway share one MemoryLimiter that lives in the primary process:
// each worker asks it over the cluster IPC channel, so limits stay exact across workers.
// Every question raised during one event-loop turn travels in one message and comes back in
// one (a syscall and a serialisation per turn, not per request). The channel is injected
// (process.send / worker.send in the CLI), keeping this module pure.
import { type Limiter, type QuotaLimits, type QuotaVerdict } from './limiter.js';

/** One question: [id, agent_id, rps, rpm]. */
export type QuotaAsk = readonly [number, string, number, number];

export interface QuotaRequestMessage {
  readonly type: 'clawgress:quota';
  readonly asks: readonly QuotaAsk[];
}

export interface QuotaReplyMessage {
  readonly type: 'clawgress:quota-reply';
  readonly answers: readonly (readonly [number, QuotaVerdict])[];
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
  #outbox: QuotaAsk[] = [];
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
      if (this.#outbox.length === 0) setImmediate(() => this.#flush());
      this.#outbox.push([id, agentId, limits.rps, limits.rpm]);
    });
  }

  async close(): Promise<void> {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.resolve({ kind: 'unavailable', error: 'limiter closed' });
      this.#pending.delete(id);
    }
  }

  #flush(): void {
    const asks = this.#outbox;
    this.#outbox = [];
    this.#channel.send({ type: 'clawgress:quota', asks });
  }

  #onMessage(message: unknown): void {
    if (!isReply(message)) return;
    for (const [id, verdict] of message.answers) {
      const pending = this.#pending.get(id);
      if (pending === undefined) continue; // timed out already
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.resolve(verdict);
    }
  }
}

function isReply(message: unknown): message is QuotaReplyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'clawgress:quota-reply';
}

export function isQuotaRequest(message: unknown): message is QuotaRequestMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'clawgress:quota';
}

/** The primary's side: answer a worker's questions, in order, from the shared limiter. */
export async function answerQuotaRequest(limiter: Limiter, request: QuotaRequestMessage): Promise<QuotaReplyMessage> {
  const answers: (readonly [number, QuotaVerdict])[] = [];
  for (const [id, agentId, rps, rpm] of request.asks) answers.push([id, await limiter.take(agentId, { rps, rpm })]);
  return { type: 'clawgress:quota-reply', answers };
}
