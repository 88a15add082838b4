// Upstream failures become 502 (the destination misbehaved) or 504 (it was too slow), with a
// reason that names what happened and never the agent's credentials.

export interface UpstreamFailure {
  readonly status: 502 | 504;
  readonly metricReason: string;
  readonly reason: string;
}

export function connectTimeout(authority: string, ms: number): UpstreamFailure {
  return { status: 504, metricReason: 'connect_timeout', reason: `upstream \`${authority}\`: no connection within ${ms} ms` };
}

export function responseTimeout(authority: string, ms: number): UpstreamFailure {
  return { status: 504, metricReason: 'response_timeout', reason: `upstream \`${authority}\`: no response within ${ms} ms` };
}

export function invalidResponse(authority: string, error: string): UpstreamFailure {
  return { status: 502, metricReason: 'bad_response', reason: `upstream \`${authority}\`: invalid http response: ${error}` };
}

export function classifyUpstreamError(
  authority: string,
  error: unknown,
  timeouts?: { readonly upstreamConnectMs: number; readonly upstreamResponseMs: number },
): UpstreamFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const prefix = `upstream \`${authority}\``;
  switch (code) {
    case 'CLAWGRESS_CONNECT_TIMEOUT':
      return connectTimeout(authority, timeouts?.upstreamConnectMs ?? 0);
    case 'ECONNREFUSED':
      return { status: 502, metricReason: 'refused', reason: `${prefix}: connection refused` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { status: 502, metricReason: 'reset', reason: `${prefix}: connection reset` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { status: 502, metricReason: 'unreachable', reason: `${prefix}: unreachable` };
    case 'ETIMEDOUT':
      return { status: 504, metricReason: 'connect_timeout', reason: `${prefix}: connection timed out` };
    default:
      if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))) {
        return { status: 502, metricReason: 'tls', reason: `${prefix}: tls: ${String(code).toLowerCase()}` };
      }
      return { status: 502, metricReason: 'other', reason: `${prefix}: ${typeof code === 'string' ? code.toLowerCase() : 'request failed'}` };
  }
}
