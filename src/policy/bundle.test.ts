import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson, type BundleContent, type BundleManifest, type SignedBundle } from '../core/index.js';
import { contentHash, generateSigningKeys, signBundle, verifyBundle, type BundleVerification } from './index.js';

const keys = generateSigningKeys();
const otherKeys = generateSigningKeys();
const CREATED_AT = '2026-01-01T00:00:00.000Z';

const CONTENT: BundleContent = {
  policies: [
    { policy_id: 'p-1', version: 3, match: { domains: ['api.example.com'], methods: ['GET'] }, action: 'allow', priority: 10, enabled: true },
  ],
  agents: [
    {
      agent_id: 'agent-a',
      team_id: 'team-a',
      project_id: 'proj-a',
      environment: 'prod',
      auth_type: 'api_key',
      status: 'active',
      key_hashes: [{ hash: 'ab'.repeat(32), expires_at: null }],
    },
  ],
  issuers: [{ id: 'iss-1', issuer: 'https://issuer.example.com', audience: 'clawgress', hs256_secret: 'hs-secret-value' }],
  quotas: [{ agent_id: 'agent-a', rps_limit: 5, rpm_limit: 100, mode: 'hard_stop' }],
};

function signed(version = 5, content: BundleContent = CONTENT): SignedBundle {
  return signBundle({ content, version, createdAt: CREATED_AT, privateKeyPem: keys.privateKeyPem });
}

/** Signs any content, valid or not, the way a compromised or buggy publisher could. */
function signedAnyway(content: unknown, version = 5): Record<string, unknown> {
  const manifest: BundleManifest = { version, created_at: CREATED_AT, content_hash: contentHash(content as BundleContent) };
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), keys.privateKeyPem).toString('base64');
  return { manifest, signature, content };
}

function verify(input: unknown, currentVersion: number | null = null): BundleVerification {
  return verifyBundle(input, { publicKeyPem: keys.publicKeyPem, currentVersion });
}

function codeOf(result: BundleVerification): string {
  return result.ok ? 'ok' : result.code;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('sign and verify', () => {
  test('a signed bundle verifies and comes back as it was signed', () => {
    const bundle = signed();
    assert.deepEqual(verify(bundle), { ok: true, bundle });
  });

  test('a bundle read back from JSON text verifies', () => {
    assert.equal(verify(JSON.parse(JSON.stringify(signed()))).ok, true);
  });

  test('a bundle newer than the current version verifies', () => {
    assert.equal(verify(signed(5), 4).ok, true);
  });

  test('the manifest carries the version, creation time and content hash', () => {
    assert.deepEqual(signed(7).manifest, { version: 7, created_at: CREATED_AT, content_hash: contentHash(CONTENT) });
  });

  test('fields outside the signed parts are dropped from the verified bundle', () => {
    const result = verify({ ...signed(), unsigned: 'extra' });
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.bundle).sort(), ['content', 'manifest', 'signature']);
  });
});

