// A request body on its way from the agent to the upstream: cut from the client's bytes by
// its framing (the rest is the next pipelined request), held while the verdict or the
// upstream connection is pending, then written on with backpressure: a full upstream
// socket pauses the agent's reads instead of buffering the body in the gateway.
import type { Socket } from 'node:net';
import { ChunkedReader, type RequestHead } from '../http1/index.js';

/** What a body needs from the agent's connection. */
export interface BodySource {
  pauseFor(reason: number): void;
  resumeFor(reason: number): void;
}

export const PAUSED_FOR_BODY = 1;
/** Held before the upstream is ready, at most this much, then the agent is paused. */
const MAX_HELD_BYTES = 64 * 1024;

export class RequestBody {
  readonly #source: BodySource;
  #remaining: number;
  readonly #chunked: ChunkedReader | null;
  #held: Buffer[] = [];
  #heldBytes = 0;
  #sink: Socket | null = null;
  #awaitingDrain = false;
  readonly #onDrain = (): void => {
    this.#awaitingDrain = false;
    this.#source.resumeFor(PAUSED_FOR_BODY);
  };
  /** Every byte of the body has arrived from the agent. */
  complete: boolean;
  /** Body bytes without framing (bytes_in of the audit event). */
  bytes = 0;
  /** Why the agent's chunked coding was refused, when `take` returned -1. */
  error: string | null = null;

  constructor(head: RequestHead, source: BodySource, maxTrailerBytes: number) {
    this.#source = source;
    this.#remaining = head.body === 'length' ? head.contentLength : 0;
    this.#chunked = head.body === 'chunked' ? new ChunkedReader(maxTrailerBytes) : null;
    this.complete = head.body === 'none';
  }

  /** Takes the body's bytes from the start of `chunk`: how many were the body's (-1: malformed). */
  take(chunk: Buffer): number {
    let taken: number;
    if (this.#chunked !== null) {
      const before = this.#chunked.dataBytes;
      taken = this.#chunked.read(chunk, 0, chunk.length);
      if (taken < 0) {
        this.error = this.#chunked.error;
        return -1;
      }
      this.bytes += this.#chunked.dataBytes - before;
      this.complete = this.#chunked.done;
    } else {
      taken = Math.min(this.#remaining, chunk.length);
      this.#remaining -= taken;
      this.bytes += taken;
      this.complete = this.#remaining === 0;
    }
    if (taken > 0) this.#pass(taken === chunk.length ? chunk : chunk.subarray(0, taken));
    return taken;
  }

  /** The upstream is ready: what was held goes first, the rest as it comes. */
  attach(sink: Socket): void {
    this.#sink = sink;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const piece of held) this.#write(piece);
    if (!this.#awaitingDrain) this.#source.resumeFor(PAUSED_FOR_BODY);
  }

  /** The upstream went away: no more writes to it. */
  detach(): void {
    this.#sink?.removeListener('drain', this.#onDrain);
    this.#awaitingDrain = false;
    this.#sink = null;
  }

  #pass(piece: Buffer): void {
    if (this.#sink !== null) return this.#write(piece);
    this.#held.push(piece);
    this.#heldBytes += piece.length;
    if (this.#heldBytes > MAX_HELD_BYTES) this.#source.pauseFor(PAUSED_FOR_BODY);
  }

  #write(piece: Buffer): void {
    const sink = this.#sink as Socket;
    if (sink.write(piece) || this.#awaitingDrain) return;
    this.#awaitingDrain = true;
    this.#source.pauseFor(PAUSED_FOR_BODY);
    sink.once('drain', this.#onDrain);
  }
}
