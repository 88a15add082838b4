// The one mapping from gateway outcomes to answers on the wire (STYLE §3): status, JSON body,
// X-Clawgress-Request-Id. Used for plain HTTP responses and for raw CONNECT sockets alike.
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
  408: 'Request Timeout',
  417: 'Expectation Failed',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
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

function headersOf(answer: GatewayAnswer, body: string, connection: 'close' | 'keep-alive' | null): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    [REQUEST_ID_HEADER]: answer.requestId,
    'cache-control': 'no-store',
  };
  if (answer.status === 407) headers['proxy-authenticate'] = 'Basic realm="clawgress"';
  if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
  if (connection !== null) headers['connection'] = connection;
  return headers;
}

function render(answer: GatewayAnswer, connection: 'close' | 'keep-alive' | null): { text: string; bodyBytes: number } {
  const body = bodyOf(answer);
  let text = `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(headersOf(answer, body, connection))) text += `${name}: ${value}\r\n`;
  return { text: `${text}\r\n${body}`, bodyBytes: Buffer.byteLength(body) };
}

/** An answer on a keep-alive HTTP connection. `close`: the connection ends after it (the
 *  request body was not read, the agent asked, or the gateway is draining);
 *  `keepAliveOneZero`: an HTTP/1.0 agent keeping its connection is told so. */
export function answerText(answer: GatewayAnswer, options: { close: boolean; keepAliveOneZero: boolean }): { text: string; bodyBytes: number } {
  return render(answer, options.close ? 'close' : options.keepAliveOneZero ? 'keep-alive' : null);
}

/** Answer on a raw socket (CONNECT, or a request the parser refused), then close it: such a
 *  connection is never reused. Returns the body length for the audit record. */
export function sendAnswerOnSocket(socket: Duplex, answer: GatewayAnswer): number {
  const { text, bodyBytes } = render(answer, 'close');
  socket.end(text);
  return bodyBytes;
}

/** The 200 that opens a tunnel. */
export function tunnelEstablished(requestId: string): string {
  return `HTTP/1.1 200 Connection Established\r\n${REQUEST_ID_HEADER}: ${requestId}\r\n\r\n`;
}
