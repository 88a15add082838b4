// Wire behaviour of the gateway's own HTTP/1.1 engine, through a real `clawgress serve`
// process: framing (pipelining, chunked both ways, close-delimited, HEAD, 204/304, 1xx),
// connection handling (HTTP/1.0, half-close, keep-alive idle, header timeout), invalid
// upstream responses, the retry on a stale pooled connection, and backpressure. The origins
// are written here: raw `net` servers where a test needs byte-exact control of a response,
// node:http where it is enough. Clients are raw sockets where the bytes matter, curl and
// undici where a user would use them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ProxyAgent, request } from 'undici';
import type { AuditEvent } from '../../src/core/index.js';
import { patternChunk, patternHash, startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';
import { eventually } from '../helpers/wait.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const AGENT = 'agent-wire';

// ── raw origin: parses requests itself, answers with exactly the bytes a route writes ──────

interface RawRequest {
  /** The origin's connection number, from 1. */
  readonly conn: number;
  /** The request's number on its connection, from 1. */
  readonly nth: number;
  readonly method: string;
  /** origin-form, as received. */
  readonly target: string;
  readonly path: string;
  /** Lowercased names; repeated fields joined with `, `. */
  readonly headers: ReadonlyMap<string, string>;
  /** Decoded when chunked. */
  readonly body: Buffer;
}

type RawRoute = (req: RawRequest, socket: net.Socket) => void;

interface RawOrigin {
  readonly port: number;
  readonly requests: RawRequest[];
  connections: number;
  close(): Promise<void>;
}

async function startRawOrigin(routes: Readonly<Record<string, RawRoute>>): Promise<RawOrigin> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const conn = ++origin.connections;
    let buffer: Buffer = Buffer.alloc(0);
    let nth = 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (!socket.destroyed) {
        const parsed = parseRequest(buffer);
        if (parsed === null) return;
        buffer = buffer.subarray(parsed.end);
        const req: RawRequest = { conn, nth: ++nth, ...parsed.request };
        origin.requests.push(req);
        const route = routes[req.path] ?? notFound;
        route(req, socket);
      }
    });
  });
  const origin: RawOrigin = {
    port: 0,
    requests: [],
    connections: 0,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (origin as { port: number }).port = (server.address() as net.AddressInfo).port;
  return origin;
}

const notFound: RawRoute = (_req, socket) => void socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');

function parseRequest(buffer: Buffer): { end: number; request: Omit<RawRequest, 'conn' | 'nth'> } | null {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = buffer.toString('latin1', 0, headEnd).split('\r\n');
  const [method = '', target = ''] = (lines[0] ?? '').split(' ');
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name) as string}, ${value}` : value);
  }
  const bodyStart = headEnd + 4;
  let end = bodyStart;
  let body: Buffer = Buffer.alloc(0);
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const decoded = decodeChunked(buffer, bodyStart);
    if (decoded === null) return null;
    end = decoded.end;
    body = decoded.data;
  } else if (headers.has('content-length')) {
    end = bodyStart + Number(headers.get('content-length'));
    if (buffer.length < end) return null;
    body = Buffer.from(buffer.subarray(bodyStart, end));
  }
  return { end, request: { method, target, path: target.split('?')[0] as string, headers, body } };
}

/** The chunked coding from `start`: where it ends, its data and trailer lines; null if incomplete. */
function decodeChunked(buffer: Buffer, start: number): { end: number; data: Buffer; trailers: string[] } | null {
  const pieces: Buffer[] = [];
  let pos = start;
  for (;;) {
    const eol = buffer.indexOf('\r\n', pos);
    if (eol < 0) return null;
    const size = parseInt(buffer.toString('latin1', pos, eol).split(';')[0] as string, 16);
    if (!Number.isInteger(size)) throw new Error(`not a chunk size line: ${JSON.stringify(buffer.toString('latin1', pos, eol))}`);
    pos = eol + 2;
    if (size === 0) {
      const trailers: string[] = [];
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n', pos);
        if (lineEnd < 0) return null;
        if (lineEnd === pos) return { end: lineEnd + 2, data: Buffer.concat(pieces), trailers };
        trailers.push(buffer.toString('latin1', pos, lineEnd));
        pos = lineEnd + 2;
      }
    }
    if (buffer.length < pos + size + 2) return null;
    pieces.push(buffer.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/** Writes `pieces` one after the other, a few ms apart (so they arrive as separate reads). */
function writeApart(socket: net.Socket, pieces: readonly (string | Buffer)[], then?: () => void): void {
  const [first, ...rest] = pieces;
  if (first === undefined) return then?.();
  socket.write(typeof first === 'string' ? Buffer.from(first, 'latin1') : first);
  setTimeout(() => writeApart(socket, rest, then), 5);
}

function okRoute(body: string): RawRoute {
  return (req, socket) => {
    const text = `${body} ${req.method} conn=${req.conn}`;
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };
}

/** The chunked body the raw origin sends: an extension and a trailer, to be passed on byte for byte. */
const CHUNKED_WIRE = '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-trailer: done\r\n\r\n';
const CLOSE_DELIMITED = 'no length here, the end is the connection closing';
const OBS_TEXT_REASON = 'Gr\xfc\xdfe';
const OBS_TEXT_VALUE = 'caf\xe9 \x80\xfe\xff';
const CUT_LENGTH = 100_000;

const rawRoutes: Record<string, RawRoute> = {
  '/ok': okRoute('ok'),
  '/chunked': (_req, socket) => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: x-trailer\r\n\r\n';
    // Cut mid chunk-size line, mid data, mid trailer: the gateway reads it as it comes.
    writeApart(socket, [head, '5\r\nhel', 'lo\r\n6;ext=1\r', '\n world\r\n0\r\nx-trai', 'ler: done\r\n\r\n']);
  },
  '/close-delimited': (_req, socket) => {
    const half = CLOSE_DELIMITED.length >> 1;
    writeApart(socket, ['HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n', CLOSE_DELIMITED.slice(0, half), CLOSE_DELIMITED.slice(half)], () => socket.end());
  },
  '/hints-one': (_req, socket) => {
    socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  },
  '/hints-split': (_req, socket) => {
    writeApart(socket, ['HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
  },
  '/bad/both-lengths': (_req, socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  },
  '/bad/status': (_req, socket) => {
    socket.write('HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok');
  },
  '/bad/big-head': (_req, socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\nContent-Length: 2\r\n\r\nok`);
  },
  '/bad/cut': (_req, socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${CUT_LENGTH}\r\n\r\n${'x'.repeat(1000)}`);
    setTimeout(() => socket.end(), 50);
  },
  '/head': (req, socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n${req.method === 'HEAD' ? '' : 'h'.repeat(1000)}`);
  },
  '/204': (_req, socket) => void socket.write('HTTP/1.1 204 No Content\r\nX-Kind: none\r\n\r\n'),
  // A 304's Content-Length is the length of the representation it stands for, not a body.
  '/304': (_req, socket) => void socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 1234\r\n\r\n'),
  '/obs': (_req, socket) => {
    socket.write(Buffer.from(`HTTP/1.1 200 ${OBS_TEXT_REASON}\r\nX-Obs: ${OBS_TEXT_VALUE}\r\nContent-Length: 2\r\n\r\nok`, 'latin1'));
  },
};

