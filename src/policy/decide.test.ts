// The index against the rule itself: a 10,000-policy bundle, and random bundles checked
// against a reference that scans every policy in decision order (correctness only, no timing).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Destination, Identity, Policy, PolicyDecision, PolicyMatch } from '../core/index.js';
import { compilePolicies, decide, destinationFromUrl } from './index.js';

const IDENTITY: Identity = {
  agent_id: 'agent-a',
  team_id: 'team-a',
  project_id: 'proj-a',
  environment: 'prod',
  auth_type: 'api_key',
  status: 'active',
};

function policy(policy_id: string, fields: Partial<Policy> & { match: PolicyMatch }): Policy {
  return { policy_id, version: 1, action: 'allow', priority: 0, enabled: true, ...fields };
}

function get(url: string, method = 'GET'): Destination {
  const result = destinationFromUrl(method, url);
  if (!result.ok) throw new Error(result.error);
  return result.destination;
}

function tunnel(host: string, port = 443): Destination {
  return { scheme: 'https', host, port, method: 'CONNECT', path: '' };
}

describe('the index on 10,000 policies with distinct domains', () => {
  const policies = Array.from({ length: 10_000 }, (_, i) =>
    policy(`p-${String(i).padStart(5, '0')}`, {
      action: i % 3 === 0 ? 'deny' : 'allow',
      priority: i % 7,
      match: { domains: i % 2 === 0 ? [`svc-${i}.example.com`] : [`*.zone-${i}.example.net`] },
    }),
  );
  const index = compilePolicies(policies);

  test('the size counts every enabled policy', () => assert.equal(index.size, 10_000));

  const cases: ReadonlyArray<readonly [string, string, PolicyDecision]> = [
    ['the first exact name', 'http://svc-0.example.com/', { decision: 'deny', policy_id: 'p-00000', reason: 'denied by policy `p-00000`' }],
    ['an exact name in the middle', 'http://svc-5000.example.com/', { decision: 'allow', policy_id: 'p-05000', reason: 'allowed by policy `p-05000`' }],
    ['the last exact name', 'http://svc-9998.example.com/', { decision: 'allow', policy_id: 'p-09998', reason: 'allowed by policy `p-09998`' }],
    ['a subdomain of a wildcard', 'http://a.zone-9999.example.net/', { decision: 'deny', policy_id: 'p-09999', reason: 'denied by policy `p-09999`' }],
    ['a deep subdomain of a wildcard', 'http://x.y.zone-1.example.net/', { decision: 'allow', policy_id: 'p-00001', reason: 'allowed by policy `p-00001`' }],
    ['the apex of a wildcard', 'http://zone-1.example.net/', { decision: 'deny', policy_id: 'default-deny', reason: 'no policy matches' }],
    ['a name no policy lists', 'http://svc-1.example.com/', { decision: 'deny', policy_id: 'default-deny', reason: 'no policy matches' }],
  ];
  for (const [name, url, expected] of cases) {
    test(`${name} gets its own policy`, () => assert.deepEqual({ ...decide(index, IDENTITY, get(url)) }, expected));
  }
});

