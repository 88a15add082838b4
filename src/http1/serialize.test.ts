import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestHead, type RequestHead } from './request-head.js';
import { parseResponseHead, type ResponseHead } from './response-head.js';
import { clientResponseHead, interimResponseHead, upstreamRequestHead, type ForwardedResponse } from './serialize.js';

// Heads are built by the parsers, as the gateway builds them, never by hand.

function request(...lines: string[]): RequestHead {
  const result = parseRequestHead(`${lines.join('\r\n')}\r\n\r\n`);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.head;
}

function response(...lines: string[]): ResponseHead {
  const result = parseResponseHead(`${lines.join('\r\n')}\r\n\r\n`, 'GET');
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.head;
}

/** The request forwarded to `example.test:8080` as `/p?q=1`. */
function upstream(head: RequestHead): string {
  return upstreamRequestHead({ head, method: head.method, pathAndQuery: '/p?q=1', authority: 'example.test:8080' }).toString('latin1');
}

/** The response head as the agent reads it. */
function responseText(response: ForwardedResponse): string {
  return clientResponseHead(response).toString('latin1');
}

const POST = 'POST http://example.test:8080/p?q=1 HTTP/1.1';
const HOST = 'Host: example.test:8080';

test('a forwarded request: origin-form, Host first and from the authority, the rest in order, values byte for byte', () => {
  const head = request(POST, 'Accept: a', 'Host: agent-said.test', 'Content-Length: 5', 'X-Name: caf\xe9', 'Accept: b');
  assert.equal(
    upstream(head),
    'POST /p?q=1 HTTP/1.1\r\nhost: example.test:8080\r\naccept: a\r\ncontent-length: 5\r\nx-name: caf\xe9\r\naccept: b\r\n\r\n',
  );
});

test('an HTTP/1.0 request goes upstream as HTTP/1.1', () => {
  assert.equal(upstream(request('GET http://example.test:8080/p?q=1 HTTP/1.0')), 'GET /p?q=1 HTTP/1.1\r\nhost: example.test:8080\r\n\r\n');
});

// Each hop-by-hop field (RFC 9110 §7.6.1) and Proxy-Authorization (the agent's credential for
// the gateway) and Expect (the gateway answers it) stop at the gateway.
const hopByHop: [name: string, line: string][] = [
  ['Connection', 'Connection: keep-alive'],
  ['Keep-Alive', 'Keep-Alive: timeout=5'],
  ['Proxy-Authorization', 'Proxy-Authorization: Bearer secret'],
  ['Proxy-Connection', 'Proxy-Connection: keep-alive'],
  ['TE', 'TE: trailers'],
  ['Trailer', 'Trailer: X-Checksum'],
  ['Upgrade', 'Upgrade: websocket'],
  ['Expect', 'Expect: 100-continue'],
];

for (const [name, line] of hopByHop) {
  test(`a forwarded request drops ${name}`, () => {
    assert.equal(upstream(request(POST, HOST, line, 'Content-Length: 1')), 'POST /p?q=1 HTTP/1.1\r\nhost: example.test:8080\r\ncontent-length: 1\r\n\r\n');
  });
  test(`a forwarded response drops ${name}`, () => {
    assert.equal(responseText(forwarded(response('HTTP/1.1 200 OK', line, 'Content-Length: 1'))), 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n');
  });
}

test('a forwarded request drops the fields its Connection header names', () => {
  const head = request(POST, HOST, 'Connection: X-Secret, x-other', 'X-Secret: 1', 'X-Other: 2', 'X-Kept: 3', 'Content-Length: 0');
  assert.equal(upstream(head), 'POST /p?q=1 HTTP/1.1\r\nhost: example.test:8080\r\nx-kept: 3\r\ncontent-length: 0\r\n\r\n');
});

test('a chunked request says so again, once, for the upstream hop', () => {
  const head = request(POST, HOST, 'Transfer-Encoding: Chunked', 'X-A: 1');
  assert.equal(upstream(head), 'POST /p?q=1 HTTP/1.1\r\nhost: example.test:8080\r\nx-a: 1\r\ntransfer-encoding: chunked\r\n\r\n');
});

function forwarded(head: ResponseHead, options: Partial<Omit<ForwardedResponse, 'head'>> = {}): ForwardedResponse {
  return { head, chunked: false, close: false, keepAliveOneZero: false, ...options };
}

test('a forwarded response: HTTP/1.1, the same status and reason, the fields in order', () => {
  const head = response('HTTP/1.0 404 Not Found', 'Content-Type: text/plain', 'Content-Length: 3', 'Set-Cookie: a=1', 'Set-Cookie: b=2');
  assert.equal(
    responseText(forwarded(head)),
    'HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 3\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\r\n',
  );
});

test('a forwarded response drops Proxy-Authenticate and Transfer-Encoding, and what Connection names', () => {
  const head = response('HTTP/1.1 200 OK', 'Connection: x-hop', 'X-Hop: 1', 'Proxy-Authenticate: Basic', 'Transfer-Encoding: chunked', 'X-End: 2');
  assert.equal(responseText(forwarded(head)), 'HTTP/1.1 200 OK\r\nx-end: 2\r\n\r\n');
});

test('a response the gateway sends on chunked says so', () => {
  const head = response('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked');
  assert.equal(responseText(forwarded(head, { chunked: true })), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
});

test('a response after which the gateway closes says Connection: close', () => {
  const head = response('HTTP/1.1 200 OK');
  assert.equal(responseText(forwarded(head, { close: true })), 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n');
});

test('an HTTP/1.0 agent whose connection stays open is told keep-alive', () => {
  const head = response('HTTP/1.1 200 OK', 'Content-Length: 0');
  assert.equal(responseText(forwarded(head, { keepAliveOneZero: true })), 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n');
});

test('close wins over keep-alive for an HTTP/1.0 agent', () => {
  const head = response('HTTP/1.1 200 OK');
  assert.equal(responseText(forwarded(head, { close: true, keepAliveOneZero: true })), 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n');
});

test('an empty reason keeps the space after the status code', () => {
  assert.equal(responseText(forwarded(response('HTTP/1.1 204'))), 'HTTP/1.1 204 \r\n\r\n');
});

test('repeated identical Content-Lengths go to the agent as one (RFC 9110 §8.6)', () => {
  const head = response('HTTP/1.1 200 OK', 'Content-Length: 5', 'X-A: 1', 'Content-Length: 5');
  assert.equal(responseText(forwarded(head)), 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\nx-a: 1\r\n\r\n');
});

test('an interim response passes on its status and end-to-end fields only', () => {
  const head = response('HTTP/1.1 103 Early Hints', 'Link: </a.css>; rel=preload', 'Connection: keep-alive');
  assert.equal(interimResponseHead(head).toString('latin1'), 'HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n');
});

test('each head is its own buffer: building the next one leaves the last one as it was', () => {
  const first = clientResponseHead(forwarded(response('HTTP/1.1 200 OK', 'Content-Length: 1', 'X-Name: caf\xe9')));
  const second = upstreamRequestHead({ head: request(POST, HOST, 'Content-Length: 0'), method: 'POST', pathAndQuery: '/other', authority: 'b.test' });
  assert.equal(first.toString('latin1'), 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\nx-name: caf\xe9\r\n\r\n');
  assert.equal(first.length, first.toString('latin1').length, 'one byte a character');
  assert.equal(second.toString('latin1'), 'POST /other HTTP/1.1\r\nhost: b.test\r\ncontent-length: 0\r\n\r\n');
});