// ── a node:http origin that streams a large body, counting and hashing what it sent ────────

interface StreamOrigin {
  readonly port: number;
  /** Body bytes handed to the response so far (it waits for drain, so this is what the
   *  gateway has taken, give or take kernel buffers and one chunk). */
  sent: number;
  /** sha256 of the last complete body sent; null while one is still going. */
  sha256: string | null;
  close(): Promise<void>;
}

async function startStreamOrigin(): Promise<StreamOrigin> {
  const base = randomBytes(65_536);
  const server = http.createServer((req, res) => {
    const total = Number(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop());
    const hash = createHash('sha256');
    origin.sent = 0;
    origin.sha256 = null;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
    let index = 0;
    const pump = (): void => {
      while (origin.sent < total) {
        const size = Math.min(base.length, total - origin.sent);
        const chunk = Buffer.allocUnsafe(size);
        base.copy(chunk, 0, 0, size);
        chunk.writeUInt32BE(index++, 0); // every chunk distinct: order matters to the hash
        hash.update(chunk);
        origin.sent += size;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      origin.sha256 = hash.digest('hex');
      res.end();
    };
    pump();
  });
  const origin: StreamOrigin = {
    port: 0,
    sent: 0,
    sha256: null,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (origin as { port: number }).port = (server.address() as net.AddressInfo).port;
  return origin;
}

// ── raw client: one connection to the proxy, responses read as bytes ───────────────────────

interface Head {
  /** From the status line through the empty line, as received. */
  readonly raw: Buffer;
  readonly statusLine: string;
  readonly status: number;
  /** `[lowercased name, value]` in order. */
  readonly fields: readonly (readonly [string, string])[];
}

interface Answer {
  readonly interim: readonly Head[];
  readonly head: Head;
  /** The body as framed on the wire (chunk sizes and trailer included when chunked). */
  readonly body: Buffer;
  /** The body without its framing. */
  readonly decoded: Buffer;
}

function field(head: Head, name: string): string | undefined {
  return head.fields.find(([n]) => n === name)?.[1];
}

function show(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1', 0, Math.min(bytes.length, 400)));
}

class RawClient {
  readonly socket: net.Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | null = null;
  readonly #closing: Promise<void>;

  static async open(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('error', () => undefined); // a reset is a close, as far as these tests go
    this.#closing = new Promise((resolve) => socket.once('close', () => {
      this.#closed = true;
      this.#wake?.();
      resolve();
    }));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes received and not read as part of a response. */
  get unread(): Buffer {
    return this.#buffer;
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Resolves once the gateway closed the connection; fails after `timeoutMs`. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const timer = sleep(timeoutMs, 'timeout' as const);
    const outcome = await Promise.race([this.#closing.then(() => 'closed' as const), timer]);
    if (outcome === 'timeout') throw new Error(`the connection was not closed within ${timeoutMs} ms; unread: ${show(this.#buffer)}`);
  }

  /** The next head, interim or final. */
  async readHead(timeoutMs = 10_000): Promise<Head> {
    const end = await this.#until('a response head', () => {
      const at = this.#buffer.indexOf('\r\n\r\n');
      return at < 0 ? null : at + 4;
    }, timeoutMs);
    const raw = this.#take(end);
    const lines = raw.toString('latin1', 0, raw.length - 4).split('\r\n');
    const statusLine = lines[0] as string;
    const fields = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
    return { raw, statusLine, status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN), fields };
  }

  async readBody(head: Head, method: string): Promise<{ body: Buffer; decoded: Buffer }> {
    if (method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return { body: Buffer.alloc(0), decoded: Buffer.alloc(0) };
    if (field(head, 'transfer-encoding')?.toLowerCase() === 'chunked') {
      const parsed = await this.#until('a chunked body', () => decodeChunked(this.#buffer, 0));
      return { body: this.#take(parsed.end), decoded: parsed.data };
    }
    const length = field(head, 'content-length');
    if (length !== undefined) {
      const body = await this.#until('the body', () => (this.#buffer.length >= Number(length) ? this.#take(Number(length)) : null));
      return { body, decoded: body };
    }
    await this.waitClosed();
    const body = this.#take(this.#buffer.length);
    return { body, decoded: body };
  }

  /** Interim heads, then the final response and its body. */
  async readResponse(method = 'GET', timeoutMs = 10_000): Promise<Answer> {
    const interim: Head[] = [];
    let head = await this.readHead(timeoutMs);
    while (head.status >= 100 && head.status < 200) {
      interim.push(head);
      head = await this.readHead(timeoutMs);
    }
    return { interim, head, ...(await this.readBody(head, method)) };
  }

  destroy(): void {
    this.socket.destroy();
  }

  #take(length: number): Buffer {
    const out = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return out;
  }

  async #until<T>(what: string, probe: () => T | null, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== null) return value;
      if (this.#closed) throw new Error(`${what}: the connection closed first; unread: ${show(this.#buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: not within ${timeoutMs} ms; unread: ${show(this.#buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }
}

// ── the gateways, origins and request helpers ──────────────────────────────────────────────

let serve: ServeProcess;
/** A second gateway with short client timeouts (idle keep-alive, header). */
let quick: ServeProcess;
let key: string;
let quickKey: string;
let origin: Origin;
/** Its own origin: a response that ends a client connection once left its pooled upstream
 *  connection paused (the pooled-connection test below), which must not reach other tests. */
let halfCloseOrigin: Origin;
let raw: RawOrigin;
/** Its own origin, so no other test's pooled connection is in the way. */
let stale: RawOrigin;
/** Its own origin too (the pooled connection that must not be left paused, below). */
let paused: RawOrigin;
let big: StreamOrigin;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'clawgress-wire-'));
  [origin, halfCloseOrigin, raw, big, stale, paused] = await Promise.all([
    startHttpOrigin(),
    startHttpOrigin(),
    startRawOrigin(rawRoutes),
    startStreamOrigin(),
    startRawOrigin({
      // Answers the first request on a connection, keeping it alive; on any later request on
      // that connection, closes it without a word: a pooled connection gone stale.
      '/stale': (req, socket) => {
        if (req.nth > 1) return void socket.destroy();
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${`conn=${req.conn}`.length}\r\n\r\nconn=${req.conn}`);
      },
    }),
    startRawOrigin({
      // One write, so one read in the gateway: its body goes to the agent in one write larger
      // than the socket's high-water mark (write() says false: backpressure on the last read).
      '/48k': (_req, socket) => void socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${48 * 1024}\r\n\r\n${'b'.repeat(48 * 1024)}`),
      '/ok': okRoute('ok'),
    }),
  ]);
  // --workers 1: one process holds every pooled upstream connection (the retry test needs
  // its second request to find the first one's connection) and the RSS is one process's.
  [serve, quick] = await Promise.all([
    startServe({ args: ['--workers', '1', '--allow-internal', '127.0.0.1/32', '--max-header-size', '16KiB'] }),
    startServe({ args: ['--workers', '1', '--allow-internal', '127.0.0.1/32', '--client-idle-timeout', '300ms', '--client-header-timeout', '1s'] }),
  ]);
  const policies = [
    { policy_id: 'allow-local', action: 'allow', priority: 10, match: { agents: [AGENT], domains: ['127.0.0.1'] } },
    { policy_id: 'deny-denied', action: 'deny', priority: 20, match: { domains: ['127.0.0.1'], path_prefixes: ['/denied'] } },
  ];
  [key, quickKey] = await Promise.all([createKeyAgent(serve, AGENT), createKeyAgent(quick, AGENT)]);
  await Promise.all([publishPolicies(serve, policies), publishPolicies(quick, policies)]);
});

