import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock, Issuer } from '../core/index.js';
import { prepareIssuerKey, type IssuerKey, type JwksOptions } from './issuer-keys.js';
import {
  REASONS,
  algorithmNotAllowed,
  audienceMismatch,
  issuerKeyUnusable,
  jwtClaimInvalid,
  jwksUnavailable,
  jwtRejected,
  keyNotInJwks,
  unknownIssuer,
} from './reasons.js';

export interface JwtVerifierOptions {
  readonly issuers: readonly Issuer[];
  readonly clock: Clock;
  readonly clockSkewSeconds: number;
  readonly jwks: JwksOptions;
}

export type JwtVerification = { ok: true; payload: JWTPayload } | { ok: false; reason: string };

/** Checks signature, `iss`, `aud`, `exp` and `nbf` against the registered issuers. */
export class JwtVerifier {
  readonly #byIssuer = new Map<string, IssuerKey>();
  readonly #clock: Clock;
  readonly #clockSkewSeconds: number;

  constructor(options: JwtVerifierOptions) {
    this.#clock = options.clock;
    this.#clockSkewSeconds = options.clockSkewSeconds;
    for (const issuer of options.issuers) {
      // First registration of an `iss` wins; the control plane keeps them unique.
      if (!this.#byIssuer.has(issuer.issuer)) this.#byIssuer.set(issuer.issuer, prepareIssuerKey(issuer, options.jwks));
    }
  }

  async verify(token: string): Promise<JwtVerification> {
    const issuerKey = this.#findIssuerKey(token);
    if (!issuerKey.ok) return issuerKey;
    const entry = issuerKey.entry;
    if (!entry.usable) return failed(issuerKeyUnusable(entry.issuer.issuer, entry.problem));
    try {
      const { payload } = await jwtVerify(token, entry.key, {
        issuer: entry.issuer.issuer,
        audience: entry.issuer.audience,
        algorithms: [...entry.algorithms],
        clockTolerance: this.#clockSkewSeconds,
        currentDate: new Date(this.#clock.now()),
        requiredClaims: ['exp'],
      });
      return { ok: true, payload };
    } catch (error) {
      return failed(reasonForRejection(error, { token, entry }));
    }
  }

  /** `iss` is read unverified only to choose the key; jwtVerify then checks it. */
  #findIssuerKey(token: string): { ok: true; entry: IssuerKey } | { ok: false; reason: string } {
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      return failed(REASONS.jwtMalformed);
    }
    if (typeof payload.iss !== 'string') return failed(REASONS.jwtNoIssuer);
    const entry = this.#byIssuer.get(payload.iss);
    return entry === undefined ? failed(unknownIssuer(payload.iss)) : { ok: true, entry };
  }
}

const JWKS_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/** Map a jose error to a stable reason; jose's own messages never reach the reason. */
function reasonForRejection(error: unknown, context: { token: string; entry: IssuerKey }): string {
  const issuer = context.entry.issuer.issuer;
  if (error instanceof errors.JWTExpired) return REASONS.jwtExpired;
  if (error instanceof errors.JWTClaimValidationFailed) return reasonForClaim(error, issuer);
  if (error instanceof errors.JWSSignatureVerificationFailed) return REASONS.jwtBadSignature;
  if (error instanceof errors.JOSEAlgNotAllowed) return algorithmNotAllowed(algorithmOf(context.token), issuer);
  if (error instanceof errors.JWKSNoMatchingKey) return keyNotInJwks(issuer);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return REASONS.jwtMalformed;
  const fromJwks = context.entry.issuer.jwks_url !== undefined;
  // A failed fetch surfaces as a plain TypeError from fetch, without a jose code.
  const code = error instanceof errors.JOSEError ? error.code : 'fetch';
  if (fromJwks && (code === 'fetch' || JWKS_FAILURES.has(code))) return jwksUnavailable(issuer);
  return jwtRejected(issuer);
}

function reasonForClaim(error: errors.JWTClaimValidationFailed, issuer: string): string {
  if (error.claim === 'nbf') return REASONS.jwtNotYetValid;
  if (error.claim === 'aud') return audienceMismatch(issuer);
  if (error.claim === 'exp' && error.reason === 'missing') return REASONS.jwtNoExpiry;
  return jwtClaimInvalid(error.claim);
}

function algorithmOf(token: string): string {
  try {
    const alg = decodeProtectedHeader(token).alg;
    return typeof alg === 'string' ? alg : 'unknown';
  } catch {
    return 'unknown';
  }
}

function failed(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
