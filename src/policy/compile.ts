// Compile once per bundle, so decide() never scans every policy.
//
//   byHost    "api.example.com" ─► [p7, p2]        exact names and IP literals
//   bySuffix  "example.com"     ─► [p9, p4, p1]    from `*.example.com`
//   anyHost                     ─► [p3, p5]        policies without a domains rule
//
// and each list is split again by identity rule (policy-list.ts), so the policies of other
// agents and teams are never read.
//
// A request for a.b.example.com reads byHost["a.b.example.com"], bySuffix["b.example.com"],
// bySuffix["example.com"], bySuffix["com"] and anyHost: at most one map lookup per label.
// Only suffixes with as many labels as some wildcard has are looked up (suffixLabelCounts):
// with wildcards like `*.example.com` alone, `b.example.com` and `com` are skipped. In a big
// index each lookup is a cache miss, so this is most of what keeps a decision's cost flat.
// INVARIANT: every list is sorted in decision order (comparePolicies), so the first
// policy in a list that matches is that list's best, and the answer is the best of those.

import type { Policy, PolicyAction, PolicyDecision } from '../core/index.js';
import { checkPolicy } from './check-policy.js';
import { parseDomainRule } from './host.js';
import { PolicyList } from './policy-list.js';

export interface PolicyIndex {
  /** How many enabled policies the index holds. */
  readonly size: number;
}

export interface CompiledPolicy {
  readonly id: string;
  readonly priority: number;
  readonly action: PolicyAction;
  /** null = selector absent = any value. */
  readonly agents: ReadonlySet<string> | null;
  readonly teams: ReadonlySet<string> | null;
  readonly projects: ReadonlySet<string> | null;
  readonly environments: ReadonlySet<string> | null;
  readonly methods: ReadonlySet<string> | null;
  readonly pathPrefixes: readonly string[] | null;
  readonly ports: ReadonlySet<number> | null;
  /** Has a method or path rule, which a CONNECT tunnel cannot enforce. */
  readonly restricted: boolean;
  /** Built here so decide() returns it without allocating. */
  readonly decision: PolicyDecision;
}

interface IndexParts {
  readonly size: number;
  readonly byHost: ReadonlyMap<string, PolicyList>;
  readonly bySuffix: ReadonlyMap<string, PolicyList>;
  /** Bit n (labelCountBit) set: some bySuffix key has n labels. */
  readonly suffixLabelCounts: number;
  readonly anyHost: PolicyList;
}

export class CompiledPolicyIndex implements PolicyIndex, IndexParts {
  readonly size: number;
  readonly byHost: ReadonlyMap<string, PolicyList>;
  readonly bySuffix: ReadonlyMap<string, PolicyList>;
  readonly suffixLabelCounts: number;
  readonly anyHost: PolicyList;

  constructor(parts: IndexParts) {
    this.size = parts.size;
    this.byHost = parts.byHost;
    this.bySuffix = parts.bySuffix;
    this.suffixLabelCounts = parts.suffixLabelCounts;
    this.anyHost = parts.anyHost;
  }
}

/** Decision order: priority descending, deny before allow, then policy_id ascending.
 *  Plain `<` compares UTF-16 code units; policy ids are ASCII, so that is byte order. */
export function comparePolicies(a: CompiledPolicy, b: CompiledPolicy): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  if (a.action !== b.action) return a.action === 'deny' ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function setOrNull<T>(values: readonly T[] | undefined, map: (value: T) => T = (value) => value): ReadonlySet<T> | null {
  return values === undefined ? null : new Set(values.map(map));
}

function compileOne(policy: Policy): CompiledPolicy {
  const { match, policy_id: id, action } = policy;
  const reason = action === 'allow' ? `allowed by policy \`${id}\`` : `denied by policy \`${id}\``;
  return {
    id,
    priority: policy.priority,
    action,
    agents: setOrNull(match.agents),
    teams: setOrNull(match.teams),
    projects: setOrNull(match.projects),
    environments: setOrNull(match.environments),
    methods: setOrNull(match.methods, (method) => method.toUpperCase()),
    pathPrefixes: match.path_prefixes === undefined ? null : [...match.path_prefixes],
    ports: setOrNull(match.ports),
    restricted: match.methods !== undefined || match.path_prefixes !== undefined,
    decision: Object.freeze({ decision: action, policy_id: id, reason }),
  };
}

function addTo(lists: Map<string, CompiledPolicy[]>, key: string, policy: CompiledPolicy): void {
  const list = lists.get(key);
  // A policy's domains are added one after another, so a repeat (`a.com` and `A.com.`) is the last entry.
  if (list === undefined) lists.set(key, [policy]);
  else if (list[list.length - 1] !== policy) list.push(policy);
}

function checkedEnabled(policies: readonly Policy[]): Policy[] {
  const seen = new Set<string>();
  for (const policy of policies) {
    // INVARIANT: ids are unique, or the decision order (and so the answer) would depend on input order.
    if (seen.has(policy.policy_id)) throw new TypeError(`compile policies: policy \`${policy.policy_id}\` appears twice`);
    seen.add(policy.policy_id);
  }
  const enabled = policies.filter((policy) => policy.enabled);
  for (const policy of enabled) {
    const problem = checkPolicy(policy);
    if (problem !== null) throw new TypeError(`compile policies: policy \`${policy.policy_id}\`: ${problem}`);
  }
  return enabled;
}

/** Throws a TypeError for a duplicate policy_id or an enabled policy that fails checkPolicy:
 *  both are ruled out before a bundle is published or accepted. Disabled policies are dropped. */
export function compilePolicies(policies: readonly Policy[]): PolicyIndex {
  const enabled = checkedEnabled(policies);
  const byHost = new Map<string, CompiledPolicy[]>();
  const bySuffix = new Map<string, CompiledPolicy[]>();
  const anyHost: CompiledPolicy[] = [];
  for (const policy of enabled) {
    const compiled = compileOne(policy);
    if (policy.match.domains === undefined) anyHost.push(compiled);
    for (const domain of policy.match.domains ?? []) {
      const rule = parseDomainRule(domain);
      if ('error' in rule) continue; // unreachable: checkPolicy accepted every domain
      if (rule.kind === 'exact') addTo(byHost, rule.host, compiled);
      else addTo(bySuffix, rule.suffix, compiled);
    }
  }
  return new CompiledPolicyIndex({
    size: enabled.length,
    byHost: splitByIdentity(byHost),
    bySuffix: splitByIdentity(bySuffix),
    suffixLabelCounts: labelCountMask(bySuffix.keys()),
    anyHost: new PolicyList(anyHost.sort(comparePolicies)),
  });
}

/** A name's label count as one bit; 31 labels or more share bit 31, which is then always looked up. */
export function labelCountBit(labels: number): number {
  return 1 << Math.min(labels, 31);
}

function labelCountMask(names: Iterable<string>): number {
  let mask = 0;
  for (const name of names) mask |= labelCountBit(name.split('.').length);
  return mask;
}

function splitByIdentity(lists: Map<string, CompiledPolicy[]>): Map<string, PolicyList> {
  const split = new Map<string, PolicyList>();
  for (const [key, list] of lists) split.set(key, new PolicyList(list.sort(comparePolicies)));
  return split;
}
