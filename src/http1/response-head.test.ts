import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResponseHead, type ResponseHead } from './response-head.js';

/** A head from its lines: each ends in CRLF, and an empty line ends the head. */
function head(...lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const OK = 'HTTP/1.1 200 OK';

/** What the head must hold (a subset of its properties), or null: refused as a bad response. */
type Expected = Partial<ResponseHead> | null;

const statusLines: [name: string, input: string, expected: Expected][] = [
  ['a status line with a reason', head(OK, 'Content-Length: 0'), { status: 200, reason: 'OK', minorVersion: 1 }],
  ['a reason with spaces, a tab and obs-text', head('HTTP/1.1 404 Not \tF\xf6und', 'Content-Length: 0'), { status: 404, reason: 'Not \tF\xf6und' }],
  ['an empty reason after its space', head('HTTP/1.1 204 '), { status: 204, reason: '' }],
  ['an empty reason without its space (some servers leave it out)', head('HTTP/1.1 204'), { status: 204, reason: '' }],
  ['an HTTP/1.0 status line', head('HTTP/1.0 200 OK', 'Content-Length: 0'), { status: 200, minorVersion: 0 }],
  ['the highest three-digit code', head('HTTP/1.1 999 Odd', 'Content-Length: 0'), { status: 999 }],
  ['a two-digit status code', head('HTTP/1.1 20 OK'), null],
  ['a four-digit status code', head('HTTP/1.1 2000 OK'), null],
  ['a status code below 100', head('HTTP/1.1 099 Low'), null],
  ['a status code with a letter', head('HTTP/1.1 2x0 OK'), null],
  ['HTTP/2 in a status line', head('HTTP/2 200 OK'), null],
  ['HTTP/1.2 in a status line', head('HTTP/1.2 200 OK'), null],
  ['a lowercase http/1.1', head('http/1.1 200 OK'), null],
  ['a tab after the status code', head('HTTP/1.1 200\tOK'), null],
  ['two spaces after the version', head('HTTP/1.1  200 OK'), null],
  ['NUL in the reason', head('HTTP/1.1 200 O\x00K'), null],
  ['DEL in the reason', head('HTTP/1.1 200 O\x7fK'), null],
  ['a bare LF in the reason', head('HTTP/1.1 200 O\nK'), null],
  ['an obs-fold header line', head(OK, 'X-A: one', ' two'), null],
  ['a header line without a colon', head(OK, 'X-A one'), null],
  ['a control character in a header value', head(OK, 'X-A: a\x01b'), null],
];

// RFC 9112 §6.3, in its order: what ends a response body.
const framings: [name: string, input: string, method: string, expected: Expected][] = [
  ['a response to HEAD has no body, whatever Content-Length says', head(OK, 'Content-Length: 10'), 'HEAD', { body: 'none', contentLength: 0, reusable: true }],
  ['a chunked response to HEAD has no body', head(OK, 'Transfer-Encoding: chunked'), 'HEAD', { body: 'none', reusable: true }],
  ['a response to HEAD without a length has no body (and is not close-delimited)', head(OK), 'HEAD', { body: 'none', reusable: true }],
  ['100 Continue has no body', head('HTTP/1.1 100 Continue'), 'GET', { body: 'none' }],
  ['101 Switching Protocols has no body', head('HTTP/1.1 101 Switching Protocols', 'Connection: upgrade', 'Upgrade: websocket'), 'GET', { body: 'none' }],
  ['103 Early Hints has no body', head('HTTP/1.1 103 Early Hints', 'Link: </a.css>; rel=preload'), 'GET', { body: 'none' }],
  ['a 1xx with Content-Length: 0 announces no body', head('HTTP/1.1 103 Early Hints', 'Content-Length: 0'), 'GET', { body: 'none' }],
  ['204 has no body', head('HTTP/1.1 204 No Content'), 'GET', { body: 'none', reusable: true }],
  ['204 has no body even with Content-Length', head('HTTP/1.1 204 No Content', 'Content-Length: 5'), 'GET', { body: 'none', contentLength: 0 }],
  ['304 has no body; its Content-Length is the full response\'s', head('HTTP/1.1 304 Not Modified', 'Content-Length: 512'), 'GET', { body: 'none', contentLength: 0 }],
  ['a chunked response is chunked', head(OK, 'Transfer-Encoding: chunked'), 'GET', { body: 'chunked', contentLength: 0, reusable: true }],
  ['Transfer-Encoding is case-insensitive', head(OK, 'Transfer-Encoding: Chunked'), 'GET', { body: 'chunked' }],
  ['a Content-Length response has that length', head(OK, 'Content-Length: 1234'), 'GET', { body: 'length', contentLength: 1234, reusable: true }],
  ['Content-Length: 0 is a body of no bytes', head(OK, 'Content-Length: 0'), 'GET', { body: 'length', contentLength: 0, reusable: true }],
  ['identical repeated Content-Lengths are one length (RFC 9110 §8.6)', head(OK, 'Content-Length: 5', 'Content-Length: 5'), 'GET', { body: 'length', contentLength: 5 }],
  ['repeated Content-Lengths with leading zeros are still one number', head(OK, 'Content-Length: 5', 'Content-Length: 005'), 'GET', { body: 'length', contentLength: 5 }],
  ['differing Content-Lengths are refused', head(OK, 'Content-Length: 5', 'Content-Length: 6'), 'GET', null],
  ['a Content-Length list with two values is refused', head(OK, 'Content-Length: 5, 6'), 'GET', null],
  ['a negative Content-Length is refused', head(OK, 'Content-Length: -1'), 'GET', null],
  ['a 16-digit Content-Length is refused', head(OK, 'Content-Length: 1234567890123456'), 'GET', null],
  ['a Content-Length followed by a tab is refused (llhttp refuses it)', head(OK, 'Content-Length: 5\t'), 'GET', null],
  ['Content-Length and Transfer-Encoding together are refused', head(OK, 'Content-Length: 5', 'Transfer-Encoding: chunked'), 'GET', null],
  ['Content-Length and Transfer-Encoding are refused even on a 304', head('HTTP/1.1 304 Not Modified', 'Transfer-Encoding: chunked', 'Content-Length: 5'), 'GET', null],
  ['a coding other than chunked is refused', head(OK, 'Transfer-Encoding: gzip'), 'GET', null],
  ['gzip, chunked is refused (it would reach the agent undecoded)', head(OK, 'Transfer-Encoding: gzip, chunked'), 'GET', null],
  ['chunked, chunked is refused', head(OK, 'Transfer-Encoding: chunked, chunked'), 'GET', null],
  ['chunked with an empty list element is refused (llhttp reads it to EOF)', head(OK, 'Transfer-Encoding: chunked,'), 'GET', null],
  ['chunked followed by a tab is refused (llhttp reads it to EOF)', head(OK, 'Transfer-Encoding: chunked\t'), 'GET', null],
  ['chunked followed by a 0xA0 byte is refused (not OWS)', head(OK, 'Transfer-Encoding: chunked\xa0'), 'GET', null],
  ['a 1xx that announces a body is refused (llhttp would read one)', head('HTTP/1.1 150 Odd', 'Content-Length: 3'), 'GET', null],
  ['a chunked 1xx is refused', head('HTTP/1.1 102 Processing', 'Transfer-Encoding: chunked'), 'GET', null],
  ['neither length nor chunked: the body ends when the connection closes', head(OK), 'GET', { body: 'close', contentLength: 0, reusable: false }],
];

// Whether the upstream connection can carry the next request once this response is read.
const reuse: [name: string, input: string, expected: Expected][] = [
  ['a close-delimited response ends its connection', head(OK, 'Connection: keep-alive'), { body: 'close', reusable: false }],
  ['an HTTP/1.0 response is never reused, even with keep-alive', head('HTTP/1.0 200 OK', 'Content-Length: 2', 'Connection: keep-alive'), { reusable: false }],
  ['Connection: close ends the connection', head(OK, 'Content-Length: 2', 'Connection: close'), { reusable: false, connectionNames: null }],
  ['close in a list, in any case, ends the connection', head(OK, 'Content-Length: 2', 'Connection: X-A, CLOSE'), { reusable: false, connectionNames: new Set(['x-a']) }],
  ['an HTTP/1.1 response with a length is reused', head(OK, 'Content-Length: 2'), { reusable: true }],
  [
    'connectionNames holds the other Connection tokens, from every Connection header',
    head(OK, 'Content-Length: 2', 'Connection: keep-alive, X-A', 'Connection: x-b'),
    { reusable: true, connectionNames: new Set(['x-a', 'x-b']) },
  ],
  ['fields keep order, duplicates and value case; names are lowercased', head(OK, 'Set-Cookie: a=1', 'Content-Length: 0', 'SET-COOKIE: B=2'), { fields: ['set-cookie', 'a=1', 'content-length', '0', 'set-cookie', 'B=2'] }],
];

function check(input: string, method: string, expected: Expected): void {
  const result = parseResponseHead(input, method);
  if (expected === null) {
    assert.deepEqual(result.ok ? result : { ok: result.ok, code: result.code }, { ok: false, code: 'bad_response' });
    return;
  }
  assert.ok(result.ok, `refused: ${result.ok ? '' : result.error}`);
  const picked = Object.fromEntries(Object.keys(expected).map((key) => [key, result.head[key as keyof ResponseHead]]));
  assert.deepEqual(picked, expected);
}

for (const [name, input, expected] of statusLines) test(name, () => check(input, 'GET', expected));
for (const [name, input, method, expected] of framings) test(name, () => check(input, method, expected));
for (const [name, input, expected] of reuse) test(name, () => check(input, 'GET', expected));

test('a refused header value is not echoed in the error', () => {
  const result = parseResponseHead(head(OK, 'Set-Cookie: session=sk-live-7f3a9c\x01'), 'GET');
  assert.ok(!result.ok);
  assert.ok(!result.error.includes('sk-live'), result.error);
});
