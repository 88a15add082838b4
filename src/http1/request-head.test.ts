import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestHead, type RequestHead } from './request-head.js';

/** A head from its lines: each ends in CRLF, and an empty line ends the head. */
function head(...lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const GET = 'GET http://example.test/a?b=1 HTTP/1.1';
const HOST = 'Host: example.test';

type Expected = { readonly accept: Partial<RequestHead> } | { readonly status: 400 | 501 | 505; readonly code: string };

function refused(status: 400 | 501 | 505, code: string): Expected {
  return { status, code };
}

const accepted: [name: string, input: string, expected: Expected][] = [
  [
    'a plain absolute-form GET is read whole',
    head(GET, HOST),
    {
      accept: {
        method: 'GET', target: 'http://example.test/a?b=1', minorVersion: 1, fields: ['host', 'example.test'], body: 'none',
        contentLength: 0, keepAlive: true, connectionNames: null, proxyAuthorization: undefined, expect: undefined, upgrade: null,
      },
    },
  ],
  ['an HTTP/1.0 request closes the connection by default', head('GET http://example.test/ HTTP/1.0'), { accept: { minorVersion: 0, keepAlive: false } }],
  ['an HTTP/1.0 request with Connection: keep-alive keeps it', head('GET http://example.test/ HTTP/1.0', 'Connection: keep-alive'), { accept: { keepAlive: true } }],
  ['an HTTP/1.0 request with keep-alive and close closes (close wins, RFC 9112 §9.3)', head('GET http://example.test/ HTTP/1.0', 'Connection: keep-alive, close'), { accept: { keepAlive: false } }],
  ['an HTTP/1.1 request keeps the connection by default', head(GET, HOST), { accept: { keepAlive: true } }],
  ['an HTTP/1.1 request with Connection: close closes it', head(GET, HOST, 'Connection: close'), { accept: { keepAlive: false, connectionNames: null } }],
  ['Connection options are case-insensitive', head(GET, HOST, 'Connection: Close'), { accept: { keepAlive: false } }],
  ['close in a second Connection header still closes', head(GET, HOST, 'Connection: x-a', 'Connection: close'), { accept: { keepAlive: false, connectionNames: new Set(['x-a']) } }],
  ['a 0xA0 byte after close is not OWS, so it is not close', head(GET, HOST, 'Connection: close\xa0'), { accept: { keepAlive: true, connectionNames: new Set(['close\xa0']) } }],
  ['a Content-Length body has that length', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 42'), { accept: { body: 'length', contentLength: 42 } }],
  ['Content-Length: 0 is no body', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 0'), { accept: { body: 'none', contentLength: 0 } }],
  ['leading zeros in Content-Length are the same number', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 007'), { accept: { body: 'length', contentLength: 7 } }],
  ['a 15-digit Content-Length is still exact', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 999999999999999'), { accept: { contentLength: 999999999999999 } }],
  ['a chunked body is chunked', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked'), { accept: { body: 'chunked', contentLength: 0 } }],
  ['Transfer-Encoding is case-insensitive, its OWS trimmed', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding:  Chunked '), { accept: { body: 'chunked' } }],
  ['a tab before the Transfer-Encoding value is OWS', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding:\tchunked'), { accept: { body: 'chunked' } }],
  ['obs-text (0x80-0xFF) in a value is accepted as is', head(GET, HOST, 'X-Name: caf\xe9 \x80\xff'), { accept: { fields: ['host', 'example.test', 'x-name', 'caf\xe9 \x80\xff'] } }],
  ['header names are lowercased, values keep their case', head(GET, 'HoSt: Example.TEST', 'X-MiXeD: VaLuE'), { accept: { fields: ['host', 'Example.TEST', 'x-mixed', 'VaLuE'] } }],
  ['OWS around a value is trimmed, whitespace inside it kept', head(GET, HOST, 'X-A: \t a \t b\t '), { accept: { fields: ['host', 'example.test', 'x-a', 'a \t b'] } }],
  ['a value may be empty', head(GET, HOST, 'X-Empty:', 'X-Blank:   '), { accept: { fields: ['host', 'example.test', 'x-empty', '', 'x-blank', ''] } }],
  [
    'fields keep their order and their duplicates',
    head(GET, 'Accept: a', HOST, 'Cookie: 1', 'Accept: b'),
    { accept: { fields: ['accept', 'a', 'host', 'example.test', 'cookie', '1', 'accept', 'b'] } },
  ],
  [
    'connectionNames holds the Connection tokens other than close and keep-alive, lowercased',
    head(GET, HOST, 'Connection: keep-alive, X-Drop,TE ,, Upgrade'),
    { accept: { keepAlive: true, connectionNames: new Set(['x-drop', 'te', 'upgrade']) } },
  ],
  ['upgrade is the Upgrade value with Connection: upgrade', head(GET, HOST, 'Connection: Upgrade', 'Upgrade: websocket'), { accept: { upgrade: 'websocket' } }],
  ['an Upgrade header without Connection: upgrade is no upgrade', head(GET, HOST, 'Upgrade: websocket'), { accept: { upgrade: null } }],
  ['Connection: upgrade without an Upgrade header is no upgrade', head(GET, HOST, 'Connection: upgrade'), { accept: { upgrade: null } }],
  ['Expect is lowercased', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 1', 'Expect: 100-Continue'), { accept: { expect: '100-continue' } }],
  ['Proxy-Authorization is taken out as it came', head(GET, HOST, 'Proxy-Authorization: Bearer AbC.dEf'), { accept: { proxyAuthorization: 'Bearer AbC.dEf' } }],
  ['an extension method is a token, so a method (RFC 9110 §9.1)', head('BREW http://example.test/pot HTTP/1.1', HOST), { accept: { method: 'BREW' } }],
  ['CONNECT in authority-form, with no body', head('CONNECT example.test:443 HTTP/1.1', 'Host: example.test:443'), { accept: { method: 'CONNECT', target: 'example.test:443', body: 'none' } }],
  ['CONNECT with Content-Length: 0 has no body, so is fine', head('CONNECT example.test:443 HTTP/1.1', HOST, 'Content-Length: 0'), { accept: { body: 'none' } }],
];

const refusals: [name: string, input: string, expected: Expected][] = [
  ['a method with a character that is not a tchar', head('G(ET http://example.test/ HTTP/1.1', HOST), refused(400, 'bad_method')],
  ['a request line starting with a space (empty method)', head(' GET http://example.test/ HTTP/1.1', HOST), refused(400, 'bad_method')],
  ['a tab between method and target', head('GET\thttp://example.test/ HTTP/1.1', HOST), refused(400, 'bad_method')],
  ['a request line with no space at all', head('GET', HOST), refused(400, 'bad_method')],
  ['two spaces between method and target', head('GET  http://example.test/ HTTP/1.1', HOST), refused(400, 'bad_request_line')],
  ['two spaces between target and version', head('GET http://example.test/  HTTP/1.1', HOST), refused(400, 'bad_request_line')],
  ['a missing target', head('GET HTTP/1.1', HOST), refused(400, 'bad_request_line')],
  ['a missing version', head('GET http://example.test/', HOST), refused(400, 'bad_request_line')],
  ['a space after the version', head('GET http://example.test/ HTTP/1.1 ', HOST), refused(400, 'bad_request_line')],
  ['a lowercase http/1.1', head('GET http://example.test/ http/1.1', HOST), refused(400, 'bad_request_line')],
  ['a two-digit major version', head('GET http://example.test/ HTTP/11.1', HOST), refused(400, 'bad_request_line')],
  ['DEL in the target', head('GET http://example.test/\x7f HTTP/1.1', HOST), refused(400, 'bad_request_line')],
  ['obs-text in the target', head('GET http://example.test/\xe9 HTTP/1.1', HOST), refused(400, 'bad_request_line')],
  ['HTTP/2.0 is not HTTP/1.x', head('GET http://example.test/ HTTP/2.0', HOST), refused(505, 'bad_version')],
  ['HTTP/7.3 is a version we do not speak', head('GET http://example.test/ HTTP/7.3', HOST), refused(505, 'bad_version')],
  ['HTTP/1.2 is a version we do not speak', head('GET http://example.test/ HTTP/1.2', HOST), refused(505, 'bad_version')],
  ['a line folded onto the one before with a space (obs-fold)', head(GET, HOST, 'X-A: one', ' two'), refused(400, 'obs_fold')],
  ['a line folded onto the one before with a tab (obs-fold)', head(GET, HOST, 'X-A: one', '\ttwo'), refused(400, 'obs_fold')],
  ['a first header line that starts with a space', head(GET, ` ${HOST}`), refused(400, 'obs_fold')],
  ['a header line without a colon', head(GET, HOST, 'X-A one'), refused(400, 'bad_header')],
  ['whitespace between a header name and its colon', head(GET, 'Host : example.test'), refused(400, 'bad_header')],
  ['an empty header name', head(GET, HOST, ': v'), refused(400, 'bad_header')],
  ['a header name with a character that is not a tchar', head(GET, HOST, 'X(A): v'), refused(400, 'bad_header')],
  ['NUL in a value', head(GET, HOST, 'X-A: a\x00b'), refused(400, 'bad_header')],
  ['a bare CR in a value', head(GET, HOST, 'X-A: a\rb'), refused(400, 'bad_header')],
  ['a bare LF inside a line (one line to us, two to a lenient parser)', head(GET, HOST, 'X-A: a\nContent-Length: 5'), refused(400, 'bad_header')],
  ['a bare CR just before the CRLF', head(GET, HOST, 'X-A: a\r'), refused(400, 'bad_header')],
  ['DEL in a value', head(GET, HOST, 'X-A: a\x7f'), refused(400, 'bad_header')],
  ['two Content-Length headers, even equal ones', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 5', 'Content-Length: 5'), refused(400, 'bad_content_length')],
  ['a Content-Length with a non-digit', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 12a'), refused(400, 'bad_content_length')],
  ['a negative Content-Length', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: -1'), refused(400, 'bad_content_length')],
  ['a Content-Length with a plus sign', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: +1'), refused(400, 'bad_content_length')],
  ['a 16-digit Content-Length (not exact as a number)', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 1234567890123456'), refused(400, 'bad_content_length')],
  ['an empty Content-Length', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length:'), refused(400, 'bad_content_length')],
  ['a Content-Length list, even of one value', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 5, 5'), refused(400, 'bad_content_length')],
  ['a Content-Length followed by a tab (llhttp refuses it)', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 5\t'), refused(400, 'bad_content_length')],
  ['Content-Length and Transfer-Encoding together', head('POST http://example.test/ HTTP/1.1', HOST, 'Content-Length: 5', 'Transfer-Encoding: chunked'), refused(400, 'length_and_chunked')],
  ['Transfer-Encoding and Content-Length together, the other way round', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked', 'Content-Length: 0'), refused(400, 'length_and_chunked')],
  ['Transfer-Encoding in an HTTP/1.0 request', head('POST http://example.test/ HTTP/1.0', 'Transfer-Encoding: chunked'), refused(400, 'bad_transfer_encoding')],
  ['gzip, chunked (a coding we do not decode)', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: gzip, chunked'), refused(501, 'bad_transfer_encoding')],
  ['chunked, chunked (chunked applied twice)', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked, chunked'), refused(501, 'bad_transfer_encoding')],
  ['chunked in two Transfer-Encoding headers', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'), refused(501, 'bad_transfer_encoding')],
  ['chunked, identity (chunked not last)', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked, identity'), refused(501, 'bad_transfer_encoding')],
  ['chunked with an empty list element after it', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked,'), refused(501, 'bad_transfer_encoding')],
  ['chunked followed by a 0xA0 byte (not OWS)', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked\xa0'), refused(501, 'bad_transfer_encoding')],
  ['chunked followed by a tab (llhttp does not read it as chunked)', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding: chunked\t'), refused(400, 'bad_transfer_encoding')],
  ['an empty Transfer-Encoding', head('POST http://example.test/ HTTP/1.1', HOST, 'Transfer-Encoding:'), refused(501, 'bad_transfer_encoding')],
  ['two Host headers', head(GET, HOST, 'Host: other.test'), refused(400, 'bad_host')],
  ['an HTTP/1.1 request without Host', head(GET, 'Accept: */*'), refused(400, 'bad_host')],
  ['two Proxy-Authorization headers', head(GET, HOST, 'Proxy-Authorization: Bearer a', 'Proxy-Authorization: Bearer b'), refused(400, 'bad_header')],
  ['CONNECT with a Content-Length body (a CONNECT has no content)', head('CONNECT example.test:443 HTTP/1.1', HOST, 'Content-Length: 5'), refused(400, 'connect_with_body')],
  ['CONNECT with a chunked body', head('CONNECT example.test:443 HTTP/1.1', HOST, 'Transfer-Encoding: chunked'), refused(400, 'connect_with_body')],
];

for (const [name, input, expected] of [...accepted, ...refusals]) {
  test(name, () => {
    const result = parseRequestHead(input);
    if ('accept' in expected) {
      assert.ok(result.ok, `refused: ${result.ok ? '' : result.error}`);
      const picked = Object.fromEntries(Object.keys(expected.accept).map((key) => [key, result.head[key as keyof RequestHead]]));
      assert.deepEqual(picked, expected.accept);
    } else {
      assert.ok(!result.ok, 'accepted');
      assert.deepEqual({ status: result.status, code: result.code }, expected);
      assert.ok(result.error.length > 0);
    }
  });
}

// A refusal is logged and sent back to the agent: it names the field, never its value,
// which may be a credential.
const SECRET = 'sk-live-7f3a9c1e5b2d';
const leaks: [name: string, input: string][] = [
  ['a second Proxy-Authorization', head(GET, HOST, `Proxy-Authorization: Bearer ${SECRET}`, `Proxy-Authorization: Bearer ${SECRET}`)],
  ['a Proxy-Authorization with a control character', head(GET, HOST, `Proxy-Authorization: Bearer ${SECRET}\x01`)],
  ['a Content-Length that is not a number', head('POST http://example.test/ HTTP/1.1', HOST, `Content-Length: ${SECRET}`)],
  ['a Transfer-Encoding we do not support', head('POST http://example.test/ HTTP/1.1', HOST, `Transfer-Encoding: ${SECRET}`)],
  ['a folded continuation line', head(GET, HOST, 'Authorization: Bearer', ` ${SECRET}`)],
  ['a line without a colon', head(GET, HOST, SECRET)],
];

for (const [name, input] of leaks) {
  test(`the refusal of ${name} does not echo the value`, () => {
    const result = parseRequestHead(input);
    assert.ok(!result.ok);
    assert.ok(!result.error.includes(SECRET), result.error);
    assert.ok(!result.error.includes('7f3a9c'), result.error);
  });
}
