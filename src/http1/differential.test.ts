// The framing layer's safety property, checked against Node's own parser: whatever head
// parseRequestHead (or parseResponseHead) accepts, llhttp in strict mode accepts too and reads
// the same way: the same method, target, version, fields and, above all, the same body
// framing. Heads come from a seeded generator that mixes valid shapes with the usual smuggling
// tricks (duplicate lengths, odd Transfer-Encodings, obs-fold, bare CR/LF, control bytes, OWS,
// obs-text). llhttp refusing what we accept is fine only where the reason is named below;
// llhttp accepting what we refuse is always fine (we are stricter by design).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { findHeadEnd } from './head-bounds.js';
import { listElements } from './fields.js';
import { parseRequestHead, type RequestHead } from './request-head.js';
import { parseResponseHead, type ResponseHead } from './response-head.js';

// ---------------------------------------------------------------------------------------------
// llhttp, through Node's internal binding. `_http_common` is not a public module; using it in
// a test (never in the gateway) is acceptable: it is the parser every Node HTTP client and
// server in front of or behind the gateway runs, which is exactly what we want to agree with.

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): Error | undefined;
  close(): void;
  [callback: number]: unknown;
}

interface LlhttpBinding {
  readonly HTTPParser: {
    new (): LlhttpParser;
    readonly REQUEST: number;
    readonly RESPONSE: number;
    readonly kOnHeaders: number;
    readonly kOnHeadersComplete: number;
    readonly kOnBody: number;
    readonly kOnMessageComplete: number;
    readonly kOnExecute: number;
    readonly kLenientNone: number;
  };
  readonly methods: readonly string[];
}

const { HTTPParser, methods: LLHTTP_METHODS } = createRequire(import.meta.url)('_http_common') as LlhttpBinding;

/** What llhttp made of a head, and of the bytes fed after it. */
interface LlhttpRun {
  /** The first Error `execute` returned, with its HPE_* code, or null. */
  readonly error: string | null;
  readonly head: LlhttpHead | null;
  /** Body bytes llhttp handed out (decoded when chunked). */
  readonly body: string;
  /** The message completed (kOnMessageComplete) within the head's own bytes. */
  readonly completeAfterHead: boolean;
  /** The message completed within the bytes fed after the head. */
  readonly completeAfterFeeds: boolean;
  /** Message completion reported by finish() (the peer closing the connection). */
  readonly completeAtEof: boolean;
}

interface LlhttpHead {
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** Flat `[name, value, ...]` as llhttp saw them (names in their original case). */
  readonly headers: readonly string[];
  readonly method: string | undefined;
  readonly url: string;
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly upgrade: boolean;
  readonly shouldKeepAlive: boolean;
}

/** Runs a fresh llhttp (strict: no leniency flags, default header size) over `head`, then `feeds`. */
function llhttp(type: 'request' | 'response', head: string, feeds: readonly string[] = [], eof = false): LlhttpRun {
  const parser = new HTTPParser();
  parser.initialize(type === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, HTTPParser.kLenientNone);
  // Node flushes headers in batches through kOnHeaders once there are many of them (the url
  // with the first batch); kOnHeadersComplete then gets only the rest, or nothing.
  const flushed: string[] = [];
  let flushedUrl = '';
  let parsedHead: LlhttpHead | null = null;
  let body = '';
  let completions = 0;
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    flushed.push(...headers);
    flushedUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    versionMajor: number, versionMinor: number, headers: string[] | undefined, method: number | undefined, url: string | undefined,
    statusCode: number | undefined, statusMessage: string | undefined, upgrade: boolean, shouldKeepAlive: boolean,
  ): number => {
    parsedHead = {
      versionMajor, versionMinor,
      headers: [...flushed, ...(headers ?? [])],
      method: method === undefined ? undefined : LLHTTP_METHODS[method],
      url: flushedUrl + (url ?? ''),
      statusCode: statusCode ?? 0,
      statusMessage: statusMessage ?? '',
      upgrade, shouldKeepAlive,
    };
    return 0; // 0: read the body as the head says (1 would mean "skip it", for a HEAD response)
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
    body += chunk.toString('latin1');
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    completions++;
  };
  parser[HTTPParser.kOnExecute] = () => undefined;
  let error: string | null = null;
  const feed = (bytes: string): void => {
    if (error !== null) return;
    const result = parser.execute(Buffer.from(bytes, 'latin1'));
    if (result instanceof Error) error = (result as Error & { code?: string }).code ?? result.message;
  };
  feed(head);
  const afterHead = completions;
  for (const bytes of feeds) feed(bytes);
  const afterFeeds = completions;
  if (eof && error === null) {
    const result = parser.finish();
    if (result instanceof Error) error = (result as Error & { code?: string }).code ?? result.message;
  }
  parser.close();
  return {
    error, head: parsedHead, body,
    completeAfterHead: afterHead > 0,
    completeAfterFeeds: afterFeeds > afterHead,
    completeAtEof: completions > afterFeeds,
  };
}

