// decide() with 100, 500 and 10,000 policies over the same kind of request mix: the per-decision
// cost must not grow with the policy count beyond 2x (issue 8).

import { compilePolicies, decide, type PolicyIndex } from '../../src/policy/index.js';
import type { Policy } from '../../src/core/index.js';
import { benchPolicy, generateBundle, generateRequestMix, type DecisionRequest } from '../lib/bundle-generator.js';
import { timeSync, type MicroResult } from './timing.js';

const SIZES = [100, 500, 10_000];
const MIX_SIZE = 10_000;
const ITERATIONS = 200_000;

interface Compiled {
  readonly index: PolicyIndex;
  readonly mix: DecisionRequest[];
  readonly compileMs: number;
  /** Policies without a domains rule: they apply to every host. */
  readonly hostless: number;
}

function compiledIndex(policyCount: number, seed: number): Compiled {
  const bundle = generateBundle({ seed, agents: 1_000, policies: policyCount });
  const hostless = bundle.policies.filter((policy) => policy.match.domains === undefined).length;
  const policies: Policy[] = [...bundle.policies, benchPolicy(8080)].map((policy) => ({ ...policy, version: 1, enabled: true }));
  const started = process.hrtime.bigint();
  const index = compilePolicies(policies);
  const compileMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { index, mix: generateRequestMix(bundle, MIX_SIZE, seed + 1), compileMs, hostless };
}

function allowShare(index: PolicyIndex, mix: readonly DecisionRequest[]): number {
  const allowed = mix.filter((request) => decide(index, request.identity, request.destination).decision === 'allow').length;
  return Math.round((100 * allowed) / mix.length);
}

export function decideBenchmarks(seed: number): MicroResult[] {
  const results: MicroResult[] = [];
  for (const size of SIZES) {
    const { index, mix, compileMs, hostless } = compiledIndex(size, seed);
    const ns = timeSync(ITERATIONS, (i) => {
      const request = mix[i % MIX_SIZE] as DecisionRequest;
      return decide(index, request.identity, request.destination);
    });
    const note = `compile ${compileMs.toFixed(1)} ms; ${hostless} without domains; ${allowShare(index, mix)}% of the mix allowed`;
    results.push({ group: 'policy decide()', name: `${size.toLocaleString('en')} policies`, ns_per_op: ns, note });
  }
  return results;
}

/** Per-decision cost at the largest size over the smallest. */
export function decideRatio(results: readonly MicroResult[]): number {
  const first = results[0]?.ns_per_op ?? NaN;
  const last = results[results.length - 1]?.ns_per_op ?? NaN;
  return last / first;
}
