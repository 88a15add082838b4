// Ed25519 signatures on checkpoints, over the canonical JSON of the record without
// `signature`. The key id names the public key, so a verifier given several keys (after a
// key change) picks the right one, and a record signed by an unknown key says so.

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, type AuditCheckpoint } from '../core/index.js';

export type UnsignedCheckpoint = Omit<AuditCheckpoint, 'signature' | 'key_id'>;

export interface CheckpointSigner {
  readonly keyId: string;
  sign(checkpoint: UnsignedCheckpoint): AuditCheckpoint;
}

/** `ed25519:` and the first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

export function createCheckpointSigner(privateKeyPem: string): CheckpointSigner {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`checkpoint signer: key type \`${privateKey.asymmetricKeyType}\` is not ed25519`);
  }
  const keyId = keyIdOf(createPublicKey(privateKey));
  return {
    keyId,
    sign(checkpoint) {
      const withKey = { ...checkpoint, key_id: keyId };
      const signature = sign(null, Buffer.from(canonicalJson(withKey)), privateKey).toString('base64');
      return { ...withKey, signature };
    },
  };
}

/** Public keys by key id, from PEM texts; a key that is not Ed25519 is refused by name. */
export function checkpointKeys(publicKeyPems: readonly string[]): ReadonlyMap<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  publicKeyPems.forEach((pem, index) => {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new TypeError(`public key ${index + 1}: key type \`${key.asymmetricKeyType}\` is not ed25519`);
    }
    keys.set(keyIdOf(key), key);
  });
  return keys;
}

export type SignatureCheck = 'valid' | 'invalid' | 'unknown_key';

export function checkCheckpointSignature(record: AuditCheckpoint, keys: ReadonlyMap<string, KeyObject>): SignatureCheck {
  const key = keys.get(record.key_id);
  if (key === undefined) return 'unknown_key';
  const { signature, ...signed } = record;
  if (typeof signature !== 'string') return 'invalid';
  try {
    return verify(null, Buffer.from(canonicalJson(signed)), key, Buffer.from(signature, 'base64')) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