// ---------------------------------------------------------------------------------------------
// How llhttp frames the body after a head, in our vocabulary, found by feeding it bytes:
// `none` (the message ended with the head), `chunked` (a one-byte chunked body decodes to
// its byte), `length:N` (the message ends after exactly N more bytes), `close` (a response
// read until the connection closes). The probes are chosen from what we expect, so that any
// other framing shows up differently (e.g. `x` bytes are not a chunk size).

/** Longest Content-Length probed exactly (N - 1 bytes, then the last one); llhttp is only
 *  checked to be still reading a longer body after this many bytes. */
const PROBE_LIMIT = 1 << 16;

function llhttpFraming(type: 'request' | 'response', head: string, expected: string): string {
  const bare = llhttp(type, head);
  if (bare.error !== null) return `error ${bare.error}`;
  if (bare.completeAfterHead) return 'none';
  if (expected === 'chunked') {
    const run = llhttp(type, head, ['1\r\nx\r\n0\r\n\r\n']);
    if (run.error === null && run.completeAfterFeeds && run.body === 'x') return 'chunked';
    return `not chunked (body ${JSON.stringify(run.body)}, ${run.error ?? 'no error'})`;
  }
  if (expected.startsWith('length:')) {
    const length = Number(expected.slice('length:'.length));
    if (length > PROBE_LIMIT) {
      const run = llhttp(type, head, ['x'.repeat(PROBE_LIMIT)]);
      if (run.error === null && !run.completeAfterFeeds && run.body.length === PROBE_LIMIT) return expected;
      return `not length (${run.error ?? 'no error'}, body ${run.body.length} bytes)`;
    }
    const short = llhttp(type, head, ['x'.repeat(length - 1)]);
    if (short.error !== null || short.completeAfterFeeds) return `ended before ${length} bytes (${short.error ?? `body ${short.body.length} bytes`})`;
    const exact = llhttp(type, head, ['x'.repeat(length - 1), 'x']);
    if (exact.error === null && exact.completeAfterFeeds && exact.body.length === length) return expected;
    return `did not end after ${length} bytes (${exact.error ?? `body ${exact.body.length} bytes`})`;
  }
  if (expected === 'close') {
    const run = llhttp(type, head, ['abc'], true);
    if (run.error === null && !run.completeAfterFeeds && run.completeAtEof && run.body === 'abc') return 'close';
    return `not close-delimited (${run.error ?? 'no error'}, body ${JSON.stringify(run.body)})`;
  }
  return 'a body (the message did not end with its head)';
}

function ourRequestFraming(head: RequestHead): string {
  return head.body === 'length' ? `length:${head.contentLength}` : head.body;
}

/** `Content-Length: 0` is a response that ends with its head, as llhttp reports it. */
function ourResponseFraming(head: ResponseHead): string {
  if (head.body === 'length') return head.contentLength === 0 ? 'none' : `length:${head.contentLength}`;
  return head.body;
}

// ---------------------------------------------------------------------------------------------
// A seeded generator: the same heads every run, so a failure can be replayed.

/** mulberry32: a tiny, well-mixed 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.#next() < p;
  }
  int(below: number): number {
    return Math.floor(this.#next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** The same letters, each in a random case. */
  randomCase(text: string): string {
    let out = '';
    for (const ch of text) out += this.chance(0.3) ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
    return out;
  }
}

const GOOD_METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'M-SEARCH'];
/** Tokens, so valid methods (RFC 9110 §9.1), but not in llhttp's fixed list. */
const EXTENSION_METHODS = ['FOO', 'get', 'X_Y', 'BREW'];
const BAD_METHODS = ['G ET', 'GET\t', 'G(ET', 'G\xc9T', '', 'GE\x00T', 'GET:', '"GET"'];

