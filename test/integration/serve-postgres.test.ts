// `serve --store postgres://…`: the same request path and audit query on the real PostgreSQL
// (127.0.0.1:5432, database test), in a schema of this run only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ProxyAgent, request } from 'undici';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

const BASE_URL = process.env['CLAWGRESS_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `clawgress_it_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let origin: Origin;
let serve: ServeProcess;

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect().catch((error: Error) => {
    throw new Error(`postgresql is unreachable at 127.0.0.1:5432 (CI starts it): ${error.message}`);
  });
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

before(async () => {
  await sql(`CREATE SCHEMA ${schema}`);
  origin = await startHttpOrigin();
  const url = `${BASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32', '--workers', '1'], env: { CLAWGRESS_STORE: url } });
});

after(async () => {
  await serve.stop();
  await origin.close();
  await sql(`DROP SCHEMA ${schema} CASCADE`);
});

test('agents, policies, publish, a proxied request and its audit event, all stored in PostgreSQL', async () => {
  const key = await createKeyAgent(serve, 'agent-pg');
  await publishPolicies(serve, [{ policy_id: 'allow', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: serve.proxyUrl('agent-pg', key) });
  const res = await request(`http://127.0.0.1:${origin.port}/pg`, { dispatcher });
  await res.body.dump();
  await dispatcher.close();
  assert.equal(res.statusCode, 200);
  await serve.waitForAudit(1);
  let items: { destination: { path: string } }[] = [];
  for (let i = 0; i < 50 && items.length === 0; i++) {
    items = (await serve.api('GET', '/audit?agent_id=agent-pg')).body.items;
    if (items.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(items.map((e) => e.destination.path), ['/pg']);
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    const rows = await client.query(`SELECT count(*)::int AS n FROM ${schema}.agents WHERE agent_id = 'agent-pg'`);
    assert.equal(rows.rows[0].n, 1, 'the agent row is in this run\'s schema');
  } finally {
    await client.end();
  }
});
