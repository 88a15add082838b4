// Follows GET /api/v1/audit/stream with fetch() and a stream reader, reconnecting after a
// pause when the connection drops, until the signal aborts.
import { authHeaders, notifyUnauthorized } from './api.js';
import { createSseParser } from './sse.js';

const RECONNECT_DELAY_MS = 2_000;

const pause = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', stop, { once: true });
  });

/**
 * onState('connecting' | 'live' | 'reconnecting'); onEvent(auditEvent); onMissed(count) when
 * the server dropped events because this reader fell behind.
 */
export async function followAuditStream({ filters, signal, onState, onEvent, onMissed }) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  while (!signal.aborted) {
    onState('connecting');
    try {
      const response = await fetch(`/api/v1/audit/stream?${query}`, { headers: authHeaders(), signal, cache: 'no-store' });
      if (response.status === 401) return notifyUnauthorized();
      if (!response.ok || !response.body) throw new Error(`audit stream: the server answered ${response.status}`);
      onState('live');
      await readFrames(response.body, { onEvent, onMissed });
    } catch (error) {
      if (signal.aborted) return;
      console.warn(error);
    }
    onState('reconnecting');
    await pause(RECONNECT_DELAY_MS, signal);
  }
}

async function readFrames(body, { onEvent, onMissed }) {
  const parser = createSseParser((frame) => {
    const data = JSON.parse(frame.data);
    if (frame.event === 'missed') onMissed(data.missed);
    else onEvent(data);
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.push(value);
  }
}