const GOOD_TARGETS = [
  'http://example.test/', 'http://example.test/a/b?x=1&y=2', 'http://example.test:8080/p#frag', 'http://[::1]:80/',
  'http://user@example.test/', 'https://example.test/%20', '/', '/path?q=1', '*', '//x', 'http://example.test/"<>\\^`{|}',
];
/** Visible ASCII, so within what we accept, but not in a request-target form llhttp knows. */
const ODD_TARGETS = ['x', '@', '%', '?', 'a:b:c', 'http:'];
const BAD_TARGETS = ['http://example.test/\x7f', 'http://example.test/\x80', 'http://example.test/\t', 'http://example.test/\x00', ''];

const GOOD_VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'];
const BAD_VERSIONS = ['HTTP/2.0', 'HTTP/1.2', 'HTTP/7.3', 'http/1.1', 'HTTP/1.1 ', 'HTTP/1', 'HTTP/11.0', 'HTTP/1.x', '', 'HTTP/1.1\t'];

const GOOD_CONTENT_LENGTHS = ['0', '0', '1', '5', '12', '007', '000000000000005', '999999999999999', ' 3 ', '\t3'];
const BAD_CONTENT_LENGTHS = ['1234567890123456', '-1', '+1', '1,1', '1 1', '0x1', '', '1\xa0', '\xa03', 'abc', '3\t', '3 \t'];
const GOOD_TRANSFER_ENCODINGS = ['chunked', 'chunked', 'chunked', 'Chunked', 'CHUNKED', ' chunked ', '\tchunked'];
const BAD_TRANSFER_ENCODINGS = [
  'chunked\t', 'chunked \t', 'gzip, chunked', 'chunked, identity', 'chunked, chunked', 'identity', 'gzip', 'chunked,',
  ',chunked', 'chunked ,', 'chunked\xa0', '\xa0chunked', 'chunked;q=1', '"chunked"', '',
];

function contentLength(gen: Gen): string {
  return gen.chance(0.7) ? gen.pick(GOOD_CONTENT_LENGTHS) : gen.pick(BAD_CONTENT_LENGTHS);
}

function transferEncoding(gen: Gen): string {
  return gen.chance(0.6) ? gen.pick(GOOD_TRANSFER_ENCODINGS) : gen.pick(BAD_TRANSFER_ENCODINGS);
}

const CONNECTIONS = [
  'close', 'keep-alive', 'Keep-Alive', 'CLOSE', 'upgrade', 'Upgrade', 'close, keep-alive', 'keep-alive, close', 'x-foo',
  'x-foo, close', 'close,x-foo', 'te, close', 'close\t', 'keep-alive\t', 'foo,\tclose', '\tclose\t,foo', 'close\xa0',
  'keep-alive\xa0', 'upgrade\xa0', 'keep-alive,', ' , close', 'closed', 'x-close', 'close;x', '"close"', 'keep-alive, upgrade', '',
];
const UPGRADES = ['websocket', 'h2c', 'websocket, h2c', '', ','];
const HOSTS = ['example.test', 'example.test:8080', '[::1]', ''];
const EXPECTS = ['100-continue', '100-Continue', 'x'];

/** Field values built from pieces, some of them refused (control characters). */
function otherValue(gen: Gen): string {
  const pieces = ['abc', 'a b', 'x=1', ',', ';', '"q"', '\t', ' ', '\x80', '\xa0', '\xff', '\xe9', '=', '(c)'];
  const bad = ['\x00', '\x01', '\x7f', '\x0b', '\x1b', '\r', '\n'];
  let value = '';
  const count = gen.int(5);
  for (let i = 0; i < count; i++) value += gen.chance(0.06) ? gen.pick(bad) : gen.pick(pieces);
  return value;
}

const OTHER_NAMES = ['Accept', 'User-Agent', 'X-Custom', 'Cookie', 'Keep-Alive', 'TE', 'Trailer', 'Proxy-Connection', 'X-Forwarded-For', 'Via', 'Accept-Encoding'];
const BAD_NAMES = ['X Y', 'X:Y', 'X-Y ', ' X', '\tX', '', 'X\x00', 'X\x80', 'X\x7f', 'X(Y)', 'X@Y', 'X"', 'X/Y', 'X\rY'];

