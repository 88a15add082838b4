// Builds the parts of a bundle from the store. Everything is sorted by id so the same
// registry always gives the same content hash.

import type { BundleAgent, BundleContent, Issuer, KeyHash, Policy, Quota } from '../core/index.js';
import type { ApiKeyRecord, IssuerRecord, PolicyRecord, Store } from '../store/index.js';

export function bundlePolicy(record: PolicyRecord): Policy {
  const { policy_id, version, match, action, priority, enabled, description } = record;
  return { policy_id, version, match, action, priority, enabled, ...(description === null ? {} : { description }) };
}

export async function enabledDraftPolicies(store: Store): Promise<Policy[]> {
  const drafts = await store.policies.listAll();
  return drafts.filter((draft) => draft.enabled).map(bundlePolicy);
}

/** Agents, issuers and quotas as the store has them now; expired keys are left out. */
export async function registryContent(store: Store, nowMs: number): Promise<Omit<BundleContent, 'policies'>> {
  const [agents, keys, issuers, quotas] = await Promise.all([
    store.agents.listAll(),
    store.keys.listAll(),
    store.issuers.listAll(),
    store.quotas.listAll(),
  ]);
  const keysByAgent = groupLiveKeys(keys, nowMs);
  return {
    agents: agents.map(
      (agent): BundleAgent => ({
        agent_id: agent.agent_id,
        team_id: agent.team_id,
        project_id: agent.project_id,
        environment: agent.environment,
        auth_type: agent.auth_type,
        status: agent.status,
        key_hashes: keysByAgent.get(agent.agent_id) ?? [],
      }),
    ),
    issuers: issuers.map(bundleIssuer),
    quotas: quotas.map(({ agent_id, rps_limit, rpm_limit, mode }): Quota => ({ agent_id, rps_limit, rpm_limit, mode })),
  };
}

function groupLiveKeys(keys: readonly ApiKeyRecord[], nowMs: number): Map<string, KeyHash[]> {
  const byAgent = new Map<string, KeyHash[]>();
  for (const key of keys) {
    if (key.expires_at !== null && Date.parse(key.expires_at) <= nowMs) continue;
    const list = byAgent.get(key.agent_id) ?? [];
    list.push({ hash: key.hash, expires_at: key.expires_at });
    byAgent.set(key.agent_id, list);
  }
  return byAgent;
}

function bundleIssuer(record: IssuerRecord): Issuer {
  const { id, issuer, audience, jwks_url, public_key_pem, hs256_secret } = record;
  return {
    id,
    issuer,
    audience,
    ...(jwks_url === null ? {} : { jwks_url }),
    ...(public_key_pem === null ? {} : { public_key_pem }),
    ...(hs256_secret === null ? {} : { hs256_secret }),
  };
}