after(async () => {
  await Promise.all([stopServe(serve), stopServe(quick)]);
  await Promise.all([origin?.close(), halfCloseOrigin?.close(), raw?.close(), stale?.close(), big?.close(), paused?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

/** SIGTERM, and SIGKILL if it has not exited after `graceMs` (a drain that hangs, as the
 *  shutdown test at the end checks, must not cost the helper's 15 s). Removes its data directory. */
async function stopServe(s: ServeProcess | undefined, graceMs = 3_000): Promise<boolean> {
  if (s === undefined) return true;
  let exitedInTime = true;
  if (s.child.exitCode === null && s.child.signalCode === null) {
    const exited = new Promise<boolean>((resolve) => s.child.once('exit', () => resolve(true)));
    s.child.kill('SIGTERM');
    exitedInTime = await Promise.race([exited, sleep(graceMs, false)]);
    if (!exitedInTime) s.child.kill('SIGKILL');
  }
  await s.stop();
  return exitedInTime;
}

function authorization(agentKey = key): string {
  return `Basic ${Buffer.from(`${AGENT}:${agentKey}`).toString('base64')}`;
}

/** A proxy request head: absolute-form target, Host, the agent's credentials, `extra` lines. */
function requestHead(method: string, url: string, extra: readonly string[] = [], options: { version?: '1.0' | '1.1'; agentKey?: string } = {}): string {
  const lines = [`${method} ${url} HTTP/${options.version ?? '1.1'}`, `Host: ${new URL(url).host}`, `Proxy-Authorization: ${authorization(options.agentKey)}`, ...extra];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const rawUrl = (path: string): string => `http://127.0.0.1:${raw.port}${path}`;
const originUrl = (path: string): string => `http://127.0.0.1:${origin.port}${path}`;

function eventsFor(port: number, path: string): AuditEvent[] {
  return serve.audit().filter((e) => e.destination.port === port && e.destination.path === path);
}

/** The one audit event for a request: waits for it, then a little longer for a second one. */
async function onlyEventFor(port: number, path: string): Promise<AuditEvent> {
  await eventually(`an audit event for ${path}`, async () => eventsFor(port, path).length > 0, 10_000);
  await sleep(300);
  const events = eventsFor(port, path);
  assert.equal(events.length, 1, `audit events for ${path}: ${JSON.stringify(events)}`);
  return events[0] as AuditEvent;
}

async function viaUndici(url: string, options: { method?: 'GET' | 'POST'; body?: string } = {}): Promise<{ status: number; text: string }> {
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: `http://127.0.0.1:${serve.proxyPort}`, token: authorization() });
  try {
    const res = await request(url, { method: options.method ?? 'GET', body: options.body, dispatcher });
    return { status: res.statusCode, text: await res.body.text() };
  } finally {
    await dispatcher.close();
  }
}

/** VmRSS of the serve process and its children (gateway workers, if any), in KiB. */
async function gatewayRssKiB(): Promise<number> {
  const pid = serve.child.pid as number;
  const children = await run('ps', ['--ppid', String(pid), '-o', 'pid=']).then((r) => r.stdout, () => ''); // ps exits 1 when there are none
  let total = 0;
  for (const p of [pid, ...children.split(/\s+/).filter((s) => s !== '').map(Number)]) {
    try {
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process went away meanwhile
    }
  }
  return total;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

// ── pipelining and request bodies ──────────────────────────────────────────────────────────

test('two requests pipelined in one write are both answered, in order, and reach the origin in order', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', originUrl('/pipe/first')) + requestHead('GET', originUrl('/pipe/second')));
  const first = await client.readResponse();
  const second = await client.readResponse();
  assert.equal(first.head.status, 200);
  assert.equal(second.head.status, 200);
  assert.equal(JSON.parse(first.decoded.toString()).url, '/pipe/first');
  assert.equal(JSON.parse(second.decoded.toString()).url, '/pipe/second');
  assert.deepEqual(origin.seen.map((s) => s.url).filter((u) => u.startsWith('/pipe/')), ['/pipe/first', '/pipe/second']);
  client.destroy();
});

test('a POST with a body pipelined with a GET: the body ends where its length says and the GET is the next request', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('POST', originUrl('/pipe-body/post'), ['Content-Length: 5']) + 'hello' + requestHead('GET', originUrl('/pipe-body/get')));
  const post = JSON.parse((await client.readResponse()).decoded.toString());
  const get = JSON.parse((await client.readResponse()).decoded.toString());
  assert.deepEqual({ url: post.url, bytes: post.bytes, sha256: post.sha256 }, { url: '/pipe-body/post', bytes: 5, sha256: sha256('hello') });
  assert.deepEqual({ method: get.method, url: get.url, bytes: get.bytes }, { method: 'GET', url: '/pipe-body/get', bytes: 0 });
  client.destroy();
});

test('a chunked request body (several chunks, a trailer) reaches the origin intact and bytes_in is its decoded length', async () => {
  const pieces = [randomBytes(1), randomBytes(100), randomBytes(4096), randomBytes(70_000), randomBytes(3)];
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('POST', originUrl('/chunked-upload'), ['Transfer-Encoding: chunked', 'Content-Type: application/octet-stream']));
  for (const piece of pieces) {
    client.send(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
    await sleep(5);
  }
  client.send('0\r\nX-Checksum: none\r\n\r\n');
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  const echoed = JSON.parse(answer.decoded.toString());
  assert.equal(echoed.headers['transfer-encoding'], 'chunked');
  assert.equal(echoed.bytes, total);
  assert.equal(echoed.sha256, sha256(Buffer.concat(pieces)));
  client.destroy();
  const event = await onlyEventFor(origin.port, '/chunked-upload');
  assert.equal(event.bytes_in, total);
});

test('a POST with Content-Length: 0 reaches the origin with content-length 0 and the connection stays usable', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('POST', originUrl('/empty-post'), ['Content-Length: 0']));
  const answer = await client.readResponse();
  const echoed = JSON.parse(answer.decoded.toString());
  assert.deepEqual({ method: echoed.method, length: echoed.headers['content-length'], bytes: echoed.bytes }, { method: 'POST', length: '0', bytes: 0 });
  client.send(requestHead('GET', rawUrl('/ok')));
  assert.equal((await client.readResponse()).head.status, 200);
  client.destroy();
});