/** OWS around a value: usually one space, sometimes none, more, or tabs. */
function ows(gen: Gen): string {
  return gen.chance(0.75) ? gen.pick(['', ' ', ' ']) : gen.pick(['  ', '\t', ' \t', '\t ']);
}

function fieldLine(gen: Gen, name: string, value: string): string {
  // `name:value` with the OWS picked above and, now and then, a bare LF or CR (or a stray CR)
  // where the CRLF should be.
  const eol = gen.chance(0.015) ? gen.pick(['\n', '\r', '\r\r\n', '\n\r\n']) : '\r\n';
  return `${name}:${ows(gen)}${value}${gen.chance(0.85) ? '' : ows(gen)}${eol}`;
}

/** One request head: a request line, then a shuffled mix of framing, connection and other fields. */
function requestHead(gen: Gen): string {
  const method = gen.chance(0.9) ? gen.pick(GOOD_METHODS) : gen.chance(0.5) ? gen.pick(EXTENSION_METHODS) : gen.pick(BAD_METHODS);
  let target = gen.chance(0.9) ? gen.pick(GOOD_TARGETS) : gen.chance(0.5) ? gen.pick(ODD_TARGETS) : gen.pick(BAD_TARGETS);
  if (method === 'CONNECT' && gen.chance(0.7)) target = gen.pick(['example.test:443', '[::1]:8443', 'example.test:80']);
  const version = gen.chance(0.93) ? gen.pick(GOOD_VERSIONS) : gen.pick(BAD_VERSIONS);
  const sp = (): string => (gen.chance(0.98) ? ' ' : gen.pick(['  ', '\t', '']));
  const lines: string[] = [];
  const hostCount = gen.chance(0.88) ? 1 : gen.pick([0, 0, 2]);
  for (let i = 0; i < hostCount; i++) lines.push(fieldLine(gen, gen.randomCase('Host'), gen.pick(HOSTS)));
  if (gen.chance(0.3)) lines.push(fieldLine(gen, gen.randomCase('Content-Length'), contentLength(gen)));
  if (gen.chance(0.04)) lines.push(fieldLine(gen, gen.randomCase('Content-Length'), contentLength(gen)));
  if (gen.chance(0.3)) lines.push(fieldLine(gen, gen.randomCase('Transfer-Encoding'), transferEncoding(gen)));
  if (gen.chance(0.05)) lines.push(fieldLine(gen, gen.randomCase('Transfer-Encoding'), transferEncoding(gen)));
  if (gen.chance(0.45)) lines.push(fieldLine(gen, gen.randomCase('Connection'), gen.pick(CONNECTIONS)));
  if (gen.chance(0.08)) lines.push(fieldLine(gen, gen.randomCase('Connection'), gen.pick(CONNECTIONS)));
  if (gen.chance(0.2)) lines.push(fieldLine(gen, gen.randomCase('Upgrade'), gen.pick(UPGRADES)));
  if (gen.chance(0.1)) lines.push(fieldLine(gen, gen.randomCase('Expect'), gen.pick(EXPECTS)));
  if (gen.chance(0.2)) lines.push(fieldLine(gen, gen.randomCase('Proxy-Authorization'), 'Bearer abc.def'));
  if (gen.chance(0.03)) lines.push(fieldLine(gen, 'Proxy-Authorization', 'Basic eDp5'));
  const others = gen.int(4);
  for (let i = 0; i < others; i++) lines.push(fieldLine(gen, gen.randomCase(gen.pick(OTHER_NAMES)), otherValue(gen)));
  if (gen.chance(0.05)) lines.push(fieldLine(gen, gen.pick(BAD_NAMES), 'v'));
  if (gen.chance(0.04)) lines.push(`${gen.pick([' ', '\t'])}folded\r\n`); // obs-fold
  if (gen.chance(0.01)) lines.push('no colon here\r\n');
  shuffle(gen, lines);
  return `${method}${sp()}${target}${sp()}${version}\r\n${lines.join('')}\r\n`;
}

const STATUS_CODES = ['200', '200', '200', '201', '204', '206', '301', '304', '404', '500', '599', '999', '100', '101', '103', '199'];
const BAD_STATUS_CODES = ['20', '2000', '099', '000', '2x0', '-20'];
const REASONS = ['OK', 'OK', 'Not Found', '', 'a\tb', '\x80\xff', '  two', 'trailing '];
const BAD_REASONS = ['x\x00', 'x\x7f', 'x\x01', 'x\ry', 'x\ny'];