describe('decide() and compilePolicies()', () => {
  test('a plain request returns the decision built at compile time, without allocating a new one', () => {
    const index = compilePolicies([policy('p-1', { match: { domains: ['a.example.com'] } })]);
    const first = decide(index, IDENTITY, get('http://a.example.com/'));
    assert.equal(decide(index, IDENTITY, get('http://a.example.com/x')), first);
    assert.ok(Object.isFrozen(first));
  });

  test('a wildcard of any length matches, and only names under it', () => {
    const deep = Array.from({ length: 32 }, (_, i) => `l${i}`).join('.');
    const index = compilePolicies([
      policy('deep', { match: { domains: [`*.${deep}`] } }),
      policy('short', { match: { domains: ['*.example.com'] } }),
    ]);
    assert.equal(decide(index, IDENTITY, get(`http://a.b.${deep}/`)).policy_id, 'deep');
    assert.equal(decide(index, IDENTITY, get(`http://a.l31.l30/`)).policy_id, 'default-deny');
    assert.equal(decide(index, IDENTITY, get('http://x.y.example.com/')).policy_id, 'short');
    assert.equal(decide(index, IDENTITY, get('http://example.com/')).policy_id, 'default-deny');
  });

  test('wildcards of different lengths are all found, at any depth of the host', () => {
    const index = compilePolicies([
      policy('tld', { match: { domains: ['*.com'] } }),
      policy('three', { priority: 2, action: 'deny', match: { domains: ['*.b.example.com'] } }),
      policy('ip', { priority: 3, match: { domains: ['10.0.0.1'] } }),
    ]);
    assert.equal(decide(index, IDENTITY, get('http://a.b.example.com/')).policy_id, 'three');
    assert.equal(decide(index, IDENTITY, get('http://x.y.z.b.example.com/')).policy_id, 'three');
    assert.equal(decide(index, IDENTITY, get('http://b.example.com/')).policy_id, 'tld');
    assert.equal(decide(index, IDENTITY, get('http://a.example.com/')).policy_id, 'tld');
    assert.equal(decide(index, IDENTITY, get('http://example.org/')).policy_id, 'default-deny');
    assert.equal(decide(index, IDENTITY, get('http://10.0.0.1/')).policy_id, 'ip');
    assert.equal(decide(index, IDENTITY, tunnel('a.b.example.com')).policy_id, 'three');
    assert.equal(decide(index, IDENTITY, tunnel('a.example.com')).policy_id, 'tld');
  });

  test('policies with equal selectors keep their own answers', () => {
    const index = compilePolicies([
      policy('get-a', { match: { domains: ['a.example.com'], methods: ['get', 'HEAD'], teams: ['team-a'] } }),
      policy('get-b', { priority: 1, action: 'deny', match: { domains: ['b.example.com'], methods: ['HEAD', 'GET'], teams: ['team-a'] } }),
    ]);
    assert.equal(decide(index, IDENTITY, get('http://a.example.com/')).policy_id, 'get-a');
    assert.equal(decide(index, IDENTITY, get('http://b.example.com/')).decision, 'deny');
    assert.equal(decide(index, IDENTITY, get('http://b.example.com/', 'POST')).policy_id, 'default-deny');
    assert.equal(decide(index, { ...IDENTITY, team_id: 'team-b' }, get('http://a.example.com/')).policy_id, 'default-deny');
  });

  test('disabled policies are not counted in the size', () => {
    const index = compilePolicies([policy('on', { match: {} }), policy('off', { enabled: false, match: {} })]);
    assert.equal(index.size, 1);
  });

  test('a duplicate policy_id is refused at compile time', () => {
    const twice = [policy('p-1', { match: {} }), policy('p-1', { enabled: false, match: {} })];
    assert.throws(() => compilePolicies(twice), { name: 'TypeError', message: 'compile policies: policy `p-1` appears twice' });
  });

  test('an enabled policy that fails checkPolicy is refused at compile time', () => {
    const bad = [policy('p-1', { match: { domains: ['*example.com'] } })];
    assert.throws(() => compilePolicies(bad), {
      message: 'compile policies: policy `p-1`: match.domains: `*example.com` is not a valid wildcard',
    });
  });

  test('an index not made by compilePolicies is refused', () => {
    assert.throws(() => decide({ size: 0 }, IDENTITY, get('http://a.example.com/')), { name: 'TypeError' });
  });
});

// ---- reference: the rule read straight from SPEC §3, scanning every policy ----

function compareReference(a: Policy, b: Policy): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.action !== b.action) return a.action === 'deny' ? -1 : 1;
  return a.policy_id < b.policy_id ? -1 : a.policy_id > b.policy_id ? 1 : 0;
}

function domainHolds(domains: readonly string[] | undefined, host: string): boolean {
  if (domains === undefined) return true;
  return domains.some((domain) => (domain.startsWith('*.') ? host.endsWith(domain.slice(1)) : host === domain));
}

function tunnelHolds(p: Policy, identity: Identity, destination: Destination): boolean {
  const m = p.match;
  return (
    p.enabled &&
    (m.agents === undefined || m.agents.includes(identity.agent_id)) &&
    (m.teams === undefined || m.teams.includes(identity.team_id)) &&
    (m.projects === undefined || m.projects.includes(identity.project_id)) &&
    (m.environments === undefined || m.environments.includes(identity.environment)) &&
    domainHolds(m.domains, destination.host) &&
    (m.ports === undefined || m.ports.includes(destination.port))
  );
}

function requestHolds(p: Policy, identity: Identity, destination: Destination): boolean {
  const m = p.match;
  return (
    tunnelHolds(p, identity, destination) &&
    (m.methods === undefined || m.methods.includes(destination.method)) &&
    (m.path_prefixes === undefined || m.path_prefixes.some((prefix) => destination.path.startsWith(prefix)))
  );
}

