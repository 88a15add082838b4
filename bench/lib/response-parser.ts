// The smallest HTTP/1.1 response parser the open-loop generator needs: the status line and
// Content-Length, nothing else. Every target here (nginx static files, squid, clawgress
// forwarding them) answers with a Content-Length; anything else is reported, not guessed at.

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i;
const CONNECTION_CLOSE = /\r\nconnection:[^\r]*close/i;

export interface ResponseHandlers {
  /** A whole response (head and body) has arrived. `closes`: the server will close the connection. */
  onResponse(status: number, closes: boolean): void;
  /** The bytes are not a response this parser can follow; the connection is unusable. */
  onError(reason: string): void;
}

type Head = { ok: true; status: number; bodyLength: number; closes: boolean } | { ok: false; reason: string };

export function parseHead(head: string): Head {
  if (!head.startsWith('HTTP/1.')) return { ok: false, reason: `not an http/1.x status line: \`${head.slice(0, 40)}\`` };
  const status = Number(head.slice(9, 12));
  if (!Number.isInteger(status) || status < 100) return { ok: false, reason: `bad status line: \`${head.slice(0, 40)}\`` };
  const closes = CONNECTION_CLOSE.test(head) || head.startsWith('HTTP/1.0');
  if (status === 204 || status === 304) return { ok: true, status, bodyLength: 0, closes };
  if (CHUNKED.test(head)) return { ok: false, reason: 'chunked response bodies are not supported' };
  const length = CONTENT_LENGTH.exec(head);
  if (length === null) return { ok: false, reason: `status ${status}: response without content-length` };
  return { ok: true, status, bodyLength: Number(length[1]), closes };
}

export class ResponseParser {
  #handlers: ResponseHandlers;
  #pending: Buffer | null = null; // a head split across reads
  #bodyLeft = 0;
  #status = 0;
  #closes = false;
  #inBody = false;
  #failed = false;

  constructor(handlers: ResponseHandlers) {
    this.#handlers = handlers;
  }

  /** Forget any partial response (the connection was replaced). */
  reset(): void {
    this.#pending = null;
    this.#inBody = false;
    this.#failed = false;
  }

  feed(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.#failed) {
      offset = this.#inBody ? this.#consumeBody(chunk, offset) : this.#consumeHead(chunk, offset);
    }
  }

  #consumeBody(chunk: Buffer, offset: number): number {
    const taken = Math.min(this.#bodyLeft, chunk.length - offset);
    this.#bodyLeft -= taken;
    if (this.#bodyLeft === 0) this.#complete();
    return offset + taken;
  }

  #consumeHead(chunk: Buffer, offset: number): number {
    const carried = this.#pending?.length ?? 0;
    const data = this.#pending === null ? chunk.subarray(offset) : Buffer.concat([this.#pending, chunk.subarray(offset)]);
    const end = data.indexOf(HEAD_END);
    if (end < 0) {
      this.#pending = Buffer.from(data); // copy: the socket may reuse its chunk
      if (this.#pending.length > MAX_HEAD_BYTES) this.#fail(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      return chunk.length;
    }
    this.#pending = null;
    const head = parseHead(data.toString('latin1', 0, end));
    if (!head.ok) {
      this.#fail(head.reason);
      return chunk.length;
    }
    this.#status = head.status;
    this.#closes = head.closes;
    this.#bodyLeft = head.bodyLength;
    this.#inBody = true;
    if (this.#bodyLeft === 0) this.#complete();
    return offset + end + HEAD_END.length - carried;
  }

  #complete(): void {
    this.#inBody = false;
    this.#handlers.onResponse(this.#status, this.#closes);
  }

  #fail(reason: string): void {
    this.#failed = true;
    this.#handlers.onError(reason);
  }
}
