// A request head (RFC 9112 §3, §5, §6), parsed strictly: what this parser accepts, any
// conforming parser reads the same way (same method, target, fields and body length), so an
// agent cannot make the gateway and the destination disagree about where a request ends.
import { allIn, TARGET, TOKEN } from './chars.js';
import { listElements, parseContentLength, parseFieldLines } from './fields.js';

/** How the body that follows a head is delimited. */
export type BodyKind = 'none' | 'length' | 'chunked';

export interface RequestHead {
  readonly method: string;
  /** The request-target as sent: absolute-form for a proxy request, authority-form for CONNECT. */
  readonly target: string;
  /** HTTP/1.0 or HTTP/1.1. */
  readonly minorVersion: 0 | 1;
  /** Field lines in order: `[name, value, name, value, ...]`, names lowercased. */
  readonly fields: readonly string[];
  readonly body: BodyKind;
  /** Body length in bytes when `body` is `length`; 0 otherwise. */
  readonly contentLength: number;
  /** The client may send another request on this connection after this one. */
  readonly keepAlive: boolean;
  /** Field names the Connection header lists (hop-by-hop for this message only), or null. */
  readonly connectionNames: ReadonlySet<string> | null;
  readonly proxyAuthorization: string | undefined;
  /** The Expect value, lowercased, or undefined. */
  readonly expect: string | undefined;
  /** `Connection: upgrade` with an Upgrade header: the protocol asked for, or null. */
  readonly upgrade: string | null;
}

export interface HeadRefusal {
  readonly ok: false;
  readonly status: 400 | 501 | 505;
  /** A stable metric label. */
  readonly code: string;
  readonly error: string;
}

export type RequestHeadResult = { readonly ok: true; readonly head: RequestHead } | HeadRefusal;

function refuse(status: 400 | 501 | 505, code: string, error: string): HeadRefusal {
  return { ok: false, status, code, error };
}

const BAD_REQUEST_LINE = 'the request line is not `METHOD TARGET HTTP/1.1`';

/** Parses `text`: a head from its request line through the CRLF CRLF that ends it, latin1. */
export function parseRequestHead(text: string): RequestHeadResult {
  const lineEnd = text.indexOf('\r\n');
  const methodEnd = text.indexOf(' ', 0);
  if (methodEnd <= 0 || methodEnd > lineEnd || !allIn(TOKEN, text, 0, methodEnd)) return refuse(400, 'bad_method', `${BAD_REQUEST_LINE}: the method is not a token`);
  const targetEnd = text.indexOf(' ', methodEnd + 1);
  if (targetEnd < 0 || targetEnd > lineEnd || targetEnd === methodEnd + 1 || !allIn(TARGET, text, methodEnd + 1, targetEnd)) {
    return refuse(400, 'bad_request_line', BAD_REQUEST_LINE);
  }
  const minorVersion = versionOf(text, targetEnd + 1, lineEnd);
  if (minorVersion === null) return refuse(400, 'bad_request_line', BAD_REQUEST_LINE);
  if (minorVersion === -1) return refuse(505, 'bad_version', `http version \`${text.slice(targetEnd + 1, Math.min(lineEnd, targetEnd + 17))}\` is not supported: use HTTP/1.1`);
  const fields: string[] = [];
  const fieldError = parseFieldLines(text, lineEnd + 2, fields);
  if (fieldError !== null) return refuse(400, fieldError.code, fieldError.error);
  return interpret({ method: text.slice(0, methodEnd), target: text.slice(methodEnd + 1, targetEnd), minorVersion, fields });
}

/** 0 or 1 for `HTTP/1.0` / `HTTP/1.1`; -1 for another well-formed `HTTP/d.d`; null if malformed. */
function versionOf(text: string, start: number, end: number): 0 | 1 | -1 | null {
  if (end - start !== 8 || !text.startsWith('HTTP/', start) || text.charCodeAt(start + 6) !== 0x2e) return null;
  const major = text.charCodeAt(start + 5) - 0x30;
  const minor = text.charCodeAt(start + 7) - 0x30;
  if (!(major >= 0 && major <= 9 && minor >= 0 && minor <= 9)) return null;
  if (major === 1 && (minor === 0 || minor === 1)) return minor;
  return -1;
}

