// decide(): synchronous, deterministic, and allocation-free on the plain-request path
// (it returns decision objects built at compile time).
//
// Rule (SPEC §3): among enabled policies whose match holds, the highest priority wins;
// at equal priority deny beats allow; then the lower policy_id. No match: default-deny.
//
// CONNECT rule. A tunnel shows only host and port, so a method or path restriction must
// never be bypassable through it: the tunnel is allowed only if EVERY inner request would
// be allowed. Walk the policies whose identity selectors, domain and port hold, in decision
// order. A policy is "restricted" when it has methods or path_prefixes.
//   - restricted deny reached    -> deny the tunnel, naming that policy (tunnel reason)
//   - restricted allow reached   -> remember the first one seen and go on: the inner
//                                   requests it covers are allowed, the others fall through
//   - unrestricted allow reached -> allow, naming it ("allowed by policy `ID`")
//   - unrestricted deny reached  -> a restricted allow was seen: deny with the tunnel reason
//                                   naming that first restricted allow; else "denied by policy `ID`"
//   - end of the list            -> a restricted allow was seen: deny with the tunnel reason
//                                   naming it; else default-deny
// Tunnel reason: "connect to `HOST:PORT`: policy `ID` restricts methods or paths, which a
// tunnel cannot enforce". src/policy/README.md states the same rule for operators.

import type { Destination, Identity, PolicyDecision } from '../core/index.js';
import { DEFAULT_DENY_ID } from './check-policy.js';
import { CompiledPolicyIndex, comparePolicies, labelCountBit, type CompiledPolicy, type PolicyIndex } from './compile.js';
import { formatAuthority } from './host.js';
import type { PolicyList } from './policy-list.js';

export const DEFAULT_DENY: PolicyDecision = Object.freeze({
  decision: 'deny',
  policy_id: DEFAULT_DENY_ID,
  reason: 'no policy matches',
});

function identityHolds(policy: CompiledPolicy, identity: Identity): boolean {
  return (
    (policy.agents === null || policy.agents.has(identity.agent_id)) &&
    (policy.teams === null || policy.teams.has(identity.team_id)) &&
    (policy.projects === null || policy.projects.has(identity.project_id)) &&
    (policy.environments === null || policy.environments.has(identity.environment))
  );
}

function pathHolds(prefixes: readonly string[] | null, path: string): boolean {
  if (prefixes === null) return true;
  for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
  return false;
}

/** The domain holds already: the policy came from the list for this host. */
function requestHolds(policy: CompiledPolicy, identity: Identity, destination: Destination): boolean {
  return (
    (policy.ports === null || policy.ports.has(destination.port)) &&
    (policy.methods === null || policy.methods.has(destination.method)) &&
    pathHolds(policy.pathPrefixes, destination.path) &&
    identityHolds(policy, identity)
  );
}

function better(a: CompiledPolicy | undefined, b: CompiledPolicy | undefined): CompiledPolicy | undefined {
  if (a === undefined) return b;
  return b === undefined || comparePolicies(a, b) <= 0 ? a : b;
}

function labelCount(host: string): number {
  let labels = 1;
  for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) labels++;
  return labels;
}

/** The wildcard list stored under the name after host's `dot`, a name of `labels` labels.
 *  `*.example.com` is stored under `example.com` and never matches the apex, so only the names
 *  after a host's dots are suffixes, never the host itself. A name shorter or longer than every
 *  wildcard's suffix is not looked up at all: in a big index a lookup is a cache miss, a bit
 *  test is not. */
function suffixListAfter(index: CompiledPolicyIndex, host: string, dot: number, labels: number): PolicyList | undefined {
  if ((index.suffixLabelCounts & labelCountBit(labels)) === 0) return undefined;
  return index.bySuffix.get(host.slice(dot + 1));
}

/** Calls visit with each wildcard list that can hold for host, from the longest suffix to the shortest. */
function forEachSuffixList(index: CompiledPolicyIndex, host: string, visit: (list: PolicyList) => void): void {
  let labels = labelCount(host);
  for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
    const list = suffixListAfter(index, host, dot, --labels);
    if (list !== undefined) visit(list);
  }
}

/** Calls visit with each candidate list for host: exact, then each parent suffix, then any-host. */
function forEachList(index: CompiledPolicyIndex, host: string, visit: (list: PolicyList | undefined) => void): void {
  visit(index.byHost.get(host));
  forEachSuffixList(index, host, visit);
  visit(index.anyHost);
}

function decideRequest(index: CompiledPolicyIndex, identity: Identity, destination: Destination): PolicyDecision {
  const { host } = destination;
  let best = better(
    index.byHost.get(host)?.best(identity, destination, requestHolds, better),
    index.anyHost.best(identity, destination, requestHolds, better),
  );
  // The walk of forEachSuffixList, written out: a closure here would allocate per decision.
  let labels = labelCount(host);
  for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
    best = better(best, suffixListAfter(index, host, dot, --labels)?.best(identity, destination, requestHolds, better));
  }
  return best?.decision ?? DEFAULT_DENY;
}

function tunnelCandidates(index: CompiledPolicyIndex, identity: Identity, destination: Destination): CompiledPolicy[] {
  const found = new Set<CompiledPolicy>();
  forEachList(index, destination.host, (list) => {
    for (const policy of list?.forIdentity(identity) ?? []) {
      const portHolds = policy.ports === null || policy.ports.has(destination.port);
      if (portHolds && identityHolds(policy, identity)) found.add(policy);
    }
  });
  return [...found].sort(comparePolicies);
}

function tunnelDenial(policy: CompiledPolicy, destination: Destination): PolicyDecision {
  const authority = formatAuthority(destination.host, destination.port);
  const reason = `connect to \`${authority}\`: policy \`${policy.id}\` restricts methods or paths, which a tunnel cannot enforce`;
  return { decision: 'deny', policy_id: policy.id, reason };
}

function decideTunnel(index: CompiledPolicyIndex, identity: Identity, destination: Destination): PolicyDecision {
  let firstRestrictedAllow: CompiledPolicy | undefined;
  for (const policy of tunnelCandidates(index, identity, destination)) {
    if (policy.restricted && policy.action === 'deny') return tunnelDenial(policy, destination);
    if (policy.restricted) {
      firstRestrictedAllow ??= policy;
      continue;
    }
    if (policy.action === 'allow') return policy.decision;
    return firstRestrictedAllow === undefined ? policy.decision : tunnelDenial(firstRestrictedAllow, destination);
  }
  return firstRestrictedAllow === undefined ? DEFAULT_DENY : tunnelDenial(firstRestrictedAllow, destination);
}

function asCompiled(index: PolicyIndex): CompiledPolicyIndex {
  if (index instanceof CompiledPolicyIndex) return index;
  throw new TypeError('decide: index was not made by compilePolicies');
}

/** A CONNECT destination (method `CONNECT`) follows the tunnel rule above. */
export function decide(index: PolicyIndex, identity: Identity, destination: Destination): PolicyDecision {
  const compiled = asCompiled(index);
  return destination.method === 'CONNECT'
    ? decideTunnel(compiled, identity, destination)
    : decideRequest(compiled, identity, destination);
}