// ── response framing ───────────────────────────────────────────────────────────────────────

test('a chunked response reaches an HTTP/1.1 client still chunked, byte for byte (extension and trailer too)', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/chunked')));
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  assert.equal(field(answer.head, 'transfer-encoding'), 'chunked');
  assert.equal(field(answer.head, 'content-length'), undefined);
  assert.equal(answer.body.toString('latin1'), CHUNKED_WIRE);
  assert.equal(answer.decoded.toString(), 'hello world');
  // Still usable afterwards.
  client.send(requestHead('GET', rawUrl('/ok')));
  assert.equal((await client.readResponse()).head.status, 200);
  client.destroy();
});

test('a chunked response reaches an HTTP/1.0 client decoded, without Transfer-Encoding, and the connection is closed after it', async () => {
  const client = await RawClient.open(serve.proxyPort);
  // Keep-alive asked for: only the framing (no length to give an HTTP/1.0 agent) closes it.
  client.send(requestHead('GET', rawUrl('/chunked'), ['Connection: keep-alive'], { version: '1.0' }));
  const head = await client.readHead();
  assert.equal(head.status, 200);
  assert.equal(field(head, 'transfer-encoding'), undefined);
  assert.equal(field(head, 'connection'), 'close');
  await client.waitClosed();
  assert.equal(client.unread.toString('latin1'), 'hello world');
});

