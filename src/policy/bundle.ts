// Signed bundles (SPEC §3 Publishing), after OPA's bundle signing: the signature covers a
// small manifest, and the manifest carries the hash of the content. Both are taken over
// canonical JSON, so a bundle re-encoded by any JSON library still verifies.
//
//   { manifest: { version, created_at, content_hash: "sha256:<hex>" },
//     signature: base64(ed25519(canonicalJson(manifest))),
//     content: { policies, agents, issuers, quotas } }

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, type BundleContent, type BundleManifest, type SignedBundle } from '../core/index.js';
import { checkContentProblem, checkManifestProblem, isRecord } from './bundle-shape.js';
import { quote } from './check-policy.js';

export type BundleVerification =
  | { ok: true; bundle: SignedBundle }
  | { ok: false; code: 'format' | 'signature' | 'version' | 'hash'; error: string };

// An Ed25519 signature is 64 bytes: 88 base64 characters with `==` padding.
const SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{86}==$/;

export function contentHash(content: BundleContent): string {
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

export function generateSigningKeys(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Null when the PEM is not an Ed25519 key of that kind. Node's parse errors are dropped,
 *  not wrapped, so no part of a key can reach a message. */
function ed25519Key(pem: string, kind: 'public' | 'private'): KeyObject | null {
  try {
    const key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** Throws a TypeError for a bad version, an invalid content or a key that is not Ed25519:
 *  a bundle every gateway would refuse must not be published. */
export function signBundle(options: { content: BundleContent; version: number; createdAt: string; privateKeyPem: string }): SignedBundle {
  const { content, version, createdAt } = options;
  const manifest: BundleManifest = { version, created_at: createdAt, content_hash: contentHash(content) };
  const problem = checkManifestProblem(manifest) ?? checkContentProblem(content);
  if (problem !== null) throw new TypeError(`sign bundle: ${problem}`);
  const key = ed25519Key(options.privateKeyPem, 'private');
  if (key === null) throw new TypeError('sign bundle: the private key is not an ed25519 private key pem');
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), key).toString('base64');
  return { manifest, signature, content };
}

type Failure = Extract<BundleVerification, { ok: false }>;

function fail(code: Failure['code'], error: string): Failure {
  return { ok: false, code, error: `bundle: ${error}` };
}

function checkEnvelope(input: unknown): Failure | null {
  if (!isRecord(input)) return fail('format', 'not an object');
  const manifestProblem = checkManifestProblem(input.manifest);
  if (manifestProblem !== null) return fail('format', manifestProblem);
  if (typeof input.signature !== 'string' || !SIGNATURE_BASE64.test(input.signature)) {
    return fail('format', 'signature: not a base64 ed25519 signature');
  }
  return isRecord(input.content) ? null : fail('format', 'content: not an object');
}

function hashOf(content: unknown): string | null {
  try {
    return contentHash(content as BundleContent);
  } catch {
    return null; // not JSON (a cycle, a bigint, …): no bundle parsed from JSON is like that
  }
}

/** The checks after the envelope: signature, version, content hash, content shape. */
function checkSigned(bundle: SignedBundle, options: { publicKeyPem: string; currentVersion: number | null }): Failure | null {
  const { manifest } = bundle;
  const key = ed25519Key(options.publicKeyPem, 'public');
  if (key === null) return fail('signature', 'the configured public key is not an ed25519 public key pem');
  if (!verify(null, Buffer.from(canonicalJson(manifest)), key, Buffer.from(bundle.signature, 'base64'))) {
    return fail('signature', 'signature does not verify against the configured public key');
  }
  const { currentVersion } = options;
  if (currentVersion !== null && manifest.version <= currentVersion) {
    return fail('version', `manifest.version: ${quote(manifest.version)} is not newer than ${quote(currentVersion)}`);
  }
  const actual = hashOf(bundle.content);
  if (actual !== manifest.content_hash) {
    return fail('hash', `content hash ${quote(actual)} does not match the signed ${quote(manifest.content_hash)}`);
  }
  const contentProblem = checkContentProblem(bundle.content);
  return contentProblem === null ? null : fail('format', contentProblem);
}

/** Order: envelope shape, signature, version, content hash, content shape. Never throws. */
export function verifyBundle(input: unknown, options: { publicKeyPem: string; currentVersion: number | null }): BundleVerification {
  const envelopeFailure = checkEnvelope(input);
  if (envelopeFailure !== null) return envelopeFailure;
  const envelope = input as Record<string, unknown>;
  // Only the signed parts are kept: an extra field on the envelope is not covered by the signature.
  const bundle = { manifest: envelope.manifest, signature: envelope.signature, content: envelope.content } as SignedBundle;
  return checkSigned(bundle, options) ?? { ok: true, bundle };
}
