import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedReader } from './chunked.js';

const TRAILER_LIMIT = 1024;

/** What a reader made of some bytes: where the message ended (or -1), and what it saw. */
interface Outcome {
  readonly end: number;
  readonly done: boolean;
  readonly dataBytes: number;
  readonly data: string;
  readonly error: string | null;
}

/** Reads `bytes` in one call to `read`. */
function readWhole(bytes: string, limit = TRAILER_LIMIT): Outcome {
  const reader = new ChunkedReader(limit);
  const buffer = Buffer.from(bytes, 'latin1');
  let data = '';
  const end = reader.read(buffer, 0, buffer.length, (b, start, stop) => {
    data += b.toString('latin1', start, stop);
  });
  return { end, done: reader.done, dataBytes: reader.dataBytes, data, error: reader.error };
}

/** Reads `bytes` one byte per call to `read`, as a slow sender delivers them; `end` is the
 *  index one past the byte that finished the message. */
function readByteByByte(bytes: string, limit = TRAILER_LIMIT): Outcome {
  const reader = new ChunkedReader(limit);
  const buffer = Buffer.from(bytes, 'latin1');
  let data = '';
  let end = buffer.length;
  for (let i = 0; i < buffer.length && !reader.done; i++) {
    const at = reader.read(buffer, i, i + 1, (b, start, stop) => {
      assert.ok(start >= i && stop <= i + 1, 'onData stays inside the range read');
      data += b.toString('latin1', start, stop);
    });
    if (at < 0) {
      end = -1;
      break;
    }
    assert.equal(at, i + 1, 'one byte in, one byte consumed');
    if (reader.done) end = at;
  }
  return { end, done: reader.done, dataBytes: reader.dataBytes, data, error: reader.error };
}

const BODY = '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';

test('a whole body in one read ends one past its last byte', () => {
  assert.deepEqual(readWhole(BODY), { end: BODY.length, done: true, dataBytes: 11, data: 'hello world', error: null });
});

test('the same body one byte at a time ends at the same byte, with the same data', () => {
  assert.deepEqual(readByteByByte(BODY), readWhole(BODY));
});

test('bytes after the end are the next message\'s, not consumed', () => {
  const outcome = readWhole(`${BODY}GET / HTTP/1.1\r\n`);
  assert.equal(outcome.end, BODY.length);
  assert.ok(outcome.done);
});

test('a read from an offset returns an index into the same buffer', () => {
  const reader = new ChunkedReader(TRAILER_LIMIT);
  const buffer = Buffer.from(`HEAD${BODY}NEXT`, 'latin1');
  assert.equal(reader.read(buffer, 4, buffer.length), 4 + BODY.length);
});

test('a body split anywhere reads the same as a whole one', () => {
  const buffer = Buffer.from(BODY, 'latin1');
  for (let split = 0; split <= buffer.length; split++) {
    const reader = new ChunkedReader(TRAILER_LIMIT);
    let data = '';
    const onData = (b: Buffer, start: number, stop: number): void => {
      data += b.toString('latin1', start, stop);
    };
    assert.equal(reader.read(buffer, 0, split, onData), split, `first part up to ${split}`);
    assert.equal(reader.read(buffer, split, buffer.length, onData), buffer.length, `rest from ${split}`);
    assert.ok(reader.done);
    assert.equal(data, 'hello world');
  }
});

test('a finished reader consumes nothing more', () => {
  const reader = new ChunkedReader(TRAILER_LIMIT);
  const buffer = Buffer.from(BODY, 'latin1');
  reader.read(buffer, 0, buffer.length);
  assert.equal(reader.read(Buffer.from('5\r\nhello\r\n'), 0, 10), 0);
  assert.equal(reader.dataBytes, 11);
});

test('an unfinished body is not done and consumes all it was given', () => {
  const partial = '5\r\nhel';
  assert.deepEqual(readWhole(partial), { end: partial.length, done: false, dataBytes: 3, data: 'hel', error: null });
});

// Accepted shapes: the data handed out and counted is the decoded body, nothing else.
const accepted: [name: string, input: string, data: string][] = [
  ['an empty body (the last chunk only)', '0\r\n\r\n', ''],
  ['hex sizes in either case', 'a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n', '0123456789abcdefghij'],
  ['leading zeros in a size, up to 13 digits', '0000000000003\r\nabc\r\n0\r\n\r\n', 'abc'],
  ['chunk extensions, on data chunks and on the last one', '3;name=value;flag\r\nabc\r\n2;q="a b"\r\nde\r\n0;last\r\n\r\n', 'abcde'],
  ['obs-text in a chunk extension', '1;n=\xe9\r\nx\r\n0\r\n\r\n', 'x'],
  ['CR and LF inside chunk data are data', '4\r\n\r\n\r\n\r\n0\r\n\r\n', '\r\n\r\n'],
  ['a trailer section', '3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Other:\r\n\r\n', 'abc'],
  ['a trailer value with OWS, tabs and obs-text', '0\r\nX-A:  a\tb \xff\r\n\r\n', ''],
  ['a size line just under the limit', `1;${'e'.repeat(4000)}\r\nx\r\n0\r\n\r\n`, 'x'],
];

