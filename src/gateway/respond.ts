// The one mapping from gateway outcomes to answers on the wire (STYLE §3): status, JSON body,
// X-Clawgress-Request-Id. Used for plain HTTP responses and for raw CONNECT sockets alike.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export type DenialKind = 'unauthenticated' | 'deny' | 'rate_limited';

/** Everything the gateway answers itself, other than a successful forward or tunnel. */
export interface GatewayAnswer {
  readonly status: number;
  readonly error: string;
  /** Set for decisions; null for protocol errors (bad request, upstream failure). */
  readonly decision: DenialKind | null;
  readonly policyId: string | null;
  readonly requestId: string;
  readonly retryAfterSeconds?: number;
}

export const REQUEST_ID_HEADER = 'x-clawgress-request-id';

const STATUS_TEXT: Record<number, string> = {
  200: 'Connection Established',
  400: 'Bad Request',
  403: 'Forbidden',
  407: 'Proxy Authentication Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

function bodyOf(answer: GatewayAnswer): string {
  const body: Record<string, unknown> = { error: answer.error };
  if (answer.decision !== null) {
    body['decision'] = answer.decision;
    body['policy_id'] = answer.policyId;
  }
  body['request_id'] = answer.requestId;
  return JSON.stringify(body);
}

function headersOf(answer: GatewayAnswer, body: string, close: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    [REQUEST_ID_HEADER]: answer.requestId,
    'cache-control': 'no-store',
  };
  if (answer.status === 407) headers['proxy-authenticate'] = 'Basic realm="clawgress"';
  if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
  if (close) headers['connection'] = 'close';
  return headers;
}

/** Answer on an HTTP response. `close` when the request body was not read, so the
 *  connection cannot be reused safely. Returns the body length for the audit record. */
export function sendAnswer(res: ServerResponse, answer: GatewayAnswer, options: { close: boolean }): number {
  const body = bodyOf(answer);
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  res.writeHead(answer.status, headersOf(answer, body, options.close));
  res.end(body);
  return Buffer.byteLength(body);
}

/** Answer on a raw socket (CONNECT), then close it: a denied tunnel is never reused. */
export function sendAnswerOnSocket(socket: Duplex, answer: GatewayAnswer): number {
  const body = bodyOf(answer);
  const headers = headersOf(answer, body, true);
  const lines = [`HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  return Buffer.byteLength(body);
}

/** The 200 that opens a tunnel. */
export function tunnelEstablished(requestId: string): string {
  return `HTTP/1.1 200 Connection Established\r\n${REQUEST_ID_HEADER}: ${requestId}\r\n\r\n`;
}
