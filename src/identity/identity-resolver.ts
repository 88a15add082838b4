import type { BundleAgent, Clock, Issuer } from '../core/index.js';
import { AdmissionCache, type Admission } from './admission-cache.js';
import { AgentRegistry } from './agent-registry.js';
import { unauthenticated, type IdentityResult } from './identity-result.js';
import { extractClaims } from './jwt-claims.js';
import { JwtVerifier } from './jwt-verifier.js';
import { parseProxyAuthorization } from './proxy-authorization.js';
import { REASONS } from './reasons.js';

export interface IdentityResolverOptions {
  agents: readonly BundleAgent[];
  issuers: readonly Issuer[];
  keyHashSecret: Buffer;
  clock: Clock;
  clockSkewSeconds?: number; // default 30 s
  jwtCacheSize?: number; // default 10_000 headers with a verified token
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

/** Built once per policy bundle (agents and issuers come from the bundle). */
export class IdentityResolver {
  readonly #agents: AgentRegistry;
  readonly #verifier: JwtVerifier;
  readonly #clock: Clock;
  readonly #clockSkewSeconds: number;
  // Both caches map a header to its answer until the key or token expires, so a busy agent
  // pays the HMAC or the JWT signature once per bundle and the header's parsing never again.
  // An admitted API key: only admissions enter (a wrong key is hashed every time).
  readonly #admittedKeys = new AdmissionCache(ADMITTED_KEY_CACHE_SIZE);
  // A verified token, with what the registry said of its agent (admitted, disabled, unknown,
  // or a pinned claim that differs): the bundle's agents cannot change under a resolver.
  readonly #verifiedTokens: AdmissionCache;

  constructor(options: IdentityResolverOptions) {
    this.#clock = options.clock;
    this.#clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    this.#agents = new AgentRegistry(options.agents, options.keyHashSecret);
    this.#verifiedTokens = new AdmissionCache(options.jwtCacheSize ?? DEFAULT_JWT_CACHE_SIZE);
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
    // No header: the caches are keyed by one, and the parser would refuse it for this reason.
    if (header === undefined) return unauthenticated(REASONS.headerMissing);
    const key = this.#admittedKeys.get(header);
    if (key !== undefined && this.#clock.now() < key.untilMs) return key.result;
    const verified = this.#verifiedTokens.get(header);
    if (verified !== undefined) return this.#resolveVerified(header, verified);
    const parsed = parseProxyAuthorization(header);
    if (!parsed.ok) return unauthenticated(parsed.reason);
    const credential = parsed.credential;
    if (credential.kind === 'api_key') {
      const checked = this.#agents.checkApiKey(credential.agent_id, credential.key, this.#clock.now());
      if (checked.result.ok) this.#admittedKeys.set(header, checked);
      return checked.result;
    }
    return this.#verifyAndBind(header, credential.token);
  }

  #resolveVerified(header: string, verified: Admission): IdentityResult {
    if (this.#clock.now() >= verified.untilMs) {
      this.#verifiedTokens.delete(header);
      return unauthenticated(REASONS.jwtExpired);
    }
    return verified.result;
  }

  async #verifyAndBind(header: string, token: string): Promise<IdentityResult> {
    const verified = await this.#verifier.verify(token);
    if (!verified.ok) return unauthenticated(verified.reason);
    const extracted = extractClaims(verified.payload, this.#clockSkewSeconds);
    if (!extracted.ok) return unauthenticated(extracted.reason);
    // The token itself is good: whatever the registry says of its agent holds for this bundle.
    const result = this.#agents.bindJwt(extracted.claims);
    this.#verifiedTokens.set(header, { result, untilMs: extracted.claims.usableUntilMs });
    return result;
  }
}
