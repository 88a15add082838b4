// sse.js is a browser module without dependencies; node runs it as is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSseParser, type SseFrame } from './sse.js';

function parse(chunks: readonly string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createSseParser((frame) => frames.push(frame));
  for (const chunk of chunks) parser.push(chunk);
  return frames;
}

describe('server-sent events parser', () => {
  const cases: [string, string[], SseFrame[]][] = [
    ['one data frame', ['data: {"a":1}\n\n'], [{ event: 'message', data: '{"a":1}' }]],
    ['a frame split across chunks', ['da', 'ta: {"a"', ':1}\n', '\n'], [{ event: 'message', data: '{"a":1}' }]],
    ['a named event', ['event: missed\ndata: {"missed":3}\n\n'], [{ event: 'missed', data: '{"missed":3}' }]],
    ['comments only (open, heartbeat)', [': stream open\n\n: heartbeat\n\n'], []],
    ['CRLF line ends', ['data: x\r\n\r\n'], [{ event: 'message', data: 'x' }]],
    ['several data lines joined by newlines', ['data: a\ndata: b\n\n'], [{ event: 'message', data: 'a\nb' }]],
    ['an unfinished frame is held back', ['data: x\n'], []],
  ];
  for (const [name, chunks, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parse(chunks), expected));
  }
});