function named(p: Policy | undefined): string {
  return p === undefined ? 'default-deny' : `${p.action}:${p.policy_id}`;
}

function referenceDecision(policies: readonly Policy[], identity: Identity, destination: Destination): string {
  const ordered = [...policies].sort(compareReference);
  if (destination.method !== 'CONNECT') return named(ordered.find((p) => requestHolds(p, identity, destination)));
  let restrictedAllow: Policy | undefined;
  for (const p of ordered.filter((candidate) => tunnelHolds(candidate, identity, destination))) {
    const restricted = p.match.methods !== undefined || p.match.path_prefixes !== undefined;
    if (restricted && p.action === 'deny') return `tunnel:${p.policy_id}`;
    if (restricted) restrictedAllow ??= p;
    else if (p.action === 'allow') return named(p);
    else return restrictedAllow === undefined ? named(p) : `tunnel:${restrictedAllow.policy_id}`;
  }
  return restrictedAllow === undefined ? 'default-deny' : `tunnel:${restrictedAllow.policy_id}`;
}

function summary(decision: PolicyDecision): string {
  if (decision.policy_id === 'default-deny') return 'default-deny';
  return decision.reason.startsWith('connect to') ? `tunnel:${decision.policy_id}` : `${decision.decision}:${decision.policy_id}`;
}

// ---- random bundles ----

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const HOSTS = ['a.example.com', 'b.a.example.com', 'c.b.a.example.com', 'example.com', 'x.example.org', 'evilexample.com'];
const RULES = ['a.example.com', '*.example.com', '*.a.example.com', 'example.com', '*.example.org', 'x.example.org', '*.com'];

function randomPolicy(i: number, pick: <T>(items: readonly T[]) => T, chance: (p: number) => boolean): Policy {
  const match: Record<string, unknown> = {};
  if (chance(0.7)) match.domains = [...new Set([pick(RULES), pick(RULES)])];
  if (chance(0.3)) match.methods = [pick(['GET', 'POST'])];
  if (chance(0.3)) match.path_prefixes = [pick(['/a', '/a/b', '/c'])];
  if (chance(0.3)) match.ports = [pick([443, 80])];
  if (chance(0.3)) match.agents = [...new Set([pick(['agent-a', 'agent-b', 'agent-d']), pick(['agent-a', 'agent-b'])])];
  if (chance(0.2)) match.teams = [...new Set([pick(['team-a', 'team-b']), pick(['team-a', 'team-b', 'team-d'])])];
  if (chance(0.2)) match.projects = [pick(['proj-a', 'proj-b'])];
  if (chance(0.2)) match.environments = [pick(['dev', 'prod'])];
  const action = chance(0.5) ? 'deny' : 'allow';
  return policy(`r-${i}`, { action, priority: pick([0, 1, 2]), enabled: chance(0.9), match });
}

describe('the index agrees with a scan of every policy', () => {
  for (const seed of [3, 5, 8, 13, 21, 34, 55, 89, 144, 233]) {
    test(`random bundle ${seed}: every request and tunnel gets the reference decision`, () => {
      const random = seededRandom(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const chance = (p: number): boolean => random() < p;
      // 8 policies give a host a policy or two; 40 and 200 give lists long enough to be split
      // by identity rule (PolicyList, policy-list.ts), with several values to a rule.
      const policies = Array.from({ length: [8, 40, 200][seed % 3] as number }, (_, i) => randomPolicy(i, pick, chance));
      const index = compilePolicies(policies);
      for (let n = 0; n < 400; n++) {
        const identity = {
          ...IDENTITY,
          // agent-c and team-c: values no rule names.
          agent_id: pick(['agent-a', 'agent-b', 'agent-c']),
          team_id: pick(['team-a', 'team-b', 'team-c']),
          project_id: pick(['proj-a', 'proj-b']),
          environment: pick(['dev', 'prod']),
        };
        const host = pick(HOSTS);
        const destination = chance(0.3)
          ? tunnel(host, pick([443, 80]))
          : get(`${pick(['http', 'https'])}://${host}${pick(['/a', '/a/b/c', '/c', '/'])}`, pick(['GET', 'POST', 'PUT']));
        const expected = referenceDecision(policies, identity, destination);
        assert.equal(summary(decide(index, identity, destination)), expected, JSON.stringify({ identity, destination }));
      }
    });
  }
});
