import type { BundleAgent, Clock, Issuer } from '../core/index.js';
import { AgentRegistry } from './agent-registry.js';
import { unauthenticated, type IdentityResult } from './identity-result.js';
import { extractClaims, type VerifiedClaims } from './jwt-claims.js';
import { JwtVerifier } from './jwt-verifier.js';
import { parseProxyAuthorization } from './proxy-authorization.js';
import { REASONS } from './reasons.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface IdentityResolverOptions {
  agents: readonly BundleAgent[];
  issuers: readonly Issuer[];
  keyHashSecret: Buffer;
  clock: Clock;
  clockSkewSeconds?: number; // default 30 s
  jwtCacheSize?: number; // default 10_000 verified tokens
  /** Least time between JWKS refetches caused by an unknown `kid`; default 30_000 ms. */
  jwksCooldownMs?: number;
  /** JWKS fetch timeout; default 5_000 ms. */
  jwksTimeoutMs?: number;
}

const DEFAULT_CLOCK_SKEW_SECONDS = 30;
const DEFAULT_JWT_CACHE_SIZE = 10_000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
/** Proxy-Authorization values that admitted an API-key agent, remembered per bundle. */
const ADMITTED_KEY_CACHE_SIZE = 10_000;

interface AdmittedKey {
  readonly result: IdentityResult;
  readonly untilMs: number;
}

/** Built once per policy bundle (agents and issuers come from the bundle). */
export class IdentityResolver {
  readonly #agents: AgentRegistry;
  readonly #verifier: JwtVerifier;
  readonly #cache: VerifiedTokenCache;
  readonly #clock: Clock;
  readonly #clockSkewSeconds: number;
  // An admitted API key's header maps to its answer until the key expires, so a busy agent
  // pays the HMAC once per bundle, not per request. Only admissions enter (a wrong key is
  // hashed every time); the bundle's agents and keys cannot change under it, because a new
  // bundle builds a new resolver. It holds the keys callers present, as the request does.
  readonly #admittedKeys = new Map<string, AdmittedKey>();

  constructor(options: IdentityResolverOptions) {
    this.#clock = options.clock;
    this.#clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    this.#agents = new AgentRegistry(options.agents, options.keyHashSecret);
    this.#cache = new VerifiedTokenCache(options.jwtCacheSize ?? DEFAULT_JWT_CACHE_SIZE);
    this.#verifier = new JwtVerifier({
      issuers: options.issuers,
      clock: options.clock,
      clockSkewSeconds: this.#clockSkewSeconds,
      jwks: {
        cooldownMs: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
        timeoutMs: options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
      },
    });
  }

  /**
   * Synchronous when the answer is in memory (API keys, cached JWTs) so the hot path needs no
   * await; a Promise only when a JWT must be verified (jose is async).
   */
  resolve(header: string | undefined): IdentityResult | Promise<IdentityResult> {
    if (header !== undefined) {
      const admitted = this.#admittedKeys.get(header);
      if (admitted !== undefined && this.#clock.now() < admitted.untilMs) return admitted.result;
    }
    const parsed = parseProxyAuthorization(header);
    if (!parsed.ok) return unauthenticated(parsed.reason);
    const credential = parsed.credential;
    if (credential.kind === 'api_key') {
      const checked = this.#agents.checkApiKey(credential.agent_id, credential.key, this.#clock.now());
      if (checked.result.ok && header !== undefined) this.#rememberKey(header, checked);
      return checked.result;
    }
    const cached = this.#cache.get(credential.token);
    if (cached !== undefined) return this.#resolveCached(credential.token, cached);
    return this.#verifyAndBind(credential.token);
  }

  #rememberKey(header: string, admitted: AdmittedKey): void {
    this.#admittedKeys.delete(header);
    if (this.#admittedKeys.size >= ADMITTED_KEY_CACHE_SIZE) {
      const oldest = this.#admittedKeys.keys().next();
      if (oldest.done !== true) this.#admittedKeys.delete(oldest.value);
    }
    this.#admittedKeys.set(header, admitted);
  }

  #resolveCached(token: string, claims: VerifiedClaims): IdentityResult {
    if (this.#clock.now() >= claims.usableUntilMs) {
      this.#cache.delete(token);
      return unauthenticated(REASONS.jwtExpired);
    }
    return this.#agents.bindJwt(claims);
  }

  async #verifyAndBind(token: string): Promise<IdentityResult> {
    const verified = await this.#verifier.verify(token);
    if (!verified.ok) return unauthenticated(verified.reason);
    const extracted = extractClaims(verified.payload, this.#clockSkewSeconds);
    if (!extracted.ok) return unauthenticated(extracted.reason);
    // The token itself is good; the registry checks below run again on every cache hit.
    this.#cache.set(token, extracted.claims);
    return this.#agents.bindJwt(extracted.claims);
  }
}
