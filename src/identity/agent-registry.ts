import type { BundleAgent } from '../core/index.js';
import { compileKeyHashes, hashApiKey, liveKeyExpiry, type CompiledKeyHash } from './api-key.js';
import { identityOf, unauthenticated, type IdentityResult } from './identity-result.js';
import { PINNED_CLAIMS, type VerifiedClaims } from './jwt-claims.js';
import {
  agentDisabled,
  agentRejectsJwts,
  invalidApiKey,
  jwtClaimMismatch,
  unknownJwtAgent,
} from './reasons.js';

interface RegisteredAgent {
  readonly agent: BundleAgent;
  readonly keys: readonly CompiledKeyHash[];
}

/** The bundle's agents, indexed once, answering "who is this credential" synchronously. */
export class AgentRegistry {
  readonly #byId = new Map<string, RegisteredAgent>();
  readonly #keyHashSecret: Buffer;

  constructor(agents: readonly BundleAgent[], keyHashSecret: Buffer) {
    this.#keyHashSecret = keyHashSecret;
    for (const agent of agents) {
      this.#byId.set(agent.agent_id, { agent, keys: compileKeyHashes(agent.key_hashes) });
    }
  }

  /** The answer, and until when an admitting answer holds (the matched key's expiry). */
  checkApiKey(agentId: string, key: string, nowMs: number): { result: IdentityResult; untilMs: number } {
    // Hash before the lookup so an unknown agent costs the same as a wrong key.
    const digest = Buffer.from(hashApiKey(key, this.#keyHashSecret), 'hex');
    const registered = this.#byId.get(agentId);
    if (registered === undefined) return { result: unauthenticated(invalidApiKey(agentId)), untilMs: -Infinity };
    // A jwt agent answers like an unknown one, so the reason does not reveal that it exists.
    if (registered.agent.auth_type !== 'api_key') return { result: unauthenticated(invalidApiKey(agentId)), untilMs: -Infinity };
    const untilMs = liveKeyExpiry(digest, registered.keys, nowMs);
    if (untilMs === -Infinity) return { result: unauthenticated(invalidApiKey(agentId)), untilMs };
    return { result: admit(registered.agent, 'api_key'), untilMs };
  }

  /** Bind verified claims to a registered agent; run on every use, cached or not. */
  bindJwt(claims: VerifiedClaims): IdentityResult {
    const agent = this.#byId.get(claims.agent_id)?.agent;
    if (agent === undefined) return unauthenticated(unknownJwtAgent(claims.agent_id));
    if (agent.auth_type !== 'jwt') return unauthenticated(agentRejectsJwts(agent.agent_id));
    for (const claim of PINNED_CLAIMS) {
      const value = claims.pinned[claim];
      if (value !== undefined && value !== agent[claim]) {
        return unauthenticated(jwtClaimMismatch(claim, agent.agent_id));
      }
    }
    return admit(agent, 'jwt');
  }
}

/** Credentials are valid here; only now may the answer reveal that the agent is disabled. */
function admit(agent: BundleAgent, authType: 'api_key' | 'jwt'): IdentityResult {
  const identity = identityOf(agent, authType);
  if (agent.status !== 'active') {
    return { ok: false, outcome: 'disabled', identity, reason: agentDisabled(agent.agent_id) };
  }
  return { ok: true, identity };
}
