// Dry run against the bundle in force: the same agent registry, compiled index and decide()
// the gateway uses, so the answer is what a real request would get from policy.

import { ClawgressError, type Destination, type SignedBundle } from '../core/index.js';
import { identityOf } from '../identity/index.js';
import { decide, destinationFromAuthority, destinationFromUrl, type PolicyIndex } from '../policy/index.js';
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
  const destination = destinationOf(String(input.method), String(input.url));
  const { decision, policy_id, reason } = decide(source.currentIndex(), identityOf(agent, agent.auth_type), destination);
  return { decision, policy_id, reason };
}

/**
 * CONNECT is explained as the gateway sees a tunnel: host and port only, given as
 * `host:port` or as a URL whose authority is taken. Other methods need an absolute URL.
 */
function destinationOf(method: string, url: string): Destination {
  const parsed =
    method.toUpperCase() === 'CONNECT' ? destinationFromAuthority(authorityOf(url)) : destinationFromUrl(method, url);
  if (!parsed.ok) {
    // The destination parser names the part at fault before the first colon; an authority is the url here.
    const field = parsed.error.startsWith('method') ? 'method' : 'url';
    throw new ClawgressError('VALIDATION', parsed.error, { field });
  }
  return parsed.destination;
}

function authorityOf(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'http:' ? '80' : '443') : parsed.port;
    return `${parsed.hostname}:${port}`;
  } catch {
    return url;
  }
}