test('a close-delimited response reaches the client whole, says connection: close, and the connection is closed after it', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/close-delimited')));
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  assert.equal(field(answer.head, 'connection'), 'close');
  assert.equal(field(answer.head, 'content-length'), undefined);
  assert.equal(field(answer.head, 'transfer-encoding'), undefined);
  assert.equal(answer.body.toString(), CLOSE_DELIMITED);
  assert.ok(client.closed);
  // And as curl sees it.
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', '-x', serve.proxyUrl(AGENT, key), rawUrl('/close-delimited')]);
  assert.equal(stdout, CLOSE_DELIMITED);
});

test('an origin\'s 103 Early Hints reaches an HTTP/1.1 client before the 200, and never an HTTP/1.0 one', async () => {
  for (const path of ['/hints-one', '/hints-split']) {
    const client = await RawClient.open(serve.proxyPort);
    client.send(requestHead('GET', rawUrl(path)));
    const answer = await client.readResponse();
    assert.deepEqual(answer.interim.map((h) => h.statusLine), ['HTTP/1.1 103 Early Hints'], path);
    assert.equal(field(answer.interim[0] as Head, 'link'), '</style.css>; rel=preload');
    assert.equal(answer.head.status, 200);
    assert.equal(answer.body.toString(), 'ok');
    client.destroy();
  }
  const old = await RawClient.open(serve.proxyPort);
  old.send(requestHead('GET', rawUrl('/hints-split'), [], { version: '1.0' }));
  const answer = await old.readResponse();
  assert.deepEqual({ interim: answer.interim.length, status: answer.head.status, body: answer.body.toString() }, { interim: 0, status: 200, body: 'ok' });
  old.destroy();
});

test('a HEAD answer with Content-Length: 1000 reaches the client as a head alone, and the next GET on the connection is read right', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('HEAD', rawUrl('/head')));
  const head = await client.readResponse('HEAD');
  assert.equal(head.head.status, 200);
  assert.equal(field(head.head, 'content-length'), '1000');
  client.send(requestHead('GET', rawUrl('/head')));
  const get = await client.readResponse();
  assert.equal(get.head.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(get.body.toString(), 'h'.repeat(1000));
  assert.equal(client.unread.length, 0);
  client.destroy();
});

test('204 and 304 answers pass through with no body (a 304\'s Content-Length included) and the connection stays usable', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/204')));
  const noContent = await client.readResponse();
  assert.equal(noContent.head.statusLine, 'HTTP/1.1 204 No Content');
  assert.equal(field(noContent.head, 'x-kind'), 'none');
  client.send(requestHead('GET', rawUrl('/304'), ['If-None-Match: "v1"']));
  const notModified = await client.readResponse();
  assert.equal(notModified.head.statusLine, 'HTTP/1.1 304 Not Modified');
  assert.equal(field(notModified.head, 'etag'), '"v1"');
  client.send(requestHead('GET', rawUrl('/ok')));
  const ok = await client.readResponse();
  assert.equal(ok.head.statusLine, 'HTTP/1.1 200 OK');
  assert.match(ok.body.toString(), /^ok GET /);
  assert.equal(client.unread.length, 0);
  client.destroy();
});

test('response header values and reason phrases with obs-text bytes (0x80-0xFF) pass through byte for byte', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/obs')));
  const answer = await client.readResponse();
  assert.equal(answer.head.statusLine, `HTTP/1.1 200 ${OBS_TEXT_REASON}`);
  assert.ok(answer.head.raw.includes(Buffer.from(`\r\nx-obs: ${OBS_TEXT_VALUE}\r\n`, 'latin1')), `head: ${show(answer.head.raw)}`);
  client.destroy();
});

// ── HTTP/1.0 and connection handling ───────────────────────────────────────────────────────

test('an HTTP/1.0 client without Connection: keep-alive has its connection closed after the answer', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/ok'), [], { version: '1.0' }));
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  assert.notEqual(field(answer.head, 'connection'), 'keep-alive');
  await client.waitClosed();
  assert.equal(client.unread.length, 0);
});

