import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { answerQuotaRequest, IpcLimiter, type QuotaRequestMessage } from './ipc-limiter.js';
import { MemoryLimiter } from './memory-limiter.js';

function pair(options: { answer: boolean }) {
  const sent: QuotaRequestMessage[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  const primary = new MemoryLimiter({ clock: new ManualClock() });
  const limiter = new IpcLimiter({
    timeoutMs: 50,
    channel: {
      send: (message) => {
        sent.push(message);
        if (options.answer) void answerQuotaRequest(primary, message).then((reply) => deliver(reply));
      },
      onMessage: (listener) => (deliver = listener),
    },
  });
  return { limiter, sent };
}

it('sends the questions of one event-loop turn in one message and routes each answer to its caller', async () => {
  const { limiter, sent } = pair({ answer: true });
  const verdicts = await Promise.all(Array.from({ length: 12 }, () => limiter.take('a', { rps: 10, rpm: 100 })));
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.asks.length, 12);
  assert.equal(verdicts.filter((v) => v.kind === 'within').length, 10);
  assert.deepEqual(verdicts.slice(10).map((v) => v.kind), ['exceeded', 'exceeded'], 'answers come back to the callers in order');
});

it('answers `unavailable` when the primary does not answer in time', async () => {
  const { limiter } = pair({ answer: false });
  const verdict = await limiter.take('a', { rps: 1, rpm: 1 });
  assert.deepEqual(verdict, { kind: 'unavailable', error: 'no answer from the primary process within 50 ms' });
});
