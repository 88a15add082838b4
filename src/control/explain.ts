// Dry run against the bundle in force: the same agent registry, compiled index and decide()
// the gateway uses, so the answer is what a real request would get from policy.

import { ClawgressError, type Identity, type SignedBundle } from '../core/index.js';
import { decide, destinationFromUrl, type PolicyIndex } from '../policy/index.js';
import type { ExplainInput, ExplainResult } from './types.js';
import { checkText, shown } from './validate.js';

export interface ExplainSource {
  readonly currentBundle: () => SignedBundle;
  readonly currentIndex: () => PolicyIndex;
}

export function explainDecision(source: ExplainSource, input: ExplainInput): ExplainResult {
  const agentId = checkText('agent_id', input.agent_id);
  const agent = source.currentBundle().content.agents.find((candidate) => candidate.agent_id === agentId);
  if (!agent) throw new ClawgressError('NOT_FOUND', `agent ${shown(agentId)} not found`);
  if (agent.status === 'disabled') {
    return { decision: 'deny', policy_id: null, reason: `agent ${shown(agentId)} is disabled` };
  }
  const parsed = destinationFromUrl(checkText('method', input.method), String(input.url));
  if (!parsed.ok) {
    throw new ClawgressError('VALIDATION', parsed.error, { field: parsed.error.split(':', 1)[0] ?? 'url' });
  }
  const identity: Identity = {
    agent_id: agent.agent_id,
    team_id: agent.team_id,
    project_id: agent.project_id,
    environment: agent.environment,
    auth_type: agent.auth_type,
    status: agent.status,
  };
  const { decision, policy_id, reason } = decide(source.currentIndex(), identity, parsed.destination);
  return { decision, policy_id, reason };
}