test('an HTTP/1.0 client with Connection: keep-alive is told keep-alive and can send a second request on the socket', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/ok'), ['Connection: keep-alive'], { version: '1.0' }));
  const first = await client.readResponse();
  assert.equal(first.head.status, 200);
  assert.equal(field(first.head, 'connection'), 'keep-alive');
  client.send(requestHead('GET', rawUrl('/ok'), ['Connection: keep-alive'], { version: '1.0' }));
  const second = await client.readResponse();
  assert.equal(second.head.status, 200);
  assert.match(second.body.toString(), /^ok GET /);
  assert.ok(!client.closed);
  client.destroy();
});

test('a client that half-closes after its request still receives the whole answer', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.socket.end(Buffer.from(requestHead('GET', `http://127.0.0.1:${halfCloseOrigin.port}/stream/1000000`), 'latin1'));
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  assert.equal(answer.decoded.length, 1_000_000);
  assert.equal(sha256(answer.decoded), patternHash(1_000_000));
  await client.waitClosed();
});

// ── Expect and Upgrade ─────────────────────────────────────────────────────────────────────

test('Expect: 100-continue with a 2 MB body (curl): 100 Continue, then the 200, with the body intact', async () => {
  const file = join(tmp, 'upload.bin');
  const body = randomBytes(2 * MiB);
  writeFileSync(file, body);
  const { stdout } = await run('curl', [
    '-sS', '-D', '-', '--max-time', '20', '-x', serve.proxyUrl(AGENT, key),
    '--data-binary', `@${file}`, '-H', 'Expect: 100-continue', '-H', 'Content-Type: application/octet-stream', originUrl('/expect-upload'),
  ], { maxBuffer: 16 * MiB });
  assert.match(stdout, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  const echoed = JSON.parse(stdout.slice(stdout.lastIndexOf('\r\n\r\n') + 4));
  assert.equal(echoed.bytes, body.length);
  assert.equal(echoed.sha256, sha256(body));
  assert.equal(echoed.headers.expect, undefined, 'the gateway answers the expectation itself');
});

test('Expect: 100-continue from a client that waits for the 100 before sending its body', async () => {
  const body = randomBytes(300_000);
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('POST', originUrl('/expect-raw'), ['Expect: 100-continue', `Content-Length: ${body.length}`]));
  const interim = await client.readHead();
  assert.equal(interim.statusLine, 'HTTP/1.1 100 Continue');
  client.send(body);
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  const echoed = JSON.parse(answer.decoded.toString());
  assert.deepEqual({ bytes: echoed.bytes, sha256: echoed.sha256 }, { bytes: body.length, sha256: sha256(body) });
  client.destroy();
});

test('a denied request with Expect: 100-continue gets its 403 with no 100 before it', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('POST', originUrl('/denied/upload'), ['Expect: 100-continue', 'Content-Length: 1000']));
  const head = await client.readHead();
  assert.equal(head.status, 403);
  const body = JSON.parse((await client.readBody(head, 'POST')).decoded.toString());
  assert.equal(body.policy_id, 'deny-denied');
  assert.equal(field(head, 'connection'), 'close', 'the unread body ends the connection');
  await client.waitClosed();
});

test('an unknown expectation is answered 417', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(`${requestHead('POST', originUrl('/expect-other'), ['Expect: something', 'Content-Length: 3'])}abc`);
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 417);
  assert.match(JSON.parse(answer.decoded.toString()).error, /something/);
  await client.waitClosed();
});

test('a request asking to upgrade to websocket is answered 400 naming CONNECT', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', originUrl('/ws'), ['Connection: upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==']));
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 400);
  assert.match(JSON.parse(answer.decoded.toString()).error, /CONNECT/);
  assert.equal(origin.seen.filter((s) => s.url === '/ws').length, 0);
});

// ── invalid upstream responses ─────────────────────────────────────────────────────────────

const invalidResponses: [string, string, RegExp][] = [
  ['both Content-Length and Transfer-Encoding', '/bad/both-lengths', /invalid http response: both content-length and transfer-encoding/],
  ['a four-digit status code', '/bad/status', /invalid http response: .*status/],
  ['headers larger than --max-header-size', '/bad/big-head', /invalid http response: .*max-header-size/],
];

for (const [what, path, error] of invalidResponses) {
  test(`an upstream response with ${what} is a 502 saying invalid http response`, async () => {
    const client = await RawClient.open(serve.proxyPort);
    client.send(requestHead('GET', rawUrl(path)));
    const answer = await client.readResponse();
    assert.equal(answer.head.status, 502);
    const body = JSON.parse(answer.decoded.toString());
    assert.match(body.error, error);
    assert.equal(body.request_id, field(answer.head, 'x-clawgress-request-id'));
    client.destroy();
  });
}

