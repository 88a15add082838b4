import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyHash } from '../core/index.js';

export const API_KEY_PREFIX = 'cgk_';
const API_KEY_BYTES = 32; // 256 bits
const DIGEST_BYTES = 32; // HMAC-SHA256
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/** 256-bit random API key: `cgk_` + base64url(32 bytes). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(API_KEY_BYTES).toString('base64url');
}

/**
 * Fast keyed hash (hex HMAC-SHA256 under the deployment's secret). Keys are high-entropy,
 * so a slow KDF per request would only add latency; the secret keeps a leaked table useless.
 */
export function hashApiKey(key: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}

/** A stored key hash decoded once at bundle load. */
export interface CompiledKeyHash {
  readonly digest: Buffer;
  readonly expiresAtMs: number; // Infinity = no expiry
}

export function compileKeyHashes(keyHashes: readonly KeyHash[]): CompiledKeyHash[] {
  // A malformed hash can never match, so it is dropped rather than failing the bundle.
  return keyHashes
    .filter((keyHash) => HEX_DIGEST.test(keyHash.hash))
    .map((keyHash) => ({ digest: Buffer.from(keyHash.hash, 'hex'), expiresAtMs: expiryOf(keyHash) }));
}

function expiryOf(keyHash: KeyHash): number {
  if (keyHash.expires_at === null) return Infinity;
  const parsed = Date.parse(keyHash.expires_at);
  // An unreadable expiry fails closed: the key no longer counts.
  return Number.isNaN(parsed) ? -Infinity : parsed;
}

/** Until when the matching live key is valid (Infinity: no expiry); -Infinity when none matches. */
export function liveKeyExpiry(digest: Buffer, keys: readonly CompiledKeyHash[], nowMs: number): number {
  if (digest.length !== DIGEST_BYTES) return -Infinity;
  let until = -Infinity;
  // Compare against every key, without stopping early, so timing does not tell which slot matched.
  for (const key of keys) {
    const equal = timingSafeEqual(key.digest, digest);
    if (equal && key.expiresAtMs > nowMs) until = Math.max(until, key.expiresAtMs);
  }
  return until;
}
