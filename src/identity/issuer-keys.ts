// Each registered issuer's verification key, prepared once per bundle, with the algorithms it
// may sign with pinned to the key's type. Pinning is what stops algorithm confusion: an HS256
// token can never be checked against an issuer's public key used as an HMAC secret.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { Issuer } from '../core/index.js';

export type IssuerKey =
  | {
      readonly usable: true;
      readonly issuer: Issuer;
      readonly key: KeyObject | Uint8Array | JWTVerifyGetKey;
      readonly algorithms: readonly string[];
    }
  | { readonly usable: false; readonly issuer: Issuer; readonly problem: string };

export interface JwksOptions {
  /** Least time between two fetches triggered by an unknown `kid`, in ms. */
  readonly cooldownMs: number;
  /** Abort a JWKS fetch after this many ms. */
  readonly timeoutMs: number;
}

export const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

export function prepareIssuerKey(issuer: Issuer, jwks: JwksOptions): IssuerKey {
  const sources = [issuer.jwks_url, issuer.public_key_pem, issuer.hs256_secret].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    return unusable(issuer, 'exactly one of `jwks_url`, `public_key_pem`, `hs256_secret` must be set');
  }
  if (issuer.hs256_secret !== undefined) return prepareSecret(issuer, issuer.hs256_secret);
  if (issuer.public_key_pem !== undefined) return preparePublicKey(issuer, issuer.public_key_pem);
  return prepareJwks(issuer, issuer.jwks_url ?? '', jwks);
}

/** For the control plane: the problem with an issuer before it is saved, or null. */
export function findIssuerProblem(issuer: Issuer): string | null {
  const prepared = prepareIssuerKey(issuer, { cooldownMs: 0, timeoutMs: 0 });
  return prepared.usable ? null : prepared.problem;
}

function prepareSecret(issuer: Issuer, secret: string): IssuerKey {
  if (secret === '') return unusable(issuer, 'hs256_secret is empty');
  // The secret is used as its UTF-8 bytes, as most issuers (and jwt.io) do.
  return { usable: true, issuer, key: new TextEncoder().encode(secret), algorithms: ['HS256'] };
}

function preparePublicKey(issuer: Issuer, pem: string): IssuerKey {
  // createPublicKey would quietly derive a public key from a private one; refuse instead,
  // because a private key pasted here is a leak the operator must hear about.
  if (pem.includes('PRIVATE KEY')) return unusable(issuer, 'public_key_pem holds a private key');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return unusable(issuer, 'public_key_pem is not a valid pem public key');
  }
  const algorithm = algorithmOf(key);
  if (algorithm === undefined) {
    return unusable(issuer, `public_key_pem: key type \`${describeKeyType(key)}\` is not rsa, ec p-256 or ed25519`);
  }
  return { usable: true, issuer, key, algorithms: [algorithm] };
}

/** The one algorithm a public key may verify: RSA → RS256, EC P-256 → ES256, Ed25519 → EdDSA. */
function algorithmOf(key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

function describeKeyType(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined ? String(key.asymmetricKeyType) : `${String(key.asymmetricKeyType)} ${curve}`;
}

function prepareJwks(issuer: Issuer, url: string, jwks: JwksOptions): IssuerKey {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return unusable(issuer, 'jwks_url is not a valid url');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return unusable(issuer, 'jwks_url must be http or https');
  }
  // jose caches the key set and refetches it when a token names an unknown `kid`.
  const getKey = createRemoteJWKSet(parsed, { cooldownDuration: jwks.cooldownMs, timeoutDuration: jwks.timeoutMs });
  return { usable: true, issuer, key: getKey, algorithms: JWKS_ALGORITHMS };
}

function unusable(issuer: Issuer, problem: string): IssuerKey {
  return { usable: false, issuer, problem };
}