test('an origin closing mid-body cuts the client connection (no complete 200) and is audited exactly once', async () => {
  const client = await RawClient.open(serve.proxyPort);
  client.send(requestHead('GET', rawUrl('/bad/cut')));
  await client.waitClosed();
  const received = client.unread;
  const headEnd = received.indexOf('\r\n\r\n');
  if (headEnd >= 0) {
    // The 200 head went out before the cut; what follows it is short of its length.
    assert.match(received.toString('latin1', 0, headEnd), /^HTTP\/1\.1 200 /);
    assert.match(received.toString('latin1', 0, headEnd), new RegExp(`content-length: ${CUT_LENGTH}`, 'i'));
    assert.ok(received.length - headEnd - 4 < CUT_LENGTH, `body bytes: ${received.length - headEnd - 4}`);
    assert.doesNotMatch(received.toString('latin1', headEnd), /HTTP\/1\.1 502/);
  }
  const event = await onlyEventFor(raw.port, '/bad/cut');
  assert.equal(event.decision, 'allow');
  assert.ok(event.bytes_out < CUT_LENGTH);
});

// ── the upstream pool ──────────────────────────────────────────────────────────────────────

test('a GET on a pooled connection the origin closed unanswered is retried on a fresh connection and gets its 200', async () => {
  const first = await viaUndici(`http://127.0.0.1:${stale.port}/stale`);
  assert.equal(first.status, 200);
  const connectionsBefore = stale.connections;
  const second = await viaUndici(`http://127.0.0.1:${stale.port}/stale`);
  assert.equal(second.status, 200);
  assert.equal(stale.connections, connectionsBefore + 1, 'the retry opened a new connection');
  assert.equal(second.text, `conn=${stale.connections}`, 'answered on the new connection');
  // The origin saw the request twice: on the stale connection, then on the fresh one.
  const seen = stale.requests.slice(-2).map((r) => ({ conn: r.conn, nth: r.nth, method: r.method }));
  assert.deepEqual(seen, [{ conn: connectionsBefore, nth: 2, method: 'GET' }, { conn: stale.connections, nth: 1, method: 'GET' }]);
});

test('a POST with a body on a pooled connection the origin closed unanswered is not retried: 502', async () => {
  assert.equal((await viaUndici(`http://127.0.0.1:${stale.port}/stale`)).status, 200); // leaves a used connection in the pool
  const connectionsBefore = stale.connections;
  const posts = (): number => stale.requests.filter((r) => r.method === 'POST').length;
  const res = await viaUndici(`http://127.0.0.1:${stale.port}/stale`, { method: 'POST', body: 'not idempotent' });
  assert.equal(res.status, 502);
  assert.match(JSON.parse(res.text).error, new RegExp(`upstream \`127\\.0\\.0\\.1:${stale.port}\``));
  assert.equal(posts(), 1, 'the origin saw the POST once');
  assert.equal(stale.connections, connectionsBefore, 'no new connection was opened for it');
});

test('a pooled connection whose last response ended the agent\'s connection still answers the next request', async () => {
  const url = (path: string): string => `http://127.0.0.1:${paused.port}${path}`;
  const first = await RawClient.open(serve.proxyPort);
  first.send(requestHead('GET', url('/48k'), ['Connection: close']));
  const large = await first.readResponse();
  assert.equal(large.body.length, 48 * 1024);
  await first.waitClosed();
  const connections = paused.connections;
  const second = await RawClient.open(serve.proxyPort);
  try {
    second.send(requestHead('GET', url('/ok')));
    // Milliseconds when it works; the pooled connection it reuses is never read when not.
    const answer = await second.readResponse('GET', 3_000);
    assert.equal(answer.head.status, 200);
    assert.equal(paused.connections, connections, 'served on the pooled connection');
  } finally {
    second.destroy();
  }
});

// ── streaming: a client that leaves, a client that reads slowly ─────────────────────────────

test('a client that disconnects in the middle of a large streamed response leaves the gateway up, with one audit event', async () => {
  const path = '/stream/50000000';
  const socket = net.connect(serve.proxyPort, '127.0.0.1');
  socket.on('error', () => undefined);
  let received = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= MiB) {
        socket.destroy();
        resolve();
      }
    });
    socket.write(requestHead('GET', originUrl(path)));
  });
  const event = await onlyEventFor(origin.port, path);
  assert.equal(event.status, 200);
  assert.ok(event.bytes_out < 50_000_000, `bytes_out ${event.bytes_out}`);
  assert.equal(serve.child.exitCode, null);
  const after = await viaUndici(rawUrl('/ok'));
  assert.equal(after.status, 200);
});

