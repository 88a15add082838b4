import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, type BundleAgent } from '../core/index.js';
import { IdentityResolver, generateApiKey, hashApiKey, type IdentityResult } from './index.js';

const SECRET = Buffer.from('deployment-key-hash-secret-0123456789');
const HOUR_MS = 3_600_000;

function basic(agentId: string, key: string): string {
  return `Basic ${Buffer.from(`${agentId}:${key}`).toString('base64')}`;
}

function agent(overrides: Partial<BundleAgent> & { agent_id: string }): BundleAgent {
  return {
    team_id: 'team-a',
    project_id: 'proj-a',
    environment: 'prod',
    auth_type: 'api_key',
    status: 'active',
    key_hashes: [],
    ...overrides,
  };
}

void describe('generateApiKey and hashApiKey', () => {
  void it('a generated key is cgk_ followed by 32 random bytes in base64url', () => {
    const key = generateApiKey();
    assert.match(key, /^cgk_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(key.slice(4), 'base64url').length, 32);
    assert.notEqual(generateApiKey(), key);
  });

  void it('the hash is hex hmac-sha256, stable for one secret and different under another', () => {
    const hash = hashApiKey('cgk_abc', SECRET);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(hashApiKey('cgk_abc', SECRET), hash);
    assert.notEqual(hashApiKey('cgk_abc', Buffer.from('other-secret')), hash);
    assert.notEqual(hashApiKey('cgk_abd', SECRET), hash);
  });
});

void describe('IdentityResolver with api keys', () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const currentKey = generateApiKey();
  const rotatedOutKey = generateApiKey();
  const resolver = new IdentityResolver({
    agents: [
      agent({
        agent_id: 'agent-1',
        key_hashes: [
          { hash: hashApiKey(rotatedOutKey, SECRET), expires_at: '2026-01-01T01:00:00Z' },
          { hash: hashApiKey(currentKey, SECRET), expires_at: null },
        ],
      }),
      agent({ agent_id: 'agent-off', status: 'disabled', key_hashes: [{ hash: hashApiKey(currentKey, SECRET), expires_at: null }] }),
      agent({ agent_id: 'agent-jwt', auth_type: 'jwt', key_hashes: [{ hash: hashApiKey(currentKey, SECRET), expires_at: null }] }),
    ],
    issuers: [],
    keyHashSecret: SECRET,
    clock,
  });

  function resolveNow(header: string): IdentityResult {
    const result = resolver.resolve(header);
    // The hot path must not await for API keys.
    assert.ok(!(result instanceof Promise), 'resolve returned a promise for an api key');
    return result as IdentityResult;
  }

  void it('the right key gives the registered identity with auth_type api_key, synchronously', () => {
    assert.deepEqual(resolveNow(basic('agent-1', currentKey)), {
      ok: true,
      identity: {
        agent_id: 'agent-1',
        team_id: 'team-a',
        project_id: 'proj-a',
        environment: 'prod',
        auth_type: 'api_key',
        status: 'active',
      },
    });
  });

  void it('a wrong key is unauthenticated', () => {
    assert.deepEqual(resolveNow(basic('agent-1', generateApiKey())), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'invalid api key for agent `agent-1`',
    });
  });

  void it('an unknown agent gets the same reason text as a wrong key', () => {
    assert.deepEqual(resolveNow(basic('agent-nobody', currentKey)), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'invalid api key for agent `agent-nobody`',
    });
  });

  void it('a secret typed in the user field is never echoed', () => {
    const result = resolveNow(basic(currentKey, 'agent-1'));
    assert.deepEqual(result, { ok: false, outcome: 'unauthenticated', reason: 'invalid api key for agent `[redacted]`' });
  });

  void it('a jwt agent presenting an api key is unauthenticated, answered like an unknown agent', () => {
    assert.deepEqual(resolveNow(basic('agent-jwt', currentKey)), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'invalid api key for agent `agent-jwt`',
    });
  });

  void it('a disabled agent with the right key is disabled, with its identity', () => {
    const result = resolveNow(basic('agent-off', currentKey));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.outcome, 'disabled');
    assert.deepEqual(result, {
      ok: false,
      outcome: 'disabled',
      reason: 'agent `agent-off` is disabled',
      identity: {
        agent_id: 'agent-off',
        team_id: 'team-a',
        project_id: 'proj-a',
        environment: 'prod',
        auth_type: 'api_key',
        status: 'disabled',
      },
    });
  });

  void it('a disabled agent with a wrong key is unauthenticated, not disabled', () => {
    assert.deepEqual(resolveNow(basic('agent-off', generateApiKey())), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'invalid api key for agent `agent-off`',
    });
  });

  void it('an admitted key is remembered (same answer again), a wrong key for the agent still fails', () => {
    const first = resolveNow(basic('agent-1', currentKey));
    assert.equal(first.ok, true);
    assert.deepEqual(resolveNow(basic('agent-1', currentKey)), first);
    assert.equal(resolveNow(basic('agent-1', generateApiKey())).ok, false);
    assert.equal(resolveNow(basic('agent-off', currentKey)).ok, false, 'a disabled agent is not admitted, so not remembered');
    assert.equal(resolveNow(basic('agent-off', currentKey)).ok, false);
  });

  void it('a rotated-out key works during the overlap and stops at expires_at, while the new key goes on', () => {
    assert.equal(resolveNow(basic('agent-1', rotatedOutKey)).ok, true);
    clock.advance(HOUR_MS - 1);
    assert.equal(resolveNow(basic('agent-1', rotatedOutKey)).ok, true);
    clock.advance(1); // now == expires_at: no longer counts
    assert.deepEqual(resolveNow(basic('agent-1', rotatedOutKey)), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'invalid api key for agent `agent-1`',
    });
    assert.equal(resolveNow(basic('agent-1', currentKey)).ok, true);
  });

  void it('a parse failure is unauthenticated with the parser reason', () => {
    assert.deepEqual(resolver.resolve(undefined), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'missing proxy-authorization header',
    });
  });
});

void describe('IdentityResolver with unusual stored key hashes', () => {
  void it('a key hash with an unreadable expires_at no longer counts and a malformed hash never matches', () => {
    const key = generateApiKey();
    const resolver = new IdentityResolver({
      agents: [
        agent({
          agent_id: 'agent-1',
          key_hashes: [
            { hash: hashApiKey(key, SECRET), expires_at: 'not a date' },
            { hash: 'zz', expires_at: null },
          ],
        }),
      ],
      issuers: [],
      keyHashSecret: SECRET,
      clock: new ManualClock(),
    });
    assert.deepEqual(resolver.resolve(basic('agent-1', key)), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'invalid api key for agent `agent-1`',
    });
  });
});