for (const [name, input, data] of accepted) {
  test(`accepted: ${name}`, () => {
    const whole = readWhole(input);
    assert.deepEqual(whole, { end: input.length, done: true, dataBytes: data.length, data, error: null });
    assert.deepEqual(readByteByByte(input), whole);
  });
}

test('trailer bytes count against the limit, not as data', () => {
  const trailer = 'X-Checksum: 1234\r\n'; // 18 bytes
  const input = `3\r\nabc\r\n0\r\n${trailer}\r\n`;
  assert.deepEqual(readWhole(input, trailer.length), { end: input.length, done: true, dataBytes: 3, data: 'abc', error: null });
  const over = readWhole(input, trailer.length - 1);
  assert.equal(over.end, -1);
  assert.match(over.error ?? '', /trailer section is too large/);
});

test('with a trailer limit of 0 a body without trailers is still accepted', () => {
  assert.equal(readWhole(BODY, 0).end, BODY.length);
  assert.equal(readWhole('0\r\nX: y\r\n\r\n', 0).end, -1);
});

// Refused shapes: read returns -1 and says why, whole or byte by byte.
const refusals: [name: string, input: string, limit?: number][] = [
  ['a size that is not hexadecimal', 'g\r\nx\r\n0\r\n\r\n'],
  ['an empty size', '\r\nx\r\n0\r\n\r\n'],
  ['a size with a 0x prefix', '0x5\r\nhello\r\n0\r\n\r\n'],
  ['a negative size', '-5\r\nhello\r\n0\r\n\r\n'],
  ['whitespace after a size', '5 \r\nhello\r\n0\r\n\r\n'],
  ['a tab after a size', '5\t\r\nhello\r\n0\r\n\r\n'],
  ['whitespace before a size', ' 5\r\nhello\r\n0\r\n\r\n'],
  ['a bare LF after a size', '5\nhello\r\n0\r\n\r\n'],
  ['a bare CR after a size', '5\rhello\r\n0\r\n\r\n'],
  ['data not followed by CRLF', '5\r\nhelloX\r\n0\r\n\r\n'],
  ['data followed by a bare LF', '5\r\nhello\n0\r\n\r\n'],
  ['data followed by a bare CR', '5\r\nhello\r0\r\n\r\n'],
  ['data longer than its size', '3\r\nhello\r\n0\r\n\r\n'],
  ['a size of 14 hex digits', '00000000000001\r\nx\r\n0\r\n\r\n'],
  ['a size beyond 2^53', 'fffffffffffffff\r\n'],
  ['a control character in a chunk extension', '1;a\x00b\r\nx\r\n0\r\n\r\n'],
  ['a bare LF in a chunk extension', '1;a\nb\r\nx\r\n0\r\n\r\n'],
  ['a bare CR in a chunk extension', '1;a\rb\r\nx\r\n0\r\n\r\n'],
  ['a size line over 4096 bytes', `1;${'e'.repeat(4100)}\r\nx\r\n0\r\n\r\n`],
  ['obs-fold in the trailer section', '0\r\nX-A: one\r\n two\r\n\r\n'],
  ['a trailer line without a colon', '0\r\nX-A one\r\n\r\n'],
  ['whitespace between a trailer name and its colon', '0\r\nX-A : one\r\n\r\n'],
  ['a trailer name that is not a token', '0\r\nX(A): one\r\n\r\n'],
  ['a control character in a trailer value', '0\r\nX-A: o\x01ne\r\n\r\n'],
  ['a bare LF ending a trailer line', '0\r\nX-A: one\nX-B: two\r\n\r\n'],
  ['a trailer section larger than the limit', `0\r\nX-A: ${'v'.repeat(64)}\r\n\r\n`, 32],
  ['a body that ends in CR and something other than LF', '0\r\n\rX'],
];

for (const [name, input, limit] of refusals) {
  test(`refused: ${name}`, () => {
    const whole = readWhole(input, limit);
    assert.equal(whole.end, -1);
    assert.equal(whole.done, false);
    assert.ok(typeof whole.error === 'string' && whole.error.length > 0);
    const slow = readByteByByte(input, limit);
    assert.equal(slow.end, -1, 'byte by byte too');
    assert.equal(slow.error, whole.error);
  });
}

test('a refused reader stays refused, whatever it is given next', () => {
  const reader = new ChunkedReader(TRAILER_LIMIT);
  assert.equal(reader.read(Buffer.from('5\r\nhelloX', 'latin1'), 0, 9), -1);
  // `\n0\r\n\r\n` would complete the body had the reader carried on after the bad byte.
  assert.equal(reader.read(Buffer.from('\n0\r\n\r\n', 'latin1'), 0, 6), -1);
  assert.equal(reader.done, false);
});
