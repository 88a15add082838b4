// The heads the gateway writes: a forwarded request to the upstream and a forwarded response
// to the agent, each one buffer written in one go. Field names stay lowercased as parsed (as
// HTTP/2 sends them); values are passed on byte for byte (latin1).
import { isHopByHop } from './hop-by-hop.js';
import type { RequestHead } from './request-head.js';
import type { ResponseHead } from './response-head.js';

export interface ForwardedRequest {
  readonly head: RequestHead;
  readonly method: string;
  /** origin-form: the normalised path and the query, e.g. `/a/b?x=1`. */
  readonly pathAndQuery: string;
  /** Host for the upstream: the absolute URI's authority (RFC 9112 §3.2.2). */
  readonly authority: string;
}

/** Host is replaced; Content-Length passes on; a chunked body says so again for this hop. */
export function upstreamRequestHead(request: ForwardedRequest): Buffer {
  const { head } = request;
  const out = startHead();
  out.add(request.method).add(' ').add(request.pathAndQuery).add(' HTTP/1.1\r\nhost: ').add(request.authority).add('\r\n');
  const { fields, connectionNames } = head;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] as string;
    if (name === 'host' || isHopByHop(name, connectionNames)) continue;
    out.add(name).add(': ').add(fields[i + 1] as string).add('\r\n');
  }
  if (head.body === 'chunked') out.add('transfer-encoding: chunked\r\n');
  return out.add('\r\n').take();
}

export interface ForwardedResponse {
  readonly head: ResponseHead;
  /** The body goes to the agent chunked (it came chunked and the agent speaks HTTP/1.1). */
  readonly chunked: boolean;
  /** The gateway closes the agent's connection after this response. */
  readonly close: boolean;
  /** An HTTP/1.0 agent whose connection stays open is told so. */
  readonly keepAliveOneZero: boolean;
}

export function clientResponseHead(response: ForwardedResponse): Buffer {
  const { head } = response;
  const out = startHead();
  out.add('HTTP/1.1 ').add(String(head.status)).add(' ').add(head.reason).add('\r\n');
  const { fields, connectionNames } = head;
  let sentContentLength = false;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] as string;
    if (isHopByHop(name, connectionNames)) continue;
    if (name === 'content-length') {
      // Repeats of one length are accepted, and then passed on as one field (RFC 9110 §8.6):
      // an agent on Node would refuse the response with two.
      if (sentContentLength) continue;
      sentContentLength = true;
    }
    out.add(name).add(': ').add(fields[i + 1] as string).add('\r\n');
  }
  if (response.chunked) out.add('transfer-encoding: chunked\r\n');
  if (response.close) out.add('connection: close\r\n');
  else if (response.keepAliveOneZero) out.add('connection: keep-alive\r\n');
  return out.add('\r\n').take();
}

/** An interim (1xx) response passed on to the agent: status line and end-to-end fields. */
export function interimResponseHead(head: ResponseHead): Buffer {
  return clientResponseHead({ head, chunked: false, close: false, keepAliveOneZero: false });
}

/**
 * A head's pieces, gathered, then copied into one buffer. Concatenating them as strings made a
 * chain of short-lived string pieces per field, then a flat copy to write: ~1.2 KB of a
 * worker's garbage per response (inspector sampling heap profile, 2026-12-06). One gatherer
 * serves every head: a head is built and taken synchronously, never two at once.
 */
class HeadPieces {
  /** Grows to the longest head's piece count and stays: emptying an array with `length = 0`
   *  drops its storage, and pushing then allocates it again for every head. */
  readonly #pieces: string[] = [];
  #count = 0;
  #length = 0;

  reset(): this {
    for (let i = 0; i < this.#count; i++) this.#pieces[i] = '';
    this.#count = 0;
    this.#length = 0;
    return this;
  }

  /** Latin1 text: one byte a character. */
  add(text: string): this {
    this.#pieces[this.#count++] = text;
    this.#length += text.length;
    return this;
  }

  /** The head, and the pieces forgotten (a forwarded field may carry a credential). */
  take(): Buffer {
    const buffer = Buffer.allocUnsafe(this.#length);
    let at = 0;
    for (let i = 0; i < this.#count; i++) at += buffer.write(this.#pieces[i] as string, at, 'latin1');
    this.reset();
    return buffer;
  }
}

const pieces = new HeadPieces();

function startHead(): HeadPieces {
  return pieces.reset();
}
