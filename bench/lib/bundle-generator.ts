// A deterministic, realistic bundle for the benchmarks: agents spread over teams, projects and
// environments; policies mixing exact domains, `*.wildcard` domains, path prefixes, methods,
// ports and identity selectors; a quota for every agent. The same seed gives the same bundle.
//
// Pools grow with the policy count (an organisation with 10,000 policies also has more
// domains and teams than one with 100), so a bigger bundle has about as many policies per
// host, not 100 times as many. That is the assumption behind "decide() must not grow with
// the policy count": what it must not do is scan policies that cannot match.

import type { Destination, Identity, PolicyMatch } from '../../src/core/index.js';
import { SeededRandom } from './random.js';

export interface GeneratedAgent {
  readonly agent_id: string;
  readonly team_id: string;
  readonly project_id: string;
  readonly environment: string;
  readonly auth_type: 'api_key' | 'jwt';
}

/** The admin API's `POST /policies` body. */
export interface GeneratedPolicy {
  readonly policy_id: string;
  readonly action: 'allow' | 'deny';
  readonly priority: number;
  readonly match: PolicyMatch;
  readonly description: string;
}

export interface GeneratedQuota {
  readonly agent_id: string;
  readonly rps_limit: number;
  readonly rpm_limit: number;
  readonly mode: 'hard_stop' | 'alert_only';
}

export interface GeneratedBundle {
  readonly agents: readonly GeneratedAgent[];
  readonly policies: readonly GeneratedPolicy[];
  readonly quotas: readonly GeneratedQuota[];
  /** Hosts named exactly by some policy, and suffixes named by `*.suffix` rules. */
  readonly exactHosts: readonly string[];
  readonly wildcardSuffixes: readonly string[];
}

export interface BundleSpec {
  readonly seed: number;
  readonly agents: number;
  readonly policies: number;
}

/** The agent the load generators authenticate as. */
export const BENCH_AGENT: GeneratedAgent = {
  agent_id: 'bench-agent',
  team_id: 'team-000',
  project_id: 'project-000',
  environment: 'prod',
  auth_type: 'api_key',
};

// Quota limits are capped by the admin API (100,000 rps, 6,000,000 rpm): far above what two
// cores can push, so the bench agent is never limited, yet its quota is checked every time.
export const BENCH_QUOTA: GeneratedQuota = {
  agent_id: BENCH_AGENT.agent_id, rps_limit: 100_000, rpm_limit: 6_000_000, mode: 'hard_stop',
};