/** One response head: a status line (sometimes malformed), then framing and other fields. */
function responseHead(gen: Gen): string {
  const version = gen.chance(0.9) ? gen.pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0']) : gen.pick(['HTTP/2', 'HTTP/1.2', 'http/1.1', 'HTTP/2.0', 'HTTP/1.1 ']);
  const code = gen.chance(0.93) ? gen.pick(STATUS_CODES) : gen.pick(BAD_STATUS_CODES);
  const statusLine = gen.chance(0.1) ? `${version} ${code}` : `${version} ${code} ${gen.chance(0.92) ? gen.pick(REASONS) : gen.pick(BAD_REASONS)}`;
  const lines: string[] = [];
  if (gen.chance(0.45)) lines.push(fieldLine(gen, gen.randomCase('Content-Length'), contentLength(gen)));
  if (gen.chance(0.06)) lines.push(fieldLine(gen, gen.randomCase('Content-Length'), contentLength(gen)));
  if (gen.chance(0.35)) lines.push(fieldLine(gen, gen.randomCase('Transfer-Encoding'), transferEncoding(gen)));
  if (gen.chance(0.05)) lines.push(fieldLine(gen, gen.randomCase('Transfer-Encoding'), transferEncoding(gen)));
  if (gen.chance(0.35)) lines.push(fieldLine(gen, gen.randomCase('Connection'), gen.pick(CONNECTIONS)));
  if (gen.chance(0.1)) lines.push(fieldLine(gen, gen.randomCase('Upgrade'), gen.pick(UPGRADES)));
  const others = gen.int(4);
  for (let i = 0; i < others; i++) lines.push(fieldLine(gen, gen.randomCase(gen.pick(OTHER_NAMES)), otherValue(gen)));
  if (gen.chance(0.04)) lines.push(fieldLine(gen, gen.pick(BAD_NAMES), 'v'));
  if (gen.chance(0.04)) lines.push(`${gen.pick([' ', '\t'])}folded\r\n`);
  shuffle(gen, lines);
  return `${statusLine}\r\n${lines.join('')}\r\n`;
}

