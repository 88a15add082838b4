import type { AuthType, BundleAgent, Identity } from '../core/index.js';

export type IdentityResult =
  | { ok: true; identity: Identity }
  | { ok: false; outcome: 'unauthenticated'; reason: string }
  | { ok: false; outcome: 'disabled'; identity: Identity; reason: string };

export function unauthenticated(reason: string): IdentityResult {
  return { ok: false, outcome: 'unauthenticated', reason };
}

/** The canonical identity of a registered agent, with how it authenticated this time. */
export function identityOf(agent: BundleAgent, authType: AuthType): Identity {
  return {
    agent_id: agent.agent_id,
    team_id: agent.team_id,
    project_id: agent.project_id,
    environment: agent.environment,
    auth_type: authType,
    status: agent.status,
  };
}
