// Reads one response from an upstream connection as its bytes arrive: interim (1xx) heads,
// the final head, then the body by its framing (length, chunked, or until the upstream
// closes). Body bytes are handed on as slices of what was read, never copied; a chunked body
// passes through still chunked, or decoded for an HTTP/1.0 agent.
import { ChunkedReader, findHeadEnd, parseResponseHead, type ResponseHead } from '../http1/index.js';

export interface ResponseEvents {
  /** A 1xx other than 101, before the final response. */
  onInterim(head: ResponseHead): void;
  onHead(head: ResponseHead): void;
  /** Bytes to send the agent: the body as framed on the wire, or decoded (`decodeChunked`). */
  onBody(buffer: Buffer, start: number, end: number): void;
  /** The response is complete. `trailing`: more bytes followed it (the connection is unusable). */
  onEnd(trailing: boolean): void;
  onInvalid(error: string): void;
}

const HEAD = 0;
const LENGTH = 1;
const CHUNKED = 2;
const UNTIL_CLOSE = 3;
const ENDED = 4;

export class ResponseReader {
  readonly #method: string;
  readonly #maxHeaderSize: number;
  readonly #events: ResponseEvents;
  readonly #onDecoded: (buffer: Buffer, start: number, end: number) => void;
  #state = HEAD;
  #pending: Buffer | null = null;
  #searchFrom = 0;
  #remaining = 0;
  #chunked: ChunkedReader | null = null;
  /** Set in onHead: hand a chunked body on decoded (an HTTP/1.0 agent cannot read chunks). */
  decodeChunked = false;
  /** Body bytes without framing, as the agent's application sees them. */
  bodyBytes = 0;
  /** Some of the response has arrived (a retry on a fresh connection is no longer safe). */
  started = false;

  constructor(options: { method: string; maxHeaderSize: number; events: ResponseEvents }) {
    this.#method = options.method;
    this.#maxHeaderSize = options.maxHeaderSize;
    this.#events = options.events;
    this.#onDecoded = (buffer, start, end) => this.#events.onBody(buffer, start, end);
  }

  get ended(): boolean {
    return this.#state === ENDED;
  }

  /** True while the body runs until the upstream closes: its end is the connection's end. */
  get untilClose(): boolean {
    return this.#state === UNTIL_CLOSE;
  }

  read(chunk: Buffer): void {
    this.started = true;
    if (this.#state === HEAD) return this.#readHead(chunk);
    this.#readBody(chunk, 0);
  }

  /** The upstream closed its side: the end of a body read until close; anything else was cut short. */
  end(): void {
    if (this.#state === UNTIL_CLOSE) {
      this.#state = ENDED;
      this.#events.onEnd(false);
    } else if (this.#state !== ENDED) {
      this.#state = ENDED;
      this.#events.onInvalid(this.started ? 'the response was cut short' : 'the connection closed before a response');
    }
  }

  #readHead(chunk: Buffer): void {
    const buffer = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk]);
    const end = findHeadEnd(buffer, 0, this.#searchFrom);
    if (end < 0 || end > this.#maxHeaderSize) {
      if (buffer.length > this.#maxHeaderSize) return this.#invalid('the response headers are larger than --max-header-size');
      this.#pending = buffer;
      this.#searchFrom = buffer.length;
      return;
    }
    this.#pending = null;
    this.#searchFrom = 0;
    const parsed = parseResponseHead(buffer.toString('latin1', 0, end), this.#method);
    if (!parsed.ok) return this.#invalid(parsed.error);
    const head = parsed.head;
    if (head.status < 200) {
      if (head.status === 101) return this.#invalid('101 switching protocols to a request that asked for no upgrade');
      this.#events.onInterim(head);
      if (end < buffer.length) this.#readHead(buffer.subarray(end));
      return;
    }
    this.#startBody(head);
    this.#events.onHead(head);
    if (this.#state === ENDED) {
      if (end < buffer.length) this.#events.onEnd(true);
      else this.#events.onEnd(false);
      return;
    }
    if (end < buffer.length) this.#readBody(buffer, end);
  }

  #startBody(head: ResponseHead): void {
    switch (head.body) {
      case 'none':
        this.#state = ENDED;
        return;
      case 'length':
        this.#remaining = head.contentLength;
        this.#state = head.contentLength === 0 ? ENDED : LENGTH;
        return;
      case 'chunked':
        this.#chunked = new ChunkedReader(this.#maxHeaderSize);
        this.#state = CHUNKED;
        return;
      case 'close':
        this.#state = UNTIL_CLOSE;
    }
  }

  #readBody(buffer: Buffer, start: number): void {
    const end = buffer.length;
    if (this.#state === LENGTH) {
      const take = Math.min(this.#remaining, end - start);
      this.#remaining -= take;
      this.bodyBytes += take;
      this.#events.onBody(buffer, start, start + take);
      if (this.#remaining === 0) this.#finish(start + take < end);
    } else if (this.#state === CHUNKED) {
      this.#readChunked(buffer, start, end);
    } else if (this.#state === UNTIL_CLOSE) {
      this.bodyBytes += end - start;
      this.#events.onBody(buffer, start, end);
    } else if (this.#state === ENDED && start < end) {
      // Bytes after a complete response, outside any request: the connection is not usable.
      this.#events.onInvalid('bytes after the end of a response');
    }
  }

  #readChunked(buffer: Buffer, start: number, end: number): void {
    const chunked = this.#chunked as ChunkedReader;
    const before = chunked.dataBytes;
    const decode = this.decodeChunked;
    const stop = chunked.read(buffer, start, end, decode ? this.#onDecoded : undefined);
    if (stop < 0) return this.#invalid(`chunked body: ${chunked.error ?? 'malformed'}`);
    this.bodyBytes += chunked.dataBytes - before;
    if (!decode && stop > start) this.#events.onBody(buffer, start, stop);
    if (chunked.done) this.#finish(stop < end);
  }

  #finish(trailing: boolean): void {
    this.#state = ENDED;
    this.#events.onEnd(trailing);
  }

  #invalid(error: string): void {
    this.#state = ENDED;
    this.#events.onInvalid(error);
  }
}
