import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHead, ResponseParser } from './response-parser.js';

function collect(): { parser: ResponseParser; responses: [number, boolean][]; errors: string[] } {
  const responses: [number, boolean][] = [];
  const errors: string[] = [];
  const parser = new ResponseParser({
    onResponse: (status, closes) => responses.push([status, closes]),
    onError: (reason) => errors.push(reason),
  });
  return { parser, responses, errors };
}

const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

test('a response in one chunk is one response', () => {
  const { parser, responses, errors } = collect();
  parser.feed(Buffer.from(ok('hello')));
  assert.deepEqual(responses, [[200, false]]);
  assert.deepEqual(errors, []);
});

test('a response split at every byte is still one response', () => {
  const { parser, responses } = collect();
  for (const byte of Buffer.from(ok('split body'))) parser.feed(Buffer.from([byte]));
  assert.deepEqual(responses, [[200, false]]);
});

test('two responses in one chunk are two responses', () => {
  const { parser, responses } = collect();
  parser.feed(Buffer.from(ok('a') + 'HTTP/1.1 503 Unavailable\r\ncontent-length: 2\r\n\r\nno'));
  assert.deepEqual(responses, [[200, false], [503, false]]);
});

test('the head ending split across chunks with \\r\\n\\r is found', () => {
  const { parser, responses } = collect();
  const text = ok('xyz');
  const cut = text.indexOf('\r\n\r\n') + 3;
  parser.feed(Buffer.from(text.slice(0, cut)));
  parser.feed(Buffer.from(text.slice(cut)));
  assert.deepEqual(responses, [[200, false]]);
});

test('connection: close and http/1.0 mark the response as closing', () => {
  const { parser, responses } = collect();
  parser.feed(Buffer.from(ok('a', 'Connection: close\r\n')));
  parser.feed(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'));
  assert.deepEqual(responses, [[200, true], [200, true]]);
});

test('a 204 needs no content-length', () => {
  assert.deepEqual(parseHead('HTTP/1.1 204 No Content\r\nServer: x'), { ok: true, status: 204, bodyLength: 0, closes: false });
});

test('heads the parser cannot follow are reported with a reason', () => {
  const cases: [string, string][] = [
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', 'chunked response bodies are not supported'],
    ['HTTP/1.1 200 OK\r\nServer: x', 'status 200: response without content-length'],
    ['SSH-2.0-OpenSSH', 'not an http/1.x status line: `SSH-2.0-OpenSSH`'],
  ];
  for (const [head, reason] of cases) assert.deepEqual(parseHead(head), { ok: false, reason });
});

test('after an error the parser ignores the rest until it is reset', () => {
  const { parser, responses, errors } = collect();
  parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nServer: x\r\n\r\n' + ok('a')));
  assert.equal(errors.length, 1);
  assert.deepEqual(responses, []);
  parser.reset();
  parser.feed(Buffer.from(ok('b')));
  assert.deepEqual(responses, [[200, false]]);
});
