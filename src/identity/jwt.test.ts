import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { ManualClock, type BundleAgent, type Issuer } from '../core/index.js';
import { IdentityResolver, type IdentityResult } from './index.js';

const NOW_MS = Date.parse('2026-01-01T00:00:00Z');
const NOW_S = NOW_MS / 1000;
const HS_SECRET = 'an-hs256-secret-of-at-least-32-bytes!!';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

function pem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

const ISSUERS: Issuer[] = [
  { id: 'i-hs', issuer: 'https://hs.example', audience: 'clawgress', hs256_secret: HS_SECRET },
  { id: 'i-rs', issuer: 'https://rs.example', audience: 'clawgress', public_key_pem: pem(rsa.publicKey) },
  { id: 'i-es', issuer: 'https://es.example', audience: 'clawgress', public_key_pem: pem(ec.publicKey) },
  { id: 'i-ed', issuer: 'https://ed.example', audience: 'clawgress', public_key_pem: pem(ed.publicKey) },
];

function agent(agentId: string, overrides: Partial<BundleAgent> = {}): BundleAgent {
  const base = { team_id: 'team-a', project_id: 'proj-a', environment: 'prod' } as const;
  return { agent_id: agentId, ...base, auth_type: 'jwt', status: 'active', key_hashes: [], ...overrides };
}

const AGENTS = [
  agent('agent-jwt'),
  agent('agent-off', { status: 'disabled' }),
  agent('agent-key', { auth_type: 'api_key' }),
];

function newResolver(clock = new ManualClock(NOW_MS), jwtCacheSize?: number): IdentityResolver {
  const keyHashSecret = Buffer.alloc(32);
  return new IdentityResolver({ agents: AGENTS, issuers: ISSUERS, keyHashSecret, clock, jwtCacheSize });
}

interface SignOptions {
  alg?: string;
  key?: KeyObject | Uint8Array;
  iss?: string;
  claims?: JWTPayload;
}

/** A token for agent-jwt from the RS256 issuer, valid for an hour, unless told otherwise. */
async function sign(options: SignOptions = {}): Promise<string> {
  const claims: JWTPayload = { agent_id: 'agent-jwt', aud: 'clawgress', exp: NOW_S + 3600, ...options.claims };
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'RS256' });
  return jwt.setIssuer(options.iss ?? 'https://rs.example').sign(options.key ?? rsa.privateKey);
}

async function resolveBearer(resolver: IdentityResolver, token: string): Promise<IdentityResult> {
  return resolver.resolve(`Bearer ${token}`);
}

function refused(reason: string): IdentityResult {
  return { ok: false, outcome: 'unauthenticated', reason };
}

const AGENT_JWT_IDENTITY = {
  agent_id: 'agent-jwt',
  team_id: 'team-a',
  project_id: 'proj-a',
  environment: 'prod',
  auth_type: 'jwt',
  status: 'active',
} as const;

void describe('IdentityResolver verifies jwts from pem and secret issuers', () => {
  const signers: { name: string; options: SignOptions }[] = [
    {
      name: 'an HS256 token from a secret issuer',
      options: { alg: 'HS256', key: new TextEncoder().encode(HS_SECRET), iss: 'https://hs.example' },
    },
    { name: 'an RS256 token from an rsa pem issuer', options: {} },
    {
      name: 'an ES256 token from an ec p-256 pem issuer',
      options: { alg: 'ES256', key: ec.privateKey, iss: 'https://es.example' },
    },
    {
      name: 'an EdDSA token from an ed25519 pem issuer',
      options: { alg: 'EdDSA', key: ed.privateKey, iss: 'https://ed.example' },
    },
  ];
  for (const signer of signers) {
    void it(`${signer.name} gives the registered identity with auth_type jwt`, async () => {
      const token = await sign(signer.options);
      assert.deepEqual(await resolveBearer(newResolver(), token), { ok: true, identity: AGENT_JWT_IDENTITY });
    });
  }

  void it('a token in basic credentials with user jwt is accepted', async () => {
    const header = `Basic ${Buffer.from(`jwt:${await sign()}`).toString('base64')}`;
    assert.deepEqual(await newResolver().resolve(header), { ok: true, identity: AGENT_JWT_IDENTITY });
  });

  void it('sub names the agent when agent_id is absent', async () => {
    const token = await sign({ claims: { agent_id: undefined, sub: 'agent-jwt' } });
    assert.deepEqual(await resolveBearer(newResolver(), token), { ok: true, identity: AGENT_JWT_IDENTITY });
  });

  void it('claims that agree with the registered agent are accepted', async () => {
    const token = await sign({ claims: { team_id: 'team-a', project_id: 'proj-a', environment: 'prod' } });
    assert.deepEqual(await resolveBearer(newResolver(), token), { ok: true, identity: AGENT_JWT_IDENTITY });
  });

  void it('a token within the clock skew of exp and nbf is accepted', async () => {
    const token = await sign({ claims: { exp: NOW_S - 20, nbf: NOW_S + 20 } });
    assert.deepEqual(await resolveBearer(newResolver(), token), { ok: true, identity: AGENT_JWT_IDENTITY });
  });
});