describe('verify refuses', () => {
  test('a changed byte of content, with code hash', () => {
    const bundle = signed();
    const tampered = JSON.parse(JSON.stringify(bundle).replace('api.example.com', 'api.example.con')) as SignedBundle;
    assert.deepEqual(verify(tampered), {
      ok: false,
      code: 'hash',
      error: `bundle: content hash \`${contentHash(tampered.content)}\` does not match the signed \`${bundle.manifest.content_hash}\``,
    });
  });

  test('a changed manifest, with code signature', () => {
    const tampered = copy(signed(5)) as { manifest: { version: number } };
    tampered.manifest.version = 6;
    assert.deepEqual(verify(tampered), { ok: false, code: 'signature', error: 'bundle: signature does not verify against the configured public key' });
  });

  test('a manifest pointing at other content, with code signature', () => {
    const other = signed(5, { ...CONTENT, quotas: [] });
    const swapped = { ...copy(signed(5)), manifest: { ...signed(5).manifest, content_hash: other.manifest.content_hash }, content: other.content };
    assert.deepEqual(verify(swapped), { ok: false, code: 'signature', error: 'bundle: signature does not verify against the configured public key' });
  });

  test('a bundle signed by another key, with code signature', () => {
    const result = verifyBundle(signed(), { publicKeyPem: otherKeys.publicKeyPem, currentVersion: null });
    assert.deepEqual(result, { ok: false, code: 'signature', error: 'bundle: signature does not verify against the configured public key' });
  });

  test('any bundle when the configured key is not an ed25519 public key, with code signature', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const expected = { ok: false, code: 'signature', error: 'bundle: the configured public key is not an ed25519 public key pem' };
    assert.deepEqual(verifyBundle(signed(), { publicKeyPem: rsa, currentVersion: null }), expected);
    assert.deepEqual(verifyBundle(signed(), { publicKeyPem: 'not a pem', currentVersion: null }), expected);
  });

  test('an older version, with code version', () => {
    assert.deepEqual(verify(signed(4), 5), { ok: false, code: 'version', error: 'bundle: manifest.version: `4` is not newer than `5`' });
  });

  test('the same version again, with code version', () => {
    assert.deepEqual(verify(signed(5), 5), { ok: false, code: 'version', error: 'bundle: manifest.version: `5` is not newer than `5`' });
  });

  test('a bad signature before an old version: the signature is checked first', () => {
    const tampered = copy(signed(4)) as { manifest: { created_at: string } };
    tampered.manifest.created_at = '2026-01-02T00:00:00.000Z';
    assert.equal(codeOf(verify(tampered, 5)), 'signature');
  });

  test('changed content in an old version: the version is checked before the hash', () => {
    const tampered = JSON.parse(JSON.stringify(signed(4)).replace('api.example.com', 'api.example.con')) as unknown;
    assert.equal(codeOf(verify(tampered, 5)), 'version');
  });

  test('content that is not JSON at all, with code hash and without throwing', () => {
    const cyclic: Record<string, unknown> = { ...CONTENT };
    cyclic.self = cyclic;
    const result = verify({ ...signed(), content: cyclic });
    assert.deepEqual(result, { ok: false, code: 'hash', error: `bundle: content hash \`null\` does not match the signed \`${contentHash(CONTENT)}\`` });
  });
});

describe('verify refuses malformed input with code format', () => {
  const good = signed();
  const malformed: ReadonlyArray<readonly [string, unknown, string]> = [
    ['null', null, 'bundle: not an object'],
    ['a string', 'bundle', 'bundle: not an object'],
    ['a list', [good], 'bundle: not an object'],
    ['an empty object', {}, 'bundle: manifest: not an object'],
    ['a bundle without a signature', { manifest: good.manifest, content: good.content }, 'bundle: signature: not a base64 ed25519 signature'],
    ['a signature that is too short', { ...good, signature: 'AAAA' }, 'bundle: signature: not a base64 ed25519 signature'],
    ['a bundle without content', { manifest: good.manifest, signature: good.signature }, 'bundle: content: not an object'],
    ['a manifest without a version', { ...good, manifest: { ...good.manifest, version: undefined } }, 'bundle: manifest.version: `undefined` is not a positive integer'],
    ['a manifest with version 0', { ...good, manifest: { ...good.manifest, version: 0 } }, 'bundle: manifest.version: `0` is not a positive integer'],
    ['a manifest with a bad timestamp', { ...good, manifest: { ...good.manifest, created_at: 'yesterday' } }, 'bundle: manifest.created_at: not an rfc 3339 timestamp'],
    ['a content hash without its algorithm', { ...good, manifest: { ...good.manifest, content_hash: 'ab'.repeat(32) } }, 'bundle: manifest.content_hash: not `sha256:` and 64 hex digits'],
    ['a manifest with an unknown field', { ...good, manifest: { ...good.manifest, expires_at: CREATED_AT } }, 'bundle: manifest: `expires_at` is not a known field'],
  ];
  for (const [name, input, error] of malformed) {
    test(name, () => assert.deepEqual(verify(input), { ok: false, code: 'format', error }));
  }

  const badContent: ReadonlyArray<readonly [string, unknown, string]> = [
    ['content without policies', { ...CONTENT, policies: undefined }, 'bundle: content.policies: not a list'],
    ['a policy that fails checkPolicy', { ...CONTENT, policies: [{ ...CONTENT.policies[0], match: { domains: ['*bad'] } }] }, 'bundle: content.policies[0]: policy `p-1`: match.domains: `*bad` is not a valid wildcard'],
    ['two policies with one id', { ...CONTENT, policies: [CONTENT.policies[0], CONTENT.policies[0]] }, 'bundle: content.policies[1]: policy_id `p-1` appears twice'],
    ['a policy that is not an object', { ...CONTENT, policies: [7] }, 'bundle: content.policies[0]: not an object'],
    ['an agent without a team', { ...CONTENT, agents: [{ ...CONTENT.agents[0], team_id: '' }] }, 'bundle: content.agents[0].team_id: not a non-empty string'],
    ['an agent with an unknown status', { ...CONTENT, agents: [{ ...CONTENT.agents[0], status: 'paused' }] }, 'bundle: content.agents[0].status: `paused` is not one of active, disabled'],
    ['a key hash with a bad expiry', { ...CONTENT, agents: [{ ...CONTENT.agents[0], key_hashes: [{ hash: 'ab', expires_at: 'soon' }] }] }, 'bundle: content.agents[0].key_hashes[0].expires_at: not an rfc 3339 timestamp'],
    ['an issuer with two key sources', { ...CONTENT, issuers: [{ ...CONTENT.issuers[0], jwks_url: 'https://issuer.example.com/jwks' }] }, 'bundle: content.issuers[0]: needs exactly one of jwks_url, public_key_pem, hs256_secret'],
    ['an issuer with a secret that is not a string', { ...CONTENT, issuers: [{ ...CONTENT.issuers[0], hs256_secret: 12345 }] }, 'bundle: content.issuers[0].hs256_secret: not a non-empty string'],
    ['a quota with a negative limit', { ...CONTENT, quotas: [{ ...CONTENT.quotas[0], rps_limit: -1 }] }, 'bundle: content.quotas[0].rps_limit: `-1` is not a non-negative number'],
    ['two quotas for one agent', { ...CONTENT, quotas: [CONTENT.quotas[0], CONTENT.quotas[0]] }, 'bundle: content.quotas[1]: agent_id `agent-a` appears twice'],
  ];
  for (const [name, content, error] of badContent) {
    test(`signed content with ${name}`, () => assert.deepEqual(verify(signedAnyway(content)), { ok: false, code: 'format', error }));
  }

  test('no message ever carries an issuer secret', () => {
    const leaky = { ...CONTENT, issuers: [{ ...CONTENT.issuers[0], public_key_pem: 'pem', hs256_secret: 'hs-secret-value' }] };
    const result = verify(signedAnyway(leaky));
    assert.ok(!result.ok && !result.error.includes('hs-secret-value'), JSON.stringify(result));
  });
});

