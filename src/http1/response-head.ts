// An upstream's response head (RFC 9112 §4, §6.3), parsed as strictly as a request head:
// a response whose length two parsers could read differently is refused (502), never
// guessed at, because the bytes after it would be read as the next response on a pooled
// connection.
import { allIn, REASON } from './chars.js';
import { listElements, parseContentLength, parseFieldLines } from './fields.js';
import { namesIn } from './request-head.js';

/** How a response body is delimited; `close`: by the upstream closing the connection. */
export type ResponseBodyKind = 'none' | 'length' | 'chunked' | 'close';

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly minorVersion: 0 | 1;
  /** `[name, value, ...]`, names lowercased, in order. */
  readonly fields: readonly string[];
  readonly body: ResponseBodyKind;
  readonly contentLength: number;
  /** The upstream connection may carry another request once this response has been read. */
  readonly reusable: boolean;
  readonly connectionNames: ReadonlySet<string> | null;
}

export type ResponseHeadResult = { readonly ok: true; readonly head: ResponseHead } | { readonly ok: false; readonly code: string; readonly error: string };

function invalid(error: string): ResponseHeadResult {
  return { ok: false, code: 'bad_response', error };
}

/** `text`: the head from the status line through CRLF CRLF, latin1. `method`: the request's. */
export function parseResponseHead(text: string, method: string): ResponseHeadResult {
  const lineEnd = text.indexOf('\r\n');
  // HTTP/1.x SP 3DIGIT [SP reason]: some servers leave out the space before an empty reason.
  if (lineEnd < 12 || !text.startsWith('HTTP/1.', 0) || text.charCodeAt(8) !== 0x20) return invalid('the status line is not `HTTP/1.1 CODE REASON`');
  const minor = text.charCodeAt(7) - 0x30;
  if (minor !== 0 && minor !== 1) return invalid('the status line is not `HTTP/1.1 CODE REASON`');
  const status = statusCode(text);
  if (status < 0 || (lineEnd > 12 && text.charCodeAt(12) !== 0x20)) return invalid('the status code is not three digits');
  const reasonStart = Math.min(lineEnd, 13);
  if (!allIn(REASON, text, reasonStart, lineEnd)) return invalid('the reason phrase holds a control character');
  const fields: string[] = [];
  const fieldError = parseFieldLines(text, lineEnd + 2, fields);
  if (fieldError !== null) return invalid(fieldError.error);
  return framing({ status, reason: text.slice(reasonStart, lineEnd), minorVersion: minor, fields }, method);
}

function statusCode(text: string): number {
  let code = 0;
  for (let i = 9; i < 12; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    code = code * 10 + digit;
  }
  return code >= 100 ? code : -1;
}

interface StatusAndFields {
  readonly status: number;
  readonly reason: string;
  readonly minorVersion: 0 | 1;
  readonly fields: string[];
}

/** RFC 9112 §6.3, in its order; both Content-Length and Transfer-Encoding are refused. */
function framing(parsed: StatusAndFields, method: string): ResponseHeadResult {
  const { status, fields } = parsed;
  let contentLength = -2; // -2: absent
  let transferEncoding: string | null = null;
  let connection: string | null = null;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1] as string;
    if (name === 'content-length') {
      const length = parseContentLength(value);
      if (length < 0 || (contentLength !== -2 && length !== contentLength)) return invalid('content-length is not one number of bytes');
      contentLength = length;
    } else if (name === 'transfer-encoding') {
      transferEncoding = transferEncoding === null ? value : `${transferEncoding}, ${value}`;
    } else if (name === 'connection') {
      connection = connection === null ? value : `${connection}, ${value}`;
    }
  }
  if (transferEncoding !== null) {
    if (contentLength !== -2) return invalid('both content-length and transfer-encoding');
    // The gateway sends no TE header, so a server may use no transfer coding but chunked
    // (RFC 9112 §7.4); another one would reach the agent undecoded.
    // Exactly `chunked`: llhttp reads `chunked,` to EOF, not as chunked.
    if (transferEncoding.toLowerCase() !== 'chunked') return invalid('transfer-encoding other than `chunked`');
  }
  // A 1xx has no content whatever its fields say (RFC 9112 §6.3), but llhttp reads a body after
  // one (other than 100-103) that announces one: a body announced there is refused, not skipped.
  if (status < 200 && (transferEncoding !== null || contentLength > 0)) return invalid('an interim (1xx) response with a body length');
  const tokens = connection === null ? [] : listElements(connection);
  let body: ResponseHead['body'];
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) body = 'none';
  else if (transferEncoding !== null) body = 'chunked';
  else if (contentLength >= 0) body = 'length';
  else body = 'close';
  const head: ResponseHead = {
    status,
    reason: parsed.reason,
    minorVersion: parsed.minorVersion,
    fields,
    body,
    contentLength: body === 'length' ? contentLength : 0,
    reusable: body !== 'close' && parsed.minorVersion === 1 && !tokens.includes('close'),
    connectionNames: namesIn(tokens),
  };
  return { ok: true, head };
}