function shuffle<T>(gen: Gen, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = gen.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/** The head as the gateway would hand it to the parser: up to the first CRLF CRLF. */
function cutAtHeadEnd(text: string): string {
  const end = findHeadEnd(Buffer.from(text, 'latin1'), 0, 0);
  return end < 0 ? text : text.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// Where llhttp and RFC 9110/9112 part ways, and we follow the RFC. Each is narrow, counted and
// printed as a diagnostic, so a new disagreement cannot hide behind one of them.

/** llhttp knows a fixed list of methods; RFC 9110 §9.1 allows any token. */
function isExtensionMethod(method: string): boolean {
  return !LLHTTP_METHODS.includes(method);
}

/**
 * The four request-target forms (RFC 9112 §3.2), roughly: llhttp may refuse any other target
 * of visible ASCII that we pass on (and the gateway's URL check then refuses), but never one
 * of these.
 */
function isRequestTargetForm(target: string): boolean {
  return target === '*' || target.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target) || /^(\[[0-9A-Fa-f:.]+\]|[^/?#@:[\]]+):[0-9]+$/.test(target);
}

/**
 * Keep-alive, where llhttp does not read Connection as RFC 9112 §9.3 says: it keeps an
 * HTTP/1.0 connection with both `keep-alive` and `close` open (close wins), it does not see a
 * token followed by HTAB (OWS: `close<HTAB>`), and it honours the legacy Proxy-Connection
 * header (in no RFC). Looked at in the raw head, since a parsed value has lost its OWS; only
 * ever consulted when the two answers differ.
 */
function keepAliveQuirk(text: string, minorVersion: number): string | null {
  const connection: string[] = [];
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'proxy-connection') return 'proxy-connection';
    if (name === 'connection') connection.push(line.slice(colon + 1));
  }
  if (connection.some((value) => value.includes('\t'))) return 'htab in connection';
  const tokens = listElements(connection.join(','));
  if (minorVersion === 0 && tokens.includes('close') && tokens.includes('keep-alive')) return 'http/1.0 keep-alive and close';
  return null;
}

/** A head as a JS string literal, obs-text escaped too (it would print as look-alike letters). */
function show(text: string): string {
  return JSON.stringify(text).replace(/[\x7f-\xff]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16)}`);
}

function sameFields(ours: readonly string[], theirs: readonly string[]): boolean {
  if (ours.length !== theirs.length) return false;
  for (let i = 0; i < ours.length; i += 2) {
    if (ours[i] !== (theirs[i] as string).toLowerCase() || ours[i + 1] !== theirs[i + 1]) return false;
  }
  return true;
}

class Tally {
  readonly counts = new Map<string, number>();
  add(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }
  get(what: string): number {
    return this.counts.get(what) ?? 0;
  }
  toString(): string {
    return [...this.counts].map(([what, n]) => `${what}: ${n}`).join(', ');
  }
}

const REQUEST_CASES = 3000;
const RESPONSE_CASES = 1200;

test('whatever request head we accept, llhttp (strict) accepts and reads the same way', (t) => {
  const gen = new Gen(0x5eed_1234);
  const tally = new Tally();
  const failures: string[] = [];
  for (let n = 0; n < REQUEST_CASES; n++) {
    const text = cutAtHeadEnd(requestHead(gen));
    const ours = parseRequestHead(text);
    if (!ours.ok) {
      tally.add('refused');
      continue;
    }
    tally.add('accepted');
    const head = ours.head;
    tally.add(`framing ${head.body}`);
    // An extension method or an odd target: give llhttp a neutral one in its place, and hold
    // it to everything else (both end at the same SP, so nothing after them moves).
    let llhttpText = text;
    let method = head.method;
    let target = head.target;
    if (isExtensionMethod(method)) {
      tally.add('extension method (llhttp has a fixed list)');
      method = 'OPTIONS';
      llhttpText = `${method}${llhttpText.slice(head.method.length)}`;
    }
    const probe = llhttp('request', llhttpText);
    if (probe.error === 'HPE_INVALID_URL' && !isRequestTargetForm(target)) {
      tally.add('target form llhttp does not know');
      target = 'http://example.test/';
      llhttpText = `${method} ${target}${llhttpText.slice(method.length + 1 + head.target.length)}`;
    }
    const problem = compareRequest(head, method, target, llhttpText, tally);
    if (problem !== null) failures.push(`${problem}\n    head: ${show(text)}`);
  }
  t.diagnostic(tally.toString());
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} request heads we accept are read differently by llhttp`);
  assertNotVacuous(tally, REQUEST_CASES, ['none', 'length', 'chunked']);
});

function compareRequest(head: RequestHead, method: string, target: string, text: string, tally: Tally): string | null {
  const run = llhttp('request', text);
  if (run.error !== null || run.head === null) return `llhttp refuses it: ${run.error ?? 'no head'}`;
  const theirs = run.head;
  if (theirs.method !== method) return `method: ours ${method}, llhttp ${String(theirs.method)}`;
  if (theirs.url !== target) return `target: ours ${JSON.stringify(target)}, llhttp ${JSON.stringify(theirs.url)}`;
  if (theirs.versionMajor !== 1 || theirs.versionMinor !== head.minorVersion) return `version: ours 1.${head.minorVersion}, llhttp ${theirs.versionMajor}.${theirs.versionMinor}`;
  if (!sameFields(head.fields, theirs.headers)) return `fields: ours ${show(head.fields.join('|'))}, llhttp ${show(theirs.headers.join('|'))}`;
  const expected = ourRequestFraming(head);
  const framing = llhttpFraming('request', text, expected);
  if (framing !== expected) return `framing: ours ${expected}, llhttp ${framing}`;
  if (theirs.shouldKeepAlive !== head.keepAlive) {
    const quirk = keepAliveQuirk(text, head.minorVersion);
    if (quirk === null) return `keep-alive: ours ${head.keepAlive}, llhttp ${theirs.shouldKeepAlive}`;
    tally.add(`keep-alive differs: ${quirk}`);
  }
  // llhttp switching protocols where we would read the next request as HTTP is the one
  // direction that matters (CONNECT aside: we know it by its method). The other one (we see
  // an upgrade llhttp does not) ends in the gateway refusing the upgrade.
  if (theirs.upgrade && method !== 'CONNECT' && head.upgrade === null) return 'upgrade: llhttp switches protocols, we do not';
  return null;
}