test('responses read on several upstream connections at once each arrive intact, a paused one too', async () => {
  // The gateway reads plain-TCP upstreams into one buffer it shares between them and copies
  // each read out: a piece queued for an agent that stopped reading must never see a later
  // read of another connection. The paused agent's body is larger than the loopback socket
  // buffers on its way, so the gateway does hold a piece for it while the others stream.
  // Each body's bytes are its own (a different pattern per seed), so a piece overwritten by
  // another connection's read cannot hash the same.
  const bodyFor = (seed: number, size: number): Buffer => patternChunk(seed + 1, size);
  const sizeOf = (seed: number): number => (seed === 0 ? 48 * MiB : 2 * MiB + 776); // patternChunk: whole words
  const server = http.createServer((req, res) => {
    const seed = Number(req.url?.split('/').pop());
    const body = bodyFor(seed, sizeOf(seed));
    res.writeHead(200, { 'content-length': String(body.length) });
    // Pieces of uneven size, each in its own turn, so reads of the connections interleave.
    let at = 0;
    const next = (): void => {
      if (at >= body.length) return void res.end();
      const piece = body.subarray(at, at + 1000 + ((at * 7919) % 30_000));
      at += piece.length;
      if (res.write(piece)) setImmediate(next);
      else res.once('drain', next);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: `http://127.0.0.1:${serve.proxyPort}`, token: authorization() });
  let othersDone!: () => void;
  const othersFinished = new Promise<void>((resolve) => (othersDone = resolve));
  try {
    const fetchOne = async (seed: number): Promise<string> => {
      const res = await request(`http://127.0.0.1:${port}/body/${seed}`, { dispatcher, highWaterMark: 64 * 1024 });
      assert.equal(res.statusCode, 200);
      const hash = createHash('sha256');
      let first = true;
      for await (const chunk of res.body) {
        hash.update(chunk as Buffer);
        // The paused one stops after its first piece until every other body has arrived.
        if (seed === 0 && first) await othersFinished;
        first = false;
      }
      return hash.digest('hex');
    };
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
    const paused = fetchOne(0);
    await sleep(200);
    const others = await Promise.all(seeds.slice(1).map(fetchOne));
    othersDone();
    const got = [await paused, ...others];
    assert.deepEqual(got, seeds.map((seed) => sha256(bodyFor(seed, sizeOf(seed)))));
  } finally {
    othersDone();
    await dispatcher.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a slow reader gets a large response intact while the gateway holds only a bounded part of it', async () => {
  // Larger than every buffer on the way together (loopback socket buffers autotune to tens of
  // MB here), so that a gateway ignoring backpressure would have taken all of it from the
  // origin while the client was paused.
  const total = 128 * MiB;
  const rssBefore = await gatewayRssKiB();
  const socket = net.connect(serve.proxyPort, '127.0.0.1');
  const hash = createHash('sha256');
  let head: Buffer | null = null;
  let early: Buffer = Buffer.alloc(0);
  let received = 0;
  let pausedYet = false;
  let paused!: () => void;
  const pausedOnce = new Promise<void>((resolve) => (paused = resolve));
  const complete = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      if (head === null) {
        early = Buffer.concat([early, chunk]);
        const end = early.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = early.subarray(0, end + 4);
        chunk = early.subarray(end + 4);
      }
      hash.update(chunk);
      received += chunk.length;
      if (received >= MiB && !pausedYet && received < total) {
        pausedYet = true;
        socket.pause();
        paused();
      }
      if (received >= total) resolve();
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${received} body bytes`)));
  });
  socket.write(requestHead('GET', `http://127.0.0.1:${big.port}/big/${total}`));
  await pausedOnce;
  // The origin stalls once every buffer between it and the paused client is full.
  let last = -1;
  await eventually('the origin stalls', async () => {
    const still = big.sent === last;
    last = big.sent;
    return still;
  }, 30_000, 500);
  const rssPaused = await gatewayRssKiB();
  assert.ok(big.sent < total, `the origin sent all ${total} bytes to a paused client: the gateway buffered them`);
  assert.ok(rssPaused - rssBefore < 64 * 1024, `gateway RSS grew by ${Math.round((rssPaused - rssBefore) / 1024)} MiB while the client was paused`);
  socket.resume();
  await complete;
  assert.match((head as Buffer | null)?.toString('latin1') ?? '', /^HTTP\/1\.1 200 /);
  assert.equal(received, total);
  assert.equal(hash.digest('hex'), big.sha256);
  socket.destroy();
});

// ── client timeouts (the second gateway: --client-idle-timeout 300ms, --client-header-timeout 1s) ─

test('an idle keep-alive connection is closed by the gateway after --client-idle-timeout, without a byte written', async () => {
  const client = await RawClient.open(quick.proxyPort);
  client.send(requestHead('GET', rawUrl('/ok'), [], { agentKey: quickKey }));
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 200);
  assert.equal(field(answer.head, 'connection'), undefined, 'kept alive');
  await client.waitClosed(10_000);
  assert.equal(client.unread.length, 0, `written on an idle connection: ${show(client.unread)}`);
});

test('a connection that sends half a head within --client-header-timeout gets 408 and is closed', async () => {
  const client = await RawClient.open(quick.proxyPort);
  client.send(`GET ${rawUrl('/ok')} HTTP/1.1\r\nHost: 127.0.0.1:${raw.port}\r\n`);
  const answer = await client.readResponse();
  assert.equal(answer.head.status, 408);
  assert.equal(typeof JSON.parse(answer.decoded.toString()).error, 'string');
  await client.waitClosed();
});

// ── shutdown ───────────────────────────────────────────────────────────────────────────────

test('on SIGTERM an idle keep-alive client connection is closed and the process exits within --shutdown-grace', async () => {
  const own = await startServe({ args: ['--workers', '1', '--allow-internal', '127.0.0.1/32', '--shutdown-grace', '500ms'] });
  const client = await RawClient.open(own.proxyPort);
  try {
    client.send(requestHead('GET', rawUrl('/ok'))); // not this gateway's agent: a 407, kept alive
    const answer = await client.readResponse();
    assert.equal(answer.head.status, 407);
    assert.equal(field(answer.head, 'connection'), undefined);
    // 500 ms of grace; 4 s is the margin for a loaded machine.
    assert.ok(await stopServe(own, 4_000), 'serve did not exit within 4 s of SIGTERM (killed)');
    await client.waitClosed(1_000);
  } finally {
    client.destroy();
    await stopServe(own);
  }
});
