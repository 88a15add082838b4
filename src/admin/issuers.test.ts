import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.test.js';

const pemOf = (pair: { publicKey: { export(o: object): string | Buffer } }) =>
  pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const RSA_PEM = pemOf(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const EC_PEM = pemOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const ED25519_PEM = pemOf(generateKeyPairSync('ed25519'));
const P384_PEM = pemOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }));
const RSA_1024_PEM = pemOf(generateKeyPairSync('rsa', { modulusLength: 1024 }));
const PRIVATE_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SECRET = 's3cret-s3cret-s3cret-s3cret-s3cret!';

const issuer = (source: Record<string, string>) => ({ issuer: 'https://idp.example.com', audience: 'clawgress', ...source });

describe('admin api: issuers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('registers an issuer with each kind of key and publishes it at once', async () => {
    const sources: Array<[string, Record<string, string>]> = [
      ['jwks_url', { jwks_url: 'https://idp.example.com/jwks.json' }],
      ['public_key_pem', { public_key_pem: RSA_PEM, audience: 'rsa' }],
      ['public_key_pem', { public_key_pem: EC_PEM, audience: 'ec' }],
      ['public_key_pem', { public_key_pem: ED25519_PEM, audience: 'ed' }],
      ['hs256_secret', { hs256_secret: SECRET, audience: 'hs' }],
    ];
    for (const [keyType, source] of sources) {
      const created = await h.call('POST', '/api/v1/issuers', issuer(source));
      assert.equal(created.statusCode, 201, keyType);
      const body = created.json();
      assert.equal(body.key_type, keyType);
      assert.match(body.id, /^[0-9a-f-]{36}$/);
      const bundled = h.control.currentBundle().content.issuers.find((i) => i.id === body.id);
      assert.deepEqual(bundled, { id: body.id, ...issuer(source) }, keyType);
    }
  });

  it('never answers an hs256 secret, on create, get or list', async () => {
    const created = await h.call('POST', '/api/v1/issuers', issuer({ hs256_secret: SECRET }));
    const id = created.json().id;
    const answers = [created, await h.call('GET', `/api/v1/issuers/${id}`), await h.call('GET', '/api/v1/issuers')];
    for (const answer of answers) {
      assert.equal(answer.statusCode === 200 || answer.statusCode === 201, true);
      assert.doesNotMatch(answer.body, /s3cret|"hs256_secret":/);
    }
    assert.deepEqual(answers[1]?.json(), {
      id,
      issuer: 'https://idp.example.com',
      audience: 'clawgress',
      key_type: 'hs256_secret',
      created_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('rejects bad issuers with 400 naming the field, never echoing a secret', async () => {
    const cases: Array<[string, Record<string, string>, string | undefined, string]> = [
      ['no key source', {}, undefined, 'exactly one of `jwks_url`, `public_key_pem` or `hs256_secret` must be given'],
      ['two key sources', { jwks_url: 'https://a.example/j', hs256_secret: SECRET }, undefined, 'exactly one of `jwks_url`, `public_key_pem` or `hs256_secret` must be given'],
      ['a jwks url that is not http', { jwks_url: 'ftp://idp.example.com/jwks' }, 'jwks_url', 'jwks_url: `ftp://idp.example.com/jwks` is not an http or https url'],
      ['a jwks url that is not a url', { jwks_url: 'jwks.json' }, 'jwks_url', 'jwks_url: `jwks.json` is not an http or https url'],
      ['a pem that does not parse', { public_key_pem: 'not a pem' }, 'public_key_pem', 'public_key_pem: is not a pem-encoded public key'],
      ['a private key', { public_key_pem: PRIVATE_PEM }, 'public_key_pem', 'public_key_pem: is a private key: give the public key only'],
      ['an ec key on p-384', { public_key_pem: P384_PEM }, 'public_key_pem', 'public_key_pem: ec curve `secp384r1` is not p-256'],
      ['a 1024-bit rsa key', { public_key_pem: RSA_1024_PEM }, 'public_key_pem', 'public_key_pem: rsa key must be at least 2048 bits'],
      ['a short hs256 secret', { hs256_secret: 'short-secret' }, 'hs256_secret', 'body.hs256_secret: must NOT have fewer than 32 characters'],
      ['an unknown field', { jwks_url: 'https://a.example/j', alg: 'RS256' }, 'alg', 'body: unknown field `alg`'],
    ];
    for (const [name, source, field, message] of cases) {
      const answer = await h.call('POST', '/api/v1/issuers', issuer(source));
      const expected = { error: message, code: 'CLAWGRESS_ERR_VALIDATION', ...(field ? { field } : {}) };
      assert.deepEqual([answer.statusCode, answer.json()], [400, expected], name);
      assert.doesNotMatch(answer.body, /s3cret|short-secret|PRIVATE/, name);
    }
    assert.deepEqual((await h.call('GET', '/api/v1/issuers')).json(), { items: [], next_cursor: null });
  });

  it('refuses a second issuer with the same issuer and audience with 409', async () => {
    await h.call('POST', '/api/v1/issuers', issuer({ jwks_url: 'https://idp.example.com/jwks.json' }));
    const again = await h.call('POST', '/api/v1/issuers', issuer({ hs256_secret: SECRET }));
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error, 'issuer `https://idp.example.com` with audience `clawgress` exists already');
  });

  it('deletes an issuer and takes it out of the bundle at once', async () => {
    const id = (await h.call('POST', '/api/v1/issuers', issuer({ jwks_url: 'https://idp.example.com/j' }))).json().id;
    assert.equal((await h.call('DELETE', `/api/v1/issuers/${id}`)).statusCode, 204);
    assert.deepEqual(h.control.currentBundle().content.issuers, []);
    assert.equal((await h.call('GET', `/api/v1/issuers/${id}`)).statusCode, 404);
    assert.equal((await h.call('DELETE', `/api/v1/issuers/${id}`)).statusCode, 404);
  });
});
