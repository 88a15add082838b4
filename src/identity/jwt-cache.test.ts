import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { ManualClock, type BundleAgent } from '../core/index.js';
import { IdentityResolver, type IdentityResult } from './index.js';

const NOW_MS = Date.parse('2026-01-01T00:00:00Z');
const NOW_S = NOW_MS / 1000;
const SECRET = 'cache-test-hs256-secret-0123456789abcdef';
const ISSUER = { id: 'i-hs', issuer: 'https://hs.example', audience: 'clawgress', hs256_secret: SECRET };

function agent(agentId: string, status: BundleAgent['status'] = 'active'): BundleAgent {
  const registered = { team_id: 't', project_id: 'p', environment: 'prod' };
  return { agent_id: agentId, ...registered, auth_type: 'jwt', status, key_hashes: [] };
}

function newResolver(options: { clock: ManualClock; jwtCacheSize?: number }): IdentityResolver {
  return new IdentityResolver({
    agents: [agent('agent-jwt'), agent('agent-off', 'disabled')],
    issuers: [ISSUER],
    keyHashSecret: Buffer.alloc(32),
    clock: options.clock,
    clockSkewSeconds: 30,
    jwtCacheSize: options.jwtCacheSize,
  });
}

function sign(claims: JWTPayload = {}): Promise<string> {
  const payload = { agent_id: 'agent-jwt', aud: 'clawgress', iss: ISSUER.issuer, exp: NOW_S + 60, ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

/** Resolve and report whether the answer came synchronously. */
async function resolveTimed(
  resolver: IdentityResolver,
  token: string,
): Promise<{ sync: boolean; result: IdentityResult }> {
  const answer = resolver.resolve(`Bearer ${token}`);
  return { sync: !(answer instanceof Promise), result: await answer };
}

void describe('IdentityResolver jwt cache', () => {
  void it('the second resolve of a verified token is synchronous and gives the same identity', async () => {
    const resolver = newResolver({ clock: new ManualClock(NOW_MS) });
    const token = await sign();
    const first = await resolveTimed(resolver, token);
    const second = await resolveTimed(resolver, token);
    assert.equal(first.sync, false);
    assert.equal(first.result.ok, true);
    assert.equal(second.sync, true);
    assert.deepEqual(second.result, first.result);
  });

  void it('a cached token is refused once the clock passes exp plus the skew, and stays refused', async () => {
    const clock = new ManualClock(NOW_MS);
    const resolver = newResolver({ clock });
    const token = await sign();
    const verified = await resolveTimed(resolver, token);
    assert.equal(verified.result.ok, true);
    clock.advance((60 + 30) * 1000 - 1); // last millisecond inside exp + skew
    assert.deepEqual(await resolveTimed(resolver, token), { sync: true, result: verified.result });
    clock.advance(1);
    const expired = { ok: false, outcome: 'unauthenticated', reason: 'jwt is expired' };
    assert.deepEqual(await resolveTimed(resolver, token), { sync: true, result: expired });
    // Dropped from the cache, the token goes back to jose, which refuses it too.
    assert.deepEqual(await resolveTimed(resolver, token), { sync: false, result: expired });
  });

  void it('what the registry said of a verified token\'s agent is cached with it: a disabled agent stays disabled', async () => {
    const resolver = newResolver({ clock: new ManualClock(NOW_MS) });
    const token = await sign({ agent_id: 'agent-off' });
    await resolveTimed(resolver, token);
    const second = await resolveTimed(resolver, token);
    assert.equal(second.sync, true);
    assert.deepEqual(second.result.ok === false && second.result.outcome, 'disabled');
  });

  void it('the cache is keyed by the whole header: the same token as Bearer and as Basic jwt: is verified once for each', async () => {
    const resolver = newResolver({ clock: new ManualClock(NOW_MS) });
    const token = await sign();
    const basic = `Basic ${Buffer.from(`jwt:${token}`).toString('base64')}`;
    const first = await resolveTimed(resolver, token);
    const asBasic = resolver.resolve(basic);
    assert.ok(asBasic instanceof Promise, 'a header not seen before goes to jose');
    assert.deepEqual(await asBasic, first.result);
    const again = resolver.resolve(basic);
    assert.ok(!(again instanceof Promise));
    assert.deepEqual(again, first.result);
    assert.deepEqual(await resolveTimed(resolver, token), { sync: true, result: first.result });
  });

  void it('a failed verification is not cached', async () => {
    const resolver = newResolver({ clock: new ManualClock(NOW_MS) });
    const token = await sign({ aud: 'someone-else' });
    const refused = { ok: false, outcome: 'unauthenticated', reason: 'jwt audience does not match issuer `https://hs.example`' };
    assert.deepEqual(await resolveTimed(resolver, token), { sync: false, result: refused });
    assert.deepEqual(await resolveTimed(resolver, token), { sync: false, result: refused });
  });

  void it('the cache is bounded and evicts the oldest token first', async () => {
    const resolver = newResolver({ clock: new ManualClock(NOW_MS), jwtCacheSize: 2 });
    const [first, second, third] = await Promise.all([sign({ jti: '1' }), sign({ jti: '2' }), sign({ jti: '3' })]);
    for (const token of [first, second, third]) await resolveTimed(resolver, token);
    assert.equal((await resolveTimed(resolver, third)).sync, true);
    assert.equal((await resolveTimed(resolver, second)).sync, true);
    assert.equal((await resolveTimed(resolver, first)).sync, false);
  });

  void it('a cache size of zero turns caching off', async () => {
    const resolver = newResolver({ clock: new ManualClock(NOW_MS), jwtCacheSize: 0 });
    const token = await sign();
    await resolveTimed(resolver, token);
    assert.equal((await resolveTimed(resolver, token)).sync, false);
  });
});
