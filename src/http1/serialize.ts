// The heads the gateway writes: a forwarded request to the upstream and a forwarded response
// to the agent, each one latin1 string written in one go. Field names stay lowercased as
// parsed (as HTTP/2 sends them); values are passed on byte for byte.
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
export function upstreamRequestHead(request: ForwardedRequest): string {
  const { head } = request;
  let text = `${request.method} ${request.pathAndQuery} HTTP/1.1\r\nhost: ${request.authority}\r\n`;
  const { fields, connectionNames } = head;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] as string;
    if (name === 'host' || isHopByHop(name, connectionNames)) continue;
    text += `${name}: ${fields[i + 1] as string}\r\n`;
  }
  if (head.body === 'chunked') text += 'transfer-encoding: chunked\r\n';
  return `${text}\r\n`;
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

export function clientResponseHead(response: ForwardedResponse): string {
  const { head } = response;
  let text = `HTTP/1.1 ${head.status} ${head.reason}\r\n`;
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
    text += `${name}: ${fields[i + 1] as string}\r\n`;
  }
  if (response.chunked) text += 'transfer-encoding: chunked\r\n';
  if (response.close) text += 'connection: close\r\n';
  else if (response.keepAliveOneZero) text += 'connection: keep-alive\r\n';
  return `${text}\r\n`;
}

/** An interim (1xx) response passed on to the agent: status line and end-to-end fields. */
export function interimResponseHead(head: ResponseHead): string {
  return clientResponseHead({ head, chunked: false, close: false, keepAliveOneZero: false });
}
