import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { buildAdminApp } from './index.js';
import { ADMIN_TOKEN, startHarness, type Harness } from './harness.test.js';

const UNAUTHORIZED = { error: 'missing or invalid admin token', code: 'CLAWGRESS_ERR_UNAUTHORIZED' };

// Every /api/v1 route of SPEC §7 this app serves.
const ROUTES: ReadonlyArray<[string, string]> = [
  ['post', '/api/v1/agents'],
  ['get', '/api/v1/agents'],
  ['get', '/api/v1/agents/{agent_id}'],
  ['patch', '/api/v1/agents/{agent_id}'],
  ['delete', '/api/v1/agents/{agent_id}'],
  ['post', '/api/v1/agents/{agent_id}/keys'],
  ['post', '/api/v1/policies'],
  ['get', '/api/v1/policies'],
  ['get', '/api/v1/policies/{policy_id}'],
  ['put', '/api/v1/policies/{policy_id}'],
  ['delete', '/api/v1/policies/{policy_id}'],
  ['post', '/api/v1/policies/publish'],
  ['get', '/api/v1/bundles/current'],
  ['post', '/api/v1/issuers'],
  ['get', '/api/v1/issuers'],
  ['get', '/api/v1/issuers/{id}'],
  ['delete', '/api/v1/issuers/{id}'],
  ['get', '/api/v1/quotas'],
  ['get', '/api/v1/quotas/{agent_id}'],
  ['put', '/api/v1/quotas/{agent_id}'],
  ['delete', '/api/v1/quotas/{agent_id}'],
  ['post', '/api/v1/decisions/explain'],
  ['get', '/api/v1/audit'],
  ['get', '/api/v1/audit/stream'],
  ['get', '/api/v1/audit/export'],
];

describe('admin api: authentication', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers 401 on every api route without a valid token', async () => {
    const headerCases: Array<[string, Record<string, string>]> = [
      ['no authorization header', {}],
      ['a wrong token', { authorization: 'Bearer wrong-token' }],
      ['the token under another scheme', { authorization: `Basic ${ADMIN_TOKEN}` }],
      ['an empty bearer', { authorization: 'Bearer ' }],
    ];
    for (const [method, path] of ROUTES) {
      const url = path.replace(/\{[a-z_]+\}/, 'x');
      for (const [name, headers] of headerCases) {
        const answer = await h.app.inject({ method: method.toUpperCase() as 'GET', url, headers });
        assert.deepEqual([answer.statusCode, answer.json()], [401, UNAUTHORIZED], `${method} ${url}: ${name}`);
      }
    }
  });

  it('answers 401, not 404, for an unknown route without a token', async () => {
    const answer = await h.app.inject({ method: 'GET', url: '/api/v1/secrets' });
    assert.equal(answer.statusCode, 401);
  });

  it('accepts the bearer scheme in any case', async () => {
    const answer = await h.app.inject({ method: 'GET', url: '/api/v1/agents', headers: { authorization: `bearer ${ADMIN_TOKEN}` } });
    assert.equal(answer.statusCode, 200);
  });

  it('answers 404 with the error shape for an unknown route with a token', async () => {
    const answer = await h.call('GET', '/api/v1/nothing-here?x=1');
    assert.deepEqual([answer.statusCode, answer.json()], [
      404,
      { error: 'route `GET /api/v1/nothing-here` not found', code: 'CLAWGRESS_ERR_NOT_FOUND' },
    ]);
  });

  it('serves health, readiness and metrics without a token', async () => {
    const health = await h.app.inject({ method: 'GET', url: '/healthz' });
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.deepEqual([health.statusCode, health.json()], [200, { status: 'ok' }]);
    assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready' }]);
    assert.deepEqual([metrics.statusCode, metrics.body], [200, 'clawgress_up 1\n']);
    assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  });
});

describe('admin api: openapi document', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('is served without a token and lists every route', async () => {
    const answer = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(answer.statusCode, 200);
    const document = answer.json();
    assert.equal(document.openapi, '3.1.0');
    const served = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .filter((entry) => entry.includes('/api/v1/'));
    assert.deepEqual(served.sort(), ROUTES.map(([method, path]) => `${method} ${path}`).sort());
  });

  it('documents the same schema that validates the body', async () => {
    const document = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const schema = document.paths['/api/v1/policies'].post.requestBody.content['application/json'].schema;
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['policy_id', 'match', 'action', 'priority']);
    assert.equal(schema.properties.priority.type, 'integer');
    assert.deepEqual(document.components.securitySchemes, { adminToken: { type: 'http', scheme: 'bearer' } });
  });
});

describe('admin api: internal errors', () => {
  it('answers a generic 500 and logs the details, never the admin token', async () => {
    const h = await startHarness();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const failing = {
      ...h.control,
      agents: { ...h.control.agents, list: async () => Promise.reject(new Error('disk on fire at /var/db')) },
    };
    const app = await buildAdminApp({
      control: failing,
      verifyAdminToken: (token) => token === ADMIN_TOKEN,
      bodyLimitBytes: 1024,
      logger: pino({ level: 'info' }, sink),
      health: { liveness: () => ({ status: 200, body: {} }), readiness: () => ({ status: 200, body: {} }), metrics: async () => ({ contentType: 'text/plain', body: '' }) },
    });
    const answer = await app.inject({ method: 'GET', url: '/api/v1/agents', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    await app.close();
    await h.close();
    assert.deepEqual([answer.statusCode, answer.json()], [500, { error: 'internal error', code: 'CLAWGRESS_ERR_INTERNAL' }]);
    const log = lines.join('');
    assert.match(log, /disk on fire at \/var\/db/);
    assert.doesNotMatch(log, new RegExp(ADMIN_TOKEN));
  });
});

describe('admin api: empty json bodies', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('publish accepts a json content type with no body', async () => {
    const res = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/policies/publish',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().version, 2);
  });

  it('a route that needs a body still answers 400 when it is empty', async () => {
    const res = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/agents',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'CLAWGRESS_ERR_VALIDATION');
  });
});
