// One candidate list of the index (a host's, a wildcard suffix's, or the no-domain list),
// split by each policy's most selective identity rule, so decide() reads only the parts that
// can hold for the caller, not every policy that names the host:
//
//   byAgent        "agent-7" ─► [p3, p9]   policies with an `agents` rule, under each agent named
//   byTeam         "team-a"  ─► [p4]       no agents rule, a `teams` rule
//   byProject      "proj-x"  ─► [...]      likewise
//   byEnvironment  "prod"    ─► [...]      likewise
//   anyone                   ─► [p1]       no identity rule
//
// INVARIANT: every part is sorted in decision order (comparePolicies), so a part's first
// holding policy is its best, and the list's best is the best of at most five of those.
import type { Destination, Identity } from '../core/index.js';
import type { CompiledPolicy } from './compile.js';

type Holds = (policy: CompiledPolicy, identity: Identity, destination: Destination) => boolean;
type Better = (a: CompiledPolicy | undefined, b: CompiledPolicy | undefined) => CompiledPolicy | undefined;

function firstIn(part: readonly CompiledPolicy[] | undefined, holds: Holds, identity: Identity, destination: Destination): CompiledPolicy | undefined {
  if (part === undefined) return undefined;
  for (const policy of part) if (holds(policy, identity, destination)) return policy;
  return undefined;
}

function addUnder(map: Map<string, CompiledPolicy[]>, keys: ReadonlySet<string>, policy: CompiledPolicy): void {
  for (const key of keys) {
    const part = map.get(key);
    if (part === undefined) map.set(key, [policy]);
    else part.push(policy);
  }
}

export class PolicyList {
  /** Every policy of the list, in decision order. */
  readonly all: readonly CompiledPolicy[];
  // null when no policy of the list has that kind of rule: one check instead of a map lookup.
  readonly #byAgent: Map<string, CompiledPolicy[]> | null;
  readonly #byTeam: Map<string, CompiledPolicy[]> | null;
  readonly #byProject: Map<string, CompiledPolicy[]> | null;
  readonly #byEnvironment: Map<string, CompiledPolicy[]> | null;
  readonly #anyone: readonly CompiledPolicy[] | undefined;

  constructor(sorted: readonly CompiledPolicy[]) {
    this.all = sorted;
    const byAgent = new Map<string, CompiledPolicy[]>();
    const byTeam = new Map<string, CompiledPolicy[]>();
    const byProject = new Map<string, CompiledPolicy[]>();
    const byEnvironment = new Map<string, CompiledPolicy[]>();
    const anyone: CompiledPolicy[] = [];
    // Pushed in decision order, so every part stays sorted.
    for (const policy of sorted) {
      if (policy.agents !== null) addUnder(byAgent, policy.agents, policy);
      else if (policy.teams !== null) addUnder(byTeam, policy.teams, policy);
      else if (policy.projects !== null) addUnder(byProject, policy.projects, policy);
      else if (policy.environments !== null) addUnder(byEnvironment, policy.environments, policy);
      else anyone.push(policy);
    }
    this.#byAgent = byAgent.size > 0 ? byAgent : null;
    this.#byTeam = byTeam.size > 0 ? byTeam : null;
    this.#byProject = byProject.size > 0 ? byProject : null;
    this.#byEnvironment = byEnvironment.size > 0 ? byEnvironment : null;
    this.#anyone = anyone.length > 0 ? anyone : undefined;
  }

  /** The best policy of this list that holds for the request, if any. */
  best(identity: Identity, destination: Destination, holds: Holds, better: Better): CompiledPolicy | undefined {
    let best = firstIn(this.#anyone, holds, identity, destination);
    if (this.#byAgent !== null) best = better(best, firstIn(this.#byAgent.get(identity.agent_id), holds, identity, destination));
    if (this.#byTeam !== null) best = better(best, firstIn(this.#byTeam.get(identity.team_id), holds, identity, destination));
    if (this.#byProject !== null) best = better(best, firstIn(this.#byProject.get(identity.project_id), holds, identity, destination));
    if (this.#byEnvironment !== null) {
      best = better(best, firstIn(this.#byEnvironment.get(identity.environment), holds, identity, destination));
    }
    return best;
  }

  /** Every policy of the list that can hold for this identity (CONNECT walks them all). */
  *forIdentity(identity: Identity): Generator<CompiledPolicy> {
    yield* this.#anyone ?? [];
    yield* this.#byAgent?.get(identity.agent_id) ?? [];
    yield* this.#byTeam?.get(identity.team_id) ?? [];
    yield* this.#byProject?.get(identity.project_id) ?? [];
    yield* this.#byEnvironment?.get(identity.environment) ?? [];
  }
}