describe('contentHash', () => {
  test('is sha256 of the canonical JSON, in hex, with its algorithm', () => {
    const empty: BundleContent = { policies: [], agents: [], issuers: [], quotas: [] };
    const expected = createHash('sha256').update('{"agents":[],"issuers":[],"policies":[],"quotas":[]}').digest('hex');
    assert.equal(contentHash(empty), `sha256:${expected}`);
  });

  test('does not depend on the order of keys', () => {
    const policy = CONTENT.policies[0];
    assert.ok(policy !== undefined);
    const reordered = {
      quotas: CONTENT.quotas,
      issuers: CONTENT.issuers,
      policies: [{ enabled: policy.enabled, priority: policy.priority, action: policy.action, match: { methods: ['GET'], domains: ['api.example.com'] }, version: policy.version, policy_id: policy.policy_id }],
      agents: CONTENT.agents,
    };
    assert.equal(contentHash(reordered), contentHash(CONTENT));
  });

  test('changes when a value changes', () => {
    assert.notEqual(contentHash({ ...CONTENT, quotas: [] }), contentHash(CONTENT));
  });
});

describe('signBundle refuses what no gateway would accept', () => {
  test('version 0', () => {
    assert.throws(() => signed(0), { name: 'TypeError', message: 'sign bundle: manifest.version: `0` is not a positive integer' });
  });

  test('content with an invalid policy', () => {
    const content = { ...CONTENT, policies: [{ ...CONTENT.policies[0], policy_id: 'default-deny' }] } as BundleContent;
    assert.throws(() => signed(1, content), { message: 'sign bundle: content.policies[0]: policy `default-deny`: policy_id: `default-deny` is reserved' });
  });

  test('a private key that is not ed25519, without showing the key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => signBundle({ content: CONTENT, version: 1, createdAt: CREATED_AT, privateKeyPem: rsa }), {
      message: 'sign bundle: the private key is not an ed25519 private key pem',
    });
  });
});

test('generateSigningKeys makes a fresh PEM key pair each time', () => {
  assert.match(keys.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.match(keys.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.notEqual(keys.publicKeyPem, otherKeys.publicKeyPem);
});
