import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { ManualClock, type Issuer } from '../core/index.js';
import { IdentityResolver, findIssuerProblem } from './index.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const RSA_PUBLIC_PEM = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const RSA_PRIVATE_PEM = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const P384_PUBLIC_PEM = p384.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function issuer(keySource: Partial<Issuer>): Issuer {
  return { id: 'i-1', issuer: 'https://idp.example', audience: 'clawgress', ...keySource };
}

const cases: { name: string; issuer: Issuer; problem: string | null }[] = [
  { name: 'an rsa public key pem is usable', issuer: issuer({ public_key_pem: RSA_PUBLIC_PEM }), problem: null },
  { name: 'an hs256 secret is usable', issuer: issuer({ hs256_secret: 's3cret' }), problem: null },
  { name: 'an https jwks url is usable', issuer: issuer({ jwks_url: 'https://idp.example/jwks.json' }), problem: null },
  {
    name: 'no key source is a problem',
    issuer: issuer({}),
    problem: 'exactly one of `jwks_url`, `public_key_pem`, `hs256_secret` must be set',
  },
  {
    name: 'two key sources are a problem',
    issuer: issuer({ hs256_secret: 's3cret', public_key_pem: RSA_PUBLIC_PEM }),
    problem: 'exactly one of `jwks_url`, `public_key_pem`, `hs256_secret` must be set',
  },
  { name: 'an empty hs256 secret is a problem', issuer: issuer({ hs256_secret: '' }), problem: 'hs256_secret is empty' },
  {
    name: 'a private key pasted as the public key is a problem',
    issuer: issuer({ public_key_pem: RSA_PRIVATE_PEM }),
    problem: 'public_key_pem holds a private key',
  },
  {
    name: 'text that is not a pem key is a problem',
    issuer: issuer({ public_key_pem: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }),
    problem: 'public_key_pem is not a valid pem public key',
  },
  {
    name: 'an ec p-384 key is a problem because only ES256 is supported',
    issuer: issuer({ public_key_pem: P384_PUBLIC_PEM }),
    problem: 'public_key_pem: key type `ec secp384r1` is not rsa, ec p-256 or ed25519',
  },
  { name: 'a jwks url that is not a url is a problem', issuer: issuer({ jwks_url: 'not a url' }), problem: 'jwks_url is not a valid url' },
  { name: 'a file jwks url is a problem', issuer: issuer({ jwks_url: 'file:///etc/jwks.json' }), problem: 'jwks_url must be http or https' },
];

void describe('findIssuerProblem', () => {
  for (const testCase of cases) {
    void it(testCase.name, () => {
      assert.equal(findIssuerProblem(testCase.issuer), testCase.problem);
    });
  }
});

void describe('IdentityResolver with an unusable issuer', () => {
  void it('refuses its tokens with a reason naming the problem', async () => {
    const resolver = new IdentityResolver({
      agents: [],
      issuers: [issuer({ public_key_pem: RSA_PRIVATE_PEM })],
      keyHashSecret: Buffer.alloc(32),
      clock: new ManualClock(),
    });
    const token = await new SignJWT({ iss: 'https://idp.example', aud: 'clawgress', sub: 'a', exp: 2_000_000_000 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey);
    assert.deepEqual(await resolver.resolve(`Bearer ${token}`), {
      ok: false,
      outcome: 'unauthenticated',
      reason: 'issuer `https://idp.example`: public_key_pem holds a private key',
    });
  });
});
