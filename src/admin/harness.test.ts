// Shared set-up for the admin tests (no tests of its own): an in-memory store, a real
// control plane with fresh signing keys, and the app answering through inject().

import type { FastifyInstance, InjectOptions } from 'fastify';
import { ManualClock } from '../core/index.js';
import { createControlPlane, type ControlPlane } from '../control/index.js';
import { generateSigningKeys } from '../policy/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { buildAdminApp } from './index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const BODY_LIMIT_BYTES = 64 * 1024;
export const KEY_HASH_SECRET = Buffer.alloc(32, 7);

export interface Harness {
  readonly app: FastifyInstance;
  readonly control: ControlPlane;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly publicKeyPem: string;
  /** Resolves once exactly `count` requests are waiting for a publish (long polls). */
  waitForLongPolls(count: number): Promise<void>;
  /** inject() with the admin token and, for a body, JSON encoding. */
  call(method: InjectOptions['method'], url: string, body?: unknown): Promise<Awaited<ReturnType<FastifyInstance['inject']>>>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const store = openSqliteStore({ path: ':memory:' });
  const clock = new ManualClock();
  const keys = generateSigningKeys();
  const control = await createControlPlane({
    store,
    clock,
    signingPrivateKeyPem: keys.privateKeyPem,
    keyHashSecret: KEY_HASH_SECRET,
  });
  // Counts the app's bundle subscriptions, so a test knows a long poll is really waiting.
  let subscriptions = 0;
  const counted: ControlPlane = {
    ...control,
    onBundle: (listener) => {
      subscriptions += 1;
      const unsubscribe = control.onBundle(listener);
      return () => {
        subscriptions -= 1;
        unsubscribe();
      };
    },
  };
  const app = await buildAdminApp({
    control: counted,
    verifyAdminToken: (token) => token === ADMIN_TOKEN,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    logger: false,
    health: {
      liveness: () => ({ status: 200, body: { status: 'ok' } }),
      readiness: () => ({ status: 200, body: { status: 'ready' } }),
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'clawgress_up 1\n' }),
    },
  });
  return {
    app,
    control,
    store,
    clock,
    publicKeyPem: keys.publicKeyPem,
    waitForLongPolls: async (count) => {
      while (subscriptions !== count) await new Promise((resolve) => setImmediate(resolve));
    },
    call: (method, url, body) => {
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
      if (body === undefined) return app.inject({ method, url, headers });
      const json = { ...headers, 'content-type': 'application/json' };
      return app.inject({ method, url, headers: json, payload: JSON.stringify(body) });
    },
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export const apiKeyAgent = (agentId: string) => ({
  agent_id: agentId,
  team_id: 'team-a',
  project_id: 'proj-a',
  environment: 'prod',
  auth_type: 'api_key',
});

export const allowPolicy = (policyId: string, domains: string[] = ['api.example.com']) => ({
  policy_id: policyId,
  match: { domains },
  action: 'allow',
  priority: 10,
});