void describe('IdentityResolver refuses bad jwts', () => {
  const unsecuredClaims = { iss: 'https://rs.example', aud: 'clawgress', agent_id: 'agent-jwt', exp: NOW_S + 60 };
  const noneToken = [{ alg: 'none' }, unsecuredClaims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.')
    .concat('.');
  const cases: { name: string; token: () => Promise<string>; expected: IdentityResult }[] = [
    {
      name: 'an unregistered issuer',
      token: () => sign({ iss: 'https://evil.example' }),
      expected: refused('jwt issuer `https://evil.example` is not registered'),
    },
    {
      name: 'a token with no iss',
      token: () => new SignJWT({ exp: NOW_S + 60 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey),
      expected: refused('jwt has no `iss` claim'),
    },
    {
      name: 'a wrong audience',
      token: () => sign({ claims: { aud: 'someone-else' } }),
      expected: refused('jwt audience does not match issuer `https://rs.example`'),
    },
    {
      name: 'an expired token beyond the skew',
      token: () => sign({ claims: { exp: NOW_S - 31 } }),
      expected: refused('jwt is expired'),
    },
    {
      name: 'nbf in the future beyond the skew',
      token: () => sign({ claims: { nbf: NOW_S + 31 } }),
      expected: refused('jwt is not yet valid'),
    },
    {
      name: 'a token without exp',
      token: () => sign({ claims: { exp: undefined } }),
      expected: refused('jwt has no `exp` claim'),
    },
    {
      name: 'alg none',
      token: () => Promise.resolve(noneToken),
      expected: refused('jwt algorithm `none` is not allowed for issuer `https://rs.example`'),
    },
    {
      name: 'an HS256 token keyed with the public pem of an RS256 issuer (algorithm confusion)',
      token: () => sign({ alg: 'HS256', key: new TextEncoder().encode(pem(rsa.publicKey)) }),
      expected: refused('jwt algorithm `HS256` is not allowed for issuer `https://rs.example`'),
    },
    {
      name: 'a token signed by another key',
      token: () => sign({ key: otherRsa.privateKey }),
      expected: refused('jwt signature does not verify'),
    },
    {
      name: 'a token that is not a jwt',
      token: () => Promise.resolve('abc.def.ghi'),
      expected: refused('jwt is malformed'),
    },
    {
      name: 'a token naming no agent',
      token: () => sign({ claims: { agent_id: undefined } }),
      expected: refused('jwt has no `agent_id` or `sub` claim'),
    },
    {
      name: 'an agent_id that is not a string',
      token: () => sign({ claims: { agent_id: 7 } }),
      expected: refused('jwt claim `agent_id` is not a string'),
    },
    {
      name: 'an unknown agent',
      token: () => sign({ claims: { agent_id: 'ghost' } }),
      expected: refused('jwt names unknown agent `ghost`'),
    },
    {
      name: 'an api_key agent presenting a jwt',
      token: () => sign({ claims: { agent_id: 'agent-key' } }),
      expected: refused('agent `agent-key` does not accept jwts'),
    },
    {
      name: 'a team_id claim that disagrees',
      token: () => sign({ claims: { team_id: 'team-b' } }),
      expected: refused('jwt claim `team_id` does not match agent `agent-jwt`'),
    },
    {
      name: 'an environment claim that disagrees',
      token: () => sign({ claims: { environment: 'dev' } }),
      expected: refused('jwt claim `environment` does not match agent `agent-jwt`'),
    },
    {
      name: 'a project_id claim that is not a string',
      token: () => sign({ claims: { project_id: ['proj-a'] } }),
      expected: refused('jwt claim `project_id` is not a string'),
    },
  ];
  for (const testCase of cases) {
    void it(`${testCase.name} is unauthenticated`, async () => {
      assert.deepEqual(await resolveBearer(newResolver(), await testCase.token()), testCase.expected);
    });
  }

  void it('a disabled agent with a valid token is disabled, with its identity', async () => {
    const token = await sign({ claims: { agent_id: 'agent-off' } });
    assert.deepEqual(await resolveBearer(newResolver(), token), {
      ok: false,
      outcome: 'disabled',
      reason: 'agent `agent-off` is disabled',
      identity: { ...AGENT_JWT_IDENTITY, agent_id: 'agent-off', status: 'disabled' },
    });
  });

  void it('a disabled agent with an expired token is unauthenticated, not disabled', async () => {
    const token = await sign({ claims: { agent_id: 'agent-off', exp: NOW_S - 60 } });
    assert.deepEqual(await resolveBearer(newResolver(), token), refused('jwt is expired'));
  });
});