interface Parsed {
  readonly method: string;
  readonly target: string;
  readonly minorVersion: 0 | 1;
  readonly fields: string[];
}

/** The fields that decide framing, connection handling and identity, checked once. */
function interpret(parsed: Parsed): RequestHeadResult {
  const { fields, minorVersion } = parsed;
  let contentLength = -2; // -2: absent
  let transferEncoding: string | null = null;
  let connection: string | null = null;
  let hosts = 0;
  let proxyAuthorization: string | undefined;
  let expect: string | undefined;
  let upgrade: string | null = null;
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1] as string;
    switch (fields[i]) {
      case 'content-length':
        if (contentLength !== -2) return refuse(400, 'bad_content_length', 'more than one content-length header');
        contentLength = parseContentLength(value);
        if (contentLength < 0) return refuse(400, 'bad_content_length', 'content-length is not a number of bytes');
        break;
      case 'transfer-encoding':
        transferEncoding = transferEncoding === null ? value : `${transferEncoding}, ${value}`;
        break;
      case 'connection':
        connection = connection === null ? value : `${connection}, ${value}`;
        break;
      case 'host':
        hosts++;
        break;
      case 'proxy-authorization':
        if (proxyAuthorization !== undefined) return refuse(400, 'bad_header', 'more than one proxy-authorization header');
        proxyAuthorization = value;
        break;
      case 'expect':
        expect = expect === undefined ? value.toLowerCase() : `${expect}, ${value.toLowerCase()}`;
        break;
      case 'upgrade':
        upgrade = value;
        break;
    }
  }
  if (hosts > 1) return refuse(400, 'bad_host', 'more than one host header');
  if (hosts === 0 && minorVersion === 1) return refuse(400, 'bad_host', 'an HTTP/1.1 request without a host header');
  let body: BodyKind = contentLength > 0 ? 'length' : 'none';
  if (transferEncoding !== null) {
    if (contentLength !== -2) return refuse(400, 'length_and_chunked', 'both content-length and transfer-encoding');
    if (minorVersion === 0) return refuse(400, 'bad_transfer_encoding', 'transfer-encoding in an HTTP/1.0 request');
    // Exactly `chunked`, not a list that holds it among empty elements (`chunked,`): llhttp
    // refuses that, and a parser that takes the last element for the final coding finds none.
    if (transferEncoding.toLowerCase() !== 'chunked') {
      return refuse(501, 'bad_transfer_encoding', 'transfer-encoding other than `chunked` is not supported');
    }
    body = 'chunked';
  }
  // A CONNECT request has no content (RFC 9110 §9.3.6): llhttp starts the tunnel right after the
  // head whatever Content-Length says, so what we would read as a body it would tunnel.
  if (parsed.method === 'CONNECT' && body !== 'none') return refuse(400, 'connect_with_body', 'a CONNECT request with content-length or transfer-encoding');
  const tokens = connection === null ? [] : listElements(connection);
  const keepAlive = minorVersion === 1 ? !tokens.includes('close') : tokens.includes('keep-alive') && !tokens.includes('close');
  const head: RequestHead = {
    method: parsed.method,
    target: parsed.target,
    minorVersion,
    fields,
    body,
    contentLength: body === 'length' ? contentLength : 0,
    keepAlive,
    connectionNames: namesIn(tokens),
    proxyAuthorization,
    expect,
    upgrade: upgrade !== null && tokens.includes('upgrade') ? upgrade : null,
  };
  return { ok: true, head };
}

/** Connection tokens other than the two options (close, keep-alive): header names. */
export function namesIn(tokens: readonly string[]): ReadonlySet<string> | null {
  let names: Set<string> | null = null;
  for (const token of tokens) {
    if (token === 'close' || token === 'keep-alive') continue;
    (names ??= new Set()).add(token);
  }
  return names;
}