const ENVIRONMENTS = ['prod', 'staging', 'dev'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const PATH_PREFIXES = ['/v1', '/v2', '/api', '/repos', '/simple', '/uploads', '/graphql'];
const PORT_SETS = [[443], [80, 443], [8443], [443, 8443]];

/** Ranks above every generated policy, so the bench request is always allowed by it. */
export function benchPolicy(originPort: number): GeneratedPolicy {
  return {
    policy_id: 'bench-origin',
    action: 'allow',
    priority: 1_000,
    match: {
      agents: [BENCH_AGENT.agent_id],
      domains: ['127.0.0.1'],
      methods: ['GET'],
      ports: [originPort],
      path_prefixes: ['/1k', '/100k'],
    },
    description: 'the benchmark origin on loopback',
  };
}

/** The many-agents level's senders: agents of their own, apart from the generated bundle. */
export interface LoadAgents {
  readonly agents: readonly GeneratedAgent[];
  readonly quotas: readonly GeneratedQuota[];
  /** One per team, each allowing its team the origin, as a team's policy would. */
  readonly policies: readonly GeneratedPolicy[];
}

const LOAD_TEAMS = 20;
// Far above what one agent sends in that level (~c=50 throughput / agents: 60 req/s at 200
// agents), so no request is refused; but low enough that, unlike the bench agent's, each
// worker's lease of an agent's slots is small and runs dry between that agent's requests.
const LOAD_QUOTA = { rps_limit: 1_000, rpm_limit: 60_000, mode: 'hard_stop' } as const;

/**
 * `count` API-key agents spread over up to 20 teams, each with a quota, and a policy per team
 * allowing GET to the origin: audit events then differ in agent, team and policy as a real
 * fleet's do, and every agent's own quota state is checked.
 */
export function loadAgents(count: number, originPort: number): LoadAgents {
  const teams = Array.from({ length: Math.min(LOAD_TEAMS, count) }, (_, i) => `bench-load-team-${pad(i, 2)}`);
  const agents = Array.from({ length: count }, (_, i): GeneratedAgent => ({
    agent_id: `bench-load-${pad(i, 4)}`,
    team_id: teams[i % teams.length] as string,
    project_id: 'bench-load',
    environment: 'prod',
    auth_type: 'api_key',
  }));
  const policies = teams.map((team): GeneratedPolicy => ({
    policy_id: `${team}-origin`,
    action: 'allow',
    priority: benchPolicy(originPort).priority,
    match: { teams: [team], domains: ['127.0.0.1'], methods: ['GET'], ports: [originPort], path_prefixes: ['/1k', '/100k'] },
    description: `the benchmark origin for ${team}`,
  }));
  return { agents, quotas: agents.map((agent) => ({ agent_id: agent.agent_id, ...LOAD_QUOTA })), policies };
}

interface Pools {
  readonly teams: readonly string[];
  readonly projects: readonly string[];
  readonly baseDomains: readonly string[];
}

function makePools(spec: BundleSpec): Pools {
  const teamCount = Math.max(10, Math.ceil(spec.policies / 25));
  const domainCount = Math.max(50, Math.ceil(spec.policies * 0.6));
  return {
    teams: Array.from({ length: teamCount }, (_, i) => `team-${pad(i, 3)}`),
    projects: Array.from({ length: teamCount * 3 }, (_, i) => `project-${pad(i, 3)}`),
    baseDomains: Array.from({ length: domainCount }, (_, i) => `vendor-${i}.${i % 3 === 0 ? 'io' : 'com'}`),
  };
}

export function generateBundle(spec: BundleSpec): GeneratedBundle {
  const random = new SeededRandom(spec.seed);
  const pools = makePools(spec);
  const agents = generateAgents(spec.agents, pools, random);
  const exactHosts = new Set<string>();
  const wildcardSuffixes = new Set<string>();
  const policies = Array.from({ length: spec.policies }, (_, i) =>
    generatePolicy({ index: i, pools, agents, random, exactHosts, wildcardSuffixes }),
  );
  const quotas = agents.map((agent) => (agent === BENCH_AGENT ? BENCH_QUOTA : generateQuota(agent, random)));
  return { agents, policies, quotas, exactHosts: [...exactHosts], wildcardSuffixes: [...wildcardSuffixes] };
}

function generateAgents(count: number, pools: Pools, random: SeededRandom): GeneratedAgent[] {
  const agents: GeneratedAgent[] = [BENCH_AGENT];
  for (let i = 1; i < count; i++) {
    const teamIndex = random.int(0, pools.teams.length - 1);
    agents.push({
      agent_id: `agent-${pad(i, 4)}`,
      team_id: pools.teams[teamIndex] as string,
      // project j belongs to team j mod teams
      project_id: pools.projects[teamIndex + pools.teams.length * random.int(0, 2)] as string,
      environment: random.pick(ENVIRONMENTS),
      auth_type: random.chance(0.9) ? 'api_key' : 'jwt',
    });
  }
  return agents;
}

interface PolicyContext {
  readonly index: number;
  readonly pools: Pools;
  readonly agents: readonly GeneratedAgent[];
  readonly random: SeededRandom;
  readonly exactHosts: Set<string>;
  readonly wildcardSuffixes: Set<string>;
}

function generatePolicy(context: PolicyContext): GeneratedPolicy {
  const { random } = context;
  const identityOnly = random.chance(0.05);
  const match: Record<string, unknown> = identityOnly ? requiredSelector(context) : optionalSelector(context);
  if (!identityOnly) match.domains = generateDomains(context);
  if (random.chance(0.4)) match.methods = random.sample(METHODS, random.int(1, 3));
  if (random.chance(0.3)) match.path_prefixes = random.sample(PATH_PREFIXES, random.int(1, 3));
  if (random.chance(0.25)) match.ports = random.pick(PORT_SETS);
  const action = random.chance(0.2) ? 'deny' : 'allow';
  return {
    policy_id: `gen-${pad(context.index, 5)}`,
    action,
    priority: random.int(0, 400),
    match: match as PolicyMatch,
    description: `generated ${action} policy`,
  };
}

function generateDomains(context: PolicyContext): string[] {
  const { random, pools } = context;
  // A few policies name the loopback origin for other teams: the bench request meets them.
  if (random.chance(0.02)) return ['127.0.0.1'];
  const domains = new Set<string>();
  const count = random.int(1, 3);
  while (domains.size < count) {
    const base = random.pick(pools.baseDomains);
    if (random.chance(0.45)) {
      domains.add(`*.${base}`);
      context.wildcardSuffixes.add(base);
    } else {
      const host = random.chance(0.5) ? `api.${base}` : base;
      domains.add(host);
      context.exactHosts.add(host);
    }
  }
  return [...domains];
}

function optionalSelector(context: PolicyContext): Record<string, unknown> {
  const roll = context.random.next();
  if (roll < 0.25) return {};
  if (roll < 0.5) return { agents: agentSelector(context) };
  return requiredSelector(context);
}

function requiredSelector(context: PolicyContext): Record<string, unknown> {
  const { random, pools } = context;
  const roll = random.next();
  if (roll < 0.5) return { teams: random.sample(pools.teams, random.int(1, 2)) };
  if (roll < 0.8) return { projects: random.sample(pools.projects, random.int(1, 2)) };
  return { environments: random.sample(ENVIRONMENTS, 1), teams: random.sample(pools.teams, 1) };
}

function agentSelector(context: PolicyContext): string[] {
  const others = context.agents.slice(1); // never the bench agent: its own policy decides for it
  return context.random.sample(others, context.random.int(1, 5)).map((agent) => agent.agent_id);
}

function generateQuota(agent: GeneratedAgent, random: SeededRandom): GeneratedQuota {
  const rps = random.int(5, 200);
  return {
    agent_id: agent.agent_id,
    rps_limit: rps,
    rpm_limit: rps * random.int(10, 60),
    mode: random.chance(0.8) ? 'hard_stop' : 'alert_only',
  };
}

export interface DecisionRequest {
  readonly identity: Identity;
  readonly destination: Destination;
}

/** Requests as agents make them: mostly named hosts, some under wildcards, some unknown. */
export function generateRequestMix(bundle: GeneratedBundle, count: number, seed: number): DecisionRequest[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => ({
    identity: { ...random.pick(bundle.agents), status: 'active' as const },
    destination: {
      scheme: 'https' as const,
      host: pickHost(bundle, random),
      port: random.chance(0.85) ? 443 : 80,
      method: random.chance(0.7) ? 'GET' : random.pick(METHODS),
      path: `${random.pick(PATH_PREFIXES)}/items/${random.int(1, 999)}`,
    },
  }));
}

function pickHost(bundle: GeneratedBundle, random: SeededRandom): string {
  const roll = random.next();
  if (roll < 0.5 && bundle.exactHosts.length > 0) return random.pick(bundle.exactHosts);
  if (roll < 0.8 && bundle.wildcardSuffixes.length > 0) return `eu.api.${random.pick(bundle.wildcardSuffixes)}`;
  return `unknown-${random.int(1, 500)}.example.net`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