test('whatever response head we accept (to a GET), llhttp (strict) accepts and frames the same way', (t) => {
  const gen = new Gen(0x5eed_5678);
  const tally = new Tally();
  const failures: string[] = [];
  for (let n = 0; n < RESPONSE_CASES; n++) {
    const text = cutAtHeadEnd(responseHead(gen));
    const ours = parseResponseHead(text, 'GET');
    if (!ours.ok) {
      tally.add('refused');
      continue;
    }
    tally.add('accepted');
    tally.add(`framing ${ours.head.body}`);
    // llhttp refuses any repeated Content-Length; we accept repeats of one value and forward
    // them as one field (RFC 9110 §8.6), so llhttp is held to that head, which must frame alike.
    let compared = ours.head;
    let llhttpText = text;
    if (ours.head.fields.filter((_, i) => i % 2 === 0 && ours.head.fields[i] === 'content-length').length > 1) {
      tally.add('repeated content-length (forwarded as one)');
      llhttpText = withoutRepeatedContentLength(text);
      const single = parseResponseHead(llhttpText, 'GET');
      assert.ok(single.ok && ourResponseFraming(single.head) === ourResponseFraming(ours.head), `one content-length frames alike: ${show(text)}`);
      compared = single.head;
    }
    const problem = compareResponse(compared, llhttpText, tally);
    if (problem !== null) failures.push(`${problem}\n    head: ${show(text)}`);
  }
  t.diagnostic(tally.toString());
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} response heads we accept are read differently by llhttp`);
  assertNotVacuous(tally, RESPONSE_CASES, ['none', 'length', 'chunked', 'close']);
});

function compareResponse(head: ResponseHead, text: string, tally: Tally): string | null {
  const run = llhttp('response', text);
  if (run.error !== null || run.head === null) return `llhttp refuses it: ${run.error ?? 'no head'}`;
  const theirs = run.head;
  if (theirs.statusCode !== head.status) return `status: ours ${head.status}, llhttp ${theirs.statusCode}`;
  if (theirs.statusMessage !== head.reason) return `reason: ours ${JSON.stringify(head.reason)}, llhttp ${JSON.stringify(theirs.statusMessage)}`;
  if (theirs.versionMajor !== 1 || theirs.versionMinor !== head.minorVersion) return `version: ours 1.${head.minorVersion}, llhttp ${theirs.versionMajor}.${theirs.versionMinor}`;
  if (!sameFields(head.fields, theirs.headers)) return `fields: ours ${show(head.fields.join('|'))}, llhttp ${show(theirs.headers.join('|'))}`;
  const expected = ourResponseFraming(head);
  const framing = llhttpFraming('response', text, expected);
  if (framing !== expected) return `framing: ours ${expected}, llhttp ${framing}`;
  // We reuse an upstream connection only when llhttp would too; closing one it would keep is
  // only ever cautious (we never reuse HTTP/1.0, for one).
  if (head.reusable && !theirs.shouldKeepAlive) {
    const quirk = keepAliveQuirk(text, head.minorVersion);
    if (quirk === null) return 'reusable: we would reuse the connection, llhttp would not';
    tally.add(`reuse differs: ${quirk}`);
  }
  return null;
}

/** `text` with the second and later Content-Length lines left out. */
function withoutRepeatedContentLength(text: string): string {
  let seen = false;
  const lines = text.split('\r\n').filter((line) => {
    if (!/^content-length:/i.test(line)) return true;
    const keep = !seen;
    seen = true;
    return keep;
  });
  return lines.join('\r\n');
}

/** The generator must exercise both sides of the property, and every framing among the heads
 *  accepted, or the test proves nothing. */
function assertNotVacuous(tally: Tally, total: number, framings: readonly string[]): void {
  const accepted = tally.get('accepted');
  assert.ok(accepted >= total * 0.2, `only ${accepted} of ${total} heads were accepted`);
  assert.ok(tally.get('refused') >= total * 0.2, `only ${tally.get('refused')} of ${total} heads were refused`);
  for (const framing of framings) {
    assert.ok(tally.get(`framing ${framing}`) >= accepted * 0.05, `only ${tally.get(`framing ${framing}`)} accepted heads framed ${framing}`);
  }
}
