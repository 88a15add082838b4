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

/** Built once per policy bundle (agents and issuers come from the bundle). */
export class IdentityResolver {
  readonly #agents: AgentRegistry;
  readonly #verifier: JwtVerifier;
  readonly #cache: VerifiedTokenCache;
  readonly #clock: Clock;
  readonly #clockSkewSeconds: number;

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
    const parsed = parseProxyAuthorization(header);
    if (!parsed.ok) return unauthenticated(parsed.reason);
    const credential = parsed.credential;
    if (credential.kind === 'api_key') {
      return this.#agents.checkApiKey(credential.agent_id, credential.key, this.#clock.now());
    }
    const cached = this.#cache.get(credential.token);
    if (cached !== undefined) return this.#resolveCached(credential.token, cached);
    return this.#verifyAndBind(credential.token);
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
