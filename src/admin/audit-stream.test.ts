import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AuditEvent } from '../core/index.js';
import type { ControlPlane } from '../control/index.js';
import { ADMIN_TOKEN, startHarness, type Harness } from './harness.test.js';
import { buildAdminApp } from './index.js';

function auditEvent(requestId: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    request_id: requestId,
    timestamp: '2026-01-01T00:00:00.000Z',
    identity: { agent_id: 'a1', team_id: 't', project_id: 'p', environment: 'prod', auth_type: 'api_key', status: 'active' },
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: '/' },
    decision: 'allow',
    policy_id: 'p1',
    bundle_version: 2,
    reason: 'allowed by policy `p1`',
    latency_ms: 0.5,
    bytes_in: 10,
    bytes_out: 20,
    status: 200,
    gateway_id: 'gw-1',
    schema_version: 1,
    ...overrides,
  };
}

/** Reads SSE frames from a fetch() body, one string per frame. */
function frameReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    async next(): Promise<string | null> {
      for (;;) {
        const end = text.indexOf('\n\n');
        if (end !== -1) {
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          return frame;
        }
        const { value, done } = await reader.read();
        if (done) return null;
        text += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('admin api: audit stream', () => {
  let h: Harness;
  let app: FastifyInstance;
  let base: string;
  let subscribers = 0;
  beforeEach(async () => {
    h = await startHarness();
    subscribers = 0;
    // The app under test counts its audit subscriptions, to see a stream start and stop.
    const counted: ControlPlane = {
      ...h.control,
      onAudit: (listener) => {
        subscribers += 1;
        const unsubscribe = h.control.onAudit(listener);
        return () => {
          subscribers -= 1;
          unsubscribe();
        };
      },
    };
    app = await buildAdminApp({
      control: counted,
      verifyAdminToken: (token) => token === ADMIN_TOKEN,
      bodyLimitBytes: 65_536,
      health: {
        liveness: () => ({ status: 200, body: {} }),
        readiness: () => ({ status: 200, body: {} }),
        metrics: async () => ({ contentType: 'text/plain', body: '' }),
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await app.close();
    await h.close();
  });

  const waitForSubscribers = async (count: number) => {
    while (subscribers !== count) await new Promise((resolve) => setImmediate(resolve));
  };
  const open = async (query = '') => {
    const response = await fetch(`${base}/api/v1/audit/stream${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const frames = frameReader(response.body!);
    assert.equal(await frames.next(), ': stream open');
    await waitForSubscribers(1);
    return frames;
  };

  it('streams each event stored after it opened as one data frame', async () => {
    await h.control.appendAudit([auditEvent('before')]);
    const frames = await open();
    await h.control.appendAudit([auditEvent('r1'), auditEvent('r2', { decision: 'deny' })]);
    assert.equal(await frames.next(), `data: ${JSON.stringify(auditEvent('r1'))}`);
    assert.equal(await frames.next(), `data: ${JSON.stringify(auditEvent('r2', { decision: 'deny' }))}`);
    await frames.cancel();
  });

  it('applies the agent_id and decision filters on the server', async () => {
    const frames = await open('?agent_id=a2&decision=deny');
    await h.control.appendAudit([
      auditEvent('other-agent', { decision: 'deny' }),
      auditEvent('allowed', { identity: { ...auditEvent('x').identity!, agent_id: 'a2' } }),
      auditEvent('anonymous', { identity: null, decision: 'unauthenticated' }),
      auditEvent('wanted', { identity: { ...auditEvent('x').identity!, agent_id: 'a2' }, decision: 'deny' }),
    ]);
    const frame = await frames.next();
    assert.equal(JSON.parse(frame!.replace(/^data: /, '')).request_id, 'wanted');
    await frames.cancel();
  });

  it('unsubscribes when the client goes away', async () => {
    const frames = await open();
    await frames.cancel();
    await waitForSubscribers(0);
    assert.equal(subscribers, 0);
  });

  it('ends open streams when the app closes', async () => {
    const frames = await open();
    await app.close();
    assert.equal(await frames.next(), null);
    assert.equal(subscribers, 0);
  });

  it('answers 401 without the admin token and 400 on an unknown decision', async () => {
    const anonymous = await fetch(`${base}/api/v1/audit/stream`);
    assert.equal(anonymous.status, 401);
    const bad = await fetch(`${base}/api/v1/audit/stream?decision=maybe`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      error: 'query.decision: must be equal to one of the allowed values',
      code: 'CLAWGRESS_ERR_VALIDATION',
      field: 'decision',
    });
    assert.equal(subscribers, 0);
  });

  it('is in the OpenAPI document as an event stream', async () => {
    const document = (await h.call('GET', '/api/v1/openapi.json')).json();
    const operation = document.paths['/api/v1/audit/stream'].get;
    assert.deepEqual(Object.keys(operation.responses['200'].content), ['text/event-stream']);
    assert.deepEqual(operation.parameters.map((p: any) => p.name).sort(), ['agent_id', 'decision']);
  });
});
