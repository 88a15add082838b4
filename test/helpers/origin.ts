// Local origins for integration tests: plain HTTP and HTTPS (test CA), with routes that let a
// test check what arrived (headers, method, path, body hash) and stream large bodies.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestPki } from './test-ca.js';

export interface Origin {
  readonly port: number;
  readonly host: string;
  /** Every request the origin received, in order. */
  readonly seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  /** TCP connections accepted (to prove a destination was never dialled). */
  connections: number;
  close(): Promise<void>;
}

/** Deterministic bytes, so a client can hash what it got and compare. */
export function patternChunk(index: number, size: number): Buffer {
  const chunk = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) chunk.writeUInt32BE((index * 2654435761 + i) >>> 0, i);
  return chunk;
}

export function patternHash(totalBytes: number, chunkSize = 65_536): string {
  const hash = createHash('sha256');
  for (let i = 0, sent = 0; sent < totalBytes; i++, sent += chunkSize) hash.update(patternChunk(i, Math.min(chunkSize, totalBytes - sent)));
  return hash.digest('hex');
}

function streamPattern(res: http.ServerResponse, totalBytes: number, chunkSize = 65_536): void {
  let index = 0;
  let sent = 0;
  const pump = (): void => {
    while (sent < totalBytes) {
      const size = Math.min(chunkSize, totalBytes - sent);
      const ok = res.write(patternChunk(index++, size));
      sent += size;
      if (!ok) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function handle(origin: Origin, req: http.IncomingMessage, res: http.ServerResponse): void {
  origin.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  const url = new URL(req.url ?? '/', 'http://origin');
  if (url.pathname.startsWith('/stream/')) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return streamPattern(res, Number(url.pathname.slice('/stream/'.length)));
  }
  const hash = createHash('sha256');
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bytes, sha256: hash.digest('hex') });
    res.writeHead(200, { 'content-type': 'application/json', 'x-origin': 'yes' });
    res.end(body);
  });
}

async function start(server: http.Server, host: string): Promise<Origin> {
  const origin: Origin = {
    port: 0,
    host,
    seen: [],
    connections: 0,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  server.on('request', (req, res) => handle(origin, req, res));
  server.on('connection', () => origin.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  (origin as { port: number }).port = (server.address() as AddressInfo).port;
  return origin;
}

export function startHttpOrigin(host = '127.0.0.1'): Promise<Origin> {
  return start(http.createServer({ keepAliveTimeout: 5_000 }), host);
}

export function startHttpsOrigin(pki: TestPki, host = '127.0.0.1'): Promise<Origin> {
  return start(https.createServer({ cert: pki.certPem, key: pki.keyPem }), host);
}
