import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT, type JWK } from 'jose';
import { ManualClock, type BundleAgent } from '../core/index.js';
import { IdentityResolver, type IdentityResult } from './index.js';

const NOW_MS = Date.parse('2026-01-01T00:00:00Z');
const KEY_NOT_IN_JWKS = 'jwt key is not in the jwks of issuer `https://idp.example`';
const JWKS_UNAVAILABLE = 'jwks of issuer `https://idp.example` could not be fetched';
const ISSUER = 'https://idp.example';
const AGENT: BundleAgent = {
  agent_id: 'agent-jwt',
  team_id: 't',
  project_id: 'p',
  environment: 'prod',
  auth_type: 'jwt',
  status: 'active',
  key_hashes: [],
};

const rsaOld = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaNew = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');

function jwk(publicKey: KeyObject, kid: string): JWK {
  return { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
}

/** A JWKS endpoint on 127.0.0.1 whose key set and status the test changes. */
class JwksServer {
  keys: JWK[] = [];
  status = 200;
  fetches = 0;
  readonly #server: Server = createServer((_request, response) => {
    this.fetches += 1;
    response.writeHead(this.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/jwks.json`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }
}

function newResolver(jwksUrl: string, jwksCooldownMs = 0): IdentityResolver {
  return new IdentityResolver({
    agents: [AGENT],
    issuers: [{ id: 'i-1', issuer: ISSUER, audience: 'clawgress', jwks_url: jwksUrl }],
    keyHashSecret: Buffer.alloc(32),
    clock: new ManualClock(NOW_MS),
    jwksCooldownMs,
  });
}

function sign(options: { alg: string; kid: string; key: KeyObject | Uint8Array; jti?: string }): Promise<string> {
  const exp = NOW_MS / 1000 + 600;
  const claims = { agent_id: 'agent-jwt', iss: ISSUER, aud: 'clawgress', exp, jti: options.jti ?? 'a' };
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg, kid: options.kid }).sign(options.key);
}

function refused(reason: string): IdentityResult {
  return { ok: false, outcome: 'unauthenticated', reason };
}

async function outcomeOf(resolver: IdentityResolver, token: string): Promise<IdentityResult> {
  return resolver.resolve(`Bearer ${token}`);
}

void describe('IdentityResolver with a jwks issuer', () => {
  const server = new JwksServer();
  let url = '';
  before(async () => {
    url = await server.start();
  });
  after(() => server.stop());

  void it('accepts RS256 and EdDSA tokens whose kid is in the set, fetching the set once', async () => {
    server.keys = [jwk(rsaOld.publicKey, 'k-old'), jwk(ed.publicKey, 'k-ed')];
    server.fetches = 0;
    const resolver = newResolver(url);
    const rsToken = await sign({ alg: 'RS256', kid: 'k-old', key: rsaOld.privateKey });
    const edToken = await sign({ alg: 'EdDSA', kid: 'k-ed', key: ed.privateKey });
    assert.equal((await outcomeOf(resolver, rsToken)).ok, true);
    assert.equal((await outcomeOf(resolver, edToken)).ok, true);
    assert.equal(server.fetches, 1);
  });

  void it('accepts a new kid after the issuer rotates, by refetching the set', async () => {
    server.keys = [jwk(rsaOld.publicKey, 'k-old')];
    server.fetches = 0;
    const resolver = newResolver(url);
    const newToken = await sign({ alg: 'RS256', kid: 'k-new', key: rsaNew.privateKey });
    assert.deepEqual(await outcomeOf(resolver, newToken), refused(KEY_NOT_IN_JWKS));
    server.keys = [jwk(rsaOld.publicKey, 'k-old'), jwk(rsaNew.publicKey, 'k-new')];
    const accepted = await outcomeOf(resolver, newToken);
    assert.equal(accepted.ok && accepted.identity.agent_id, 'agent-jwt');
    assert.equal(server.fetches, 3); // first load, refetch on the unknown kid, refetch after rotation
  });

  void it('does not refetch on an unknown kid during the cooldown', async () => {
    server.keys = [jwk(rsaOld.publicKey, 'k-old')];
    server.fetches = 0;
    const resolver = newResolver(url, 60_000);
    const oldToken = await sign({ alg: 'RS256', kid: 'k-old', key: rsaOld.privateKey });
    assert.equal((await outcomeOf(resolver, oldToken)).ok, true);
    server.keys = [jwk(rsaNew.publicKey, 'k-new')];
    const newToken = await sign({ alg: 'RS256', kid: 'k-new', key: rsaNew.privateKey });
    assert.deepEqual(await outcomeOf(resolver, newToken), refused(KEY_NOT_IN_JWKS));
    assert.equal(server.fetches, 1);
  });

  void it('refuses an HS256 token, whatever key it was signed with', async () => {
    server.keys = [jwk(rsaOld.publicKey, 'k-old')];
    const guessableSecret = new TextEncoder().encode('a-guessable-secret-of-32-bytes!!');
    const token = await sign({ alg: 'HS256', kid: 'k-old', key: guessableSecret });
    assert.deepEqual(
      await outcomeOf(newResolver(url), token),
      refused('jwt algorithm `HS256` is not allowed for issuer `https://idp.example`'),
    );
  });

  void it('refuses when the jwks endpoint answers an error status', async () => {
    server.status = 500;
    const token = await sign({ alg: 'RS256', kid: 'k-old', key: rsaOld.privateKey });
    try {
      assert.deepEqual(await outcomeOf(newResolver(url), token), refused(JWKS_UNAVAILABLE));
    } finally {
      server.status = 200;
    }
  });
});

void describe('IdentityResolver with an unreachable jwks issuer', () => {
  void it('refuses the token with a reason naming the issuer', async () => {
    const server = new JwksServer();
    const url = await server.start();
    await server.stop(); // the port is now closed
    const token = await sign({ alg: 'RS256', kid: 'k-old', key: rsaOld.privateKey });
    assert.deepEqual(await outcomeOf(newResolver(url), token), refused(JWKS_UNAVAILABLE));
  });
});
