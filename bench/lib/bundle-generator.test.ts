import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Policy } from '../../src/core/index.js';
import { checkPolicy, compilePolicies, decide } from '../../src/policy/index.js';
import { BENCH_AGENT, BENCH_QUOTA, benchPolicy, generateBundle, generateRequestMix, loadAgents } from './bundle-generator.js';

const asPolicies = (policies: readonly object[]): Policy[] =>
  policies.map((policy) => ({ ...policy, version: 1, enabled: true }) as Policy);

test('the same seed gives the same bundle, another seed another one', () => {
  const spec = { seed: 8, agents: 200, policies: 100 };
  assert.deepEqual(generateBundle(spec), generateBundle(spec));
  assert.notDeepEqual(generateBundle(spec).policies, generateBundle({ ...spec, seed: 9 }).policies);
});

test('the bundle has the requested shape, the bench agent first and its high quota', () => {
  const bundle = generateBundle({ seed: 8, agents: 1_000, policies: 500 });
  assert.equal(bundle.agents.length, 1_000);
  assert.equal(new Set(bundle.agents.map((agent) => agent.agent_id)).size, 1_000);
  assert.equal(bundle.policies.length, 500);
  assert.equal(bundle.quotas.length, 1_000);
  assert.deepEqual(bundle.agents[0], BENCH_AGENT);
  assert.deepEqual(bundle.quotas[0], BENCH_QUOTA);
});

test('policies mix wildcards, exact domains, path prefixes, methods, ports and selectors', () => {
  const { policies } = generateBundle({ seed: 8, agents: 1_000, policies: 500 });
  const count = (holds: (policy: (typeof policies)[number]) => boolean): number => policies.filter(holds).length;
  assert.ok(count((p) => p.match.domains?.some((d) => d.startsWith('*.')) ?? false) > 50);
  assert.ok(count((p) => p.match.domains?.some((d) => !d.startsWith('*.')) ?? false) > 50);
  assert.ok(count((p) => p.match.path_prefixes !== undefined) > 50);
  assert.ok(count((p) => p.match.methods !== undefined) > 50);
  assert.ok(count((p) => p.match.ports !== undefined) > 50);
  assert.ok(count((p) => p.match.teams !== undefined || p.match.agents !== undefined) > 50);
  assert.ok(count((p) => p.match.domains === undefined) > 5);
});

test('every generated policy is valid for the policy checker', () => {
  const { policies } = generateBundle({ seed: 8, agents: 1_000, policies: 500 });
  for (const policy of asPolicies([...policies, benchPolicy(18080)])) {
    assert.equal(checkPolicy(policy), null, policy.policy_id);
  }
});

test('the bench request is allowed by the bench policy whatever else the bundle holds', () => {
  const bundle = generateBundle({ seed: 8, agents: 1_000, policies: 500 });
  const index = compilePolicies(asPolicies([...bundle.policies, benchPolicy(18080)]));
  const decision = decide(index, { ...BENCH_AGENT, status: 'active' }, { scheme: 'http', host: '127.0.0.1', port: 18080, method: 'GET', path: '/1k' });
  assert.deepEqual(decision, { decision: 'allow', policy_id: 'bench-origin', reason: 'allowed by policy `bench-origin`' });
});

test('the request mix has allowed and denied requests', () => {
  const bundle = generateBundle({ seed: 8, agents: 1_000, policies: 500 });
  const index = compilePolicies(asPolicies(bundle.policies));
  const decisions = generateRequestMix(bundle, 2_000, 9).map((r) => decide(index, r.identity, r.destination).decision);
  assert.ok(decisions.filter((d) => d === 'allow').length > 200);
  assert.ok(decisions.filter((d) => d === 'deny').length > 200);
});

test('load agents: distinct, spread over teams, each allowed the origin by its own team\'s policy', () => {
  const bundle = generateBundle({ seed: 8, agents: 1_000, policies: 500 });
  const load = loadAgents(200, 18080);
  assert.equal(new Set(load.agents.map((agent) => agent.agent_id)).size, 200);
  assert.equal(new Set(load.agents.map((agent) => agent.team_id)).size, 20);
  assert.deepEqual(load.quotas.map((quota) => quota.agent_id), load.agents.map((agent) => agent.agent_id));
  assert.ok(load.quotas.every((quota) => quota.rps_limit === 1_000 && quota.rpm_limit === 60_000 && quota.mode === 'hard_stop'));
  const generatedIds = new Set(bundle.agents.map((agent) => agent.agent_id));
  assert.ok(load.agents.every((agent) => !generatedIds.has(agent.agent_id)));
  const policies = asPolicies([...bundle.policies, benchPolicy(18080), ...load.policies]);
  for (const policy of policies) assert.equal(checkPolicy(policy), null, policy.policy_id);
  const index = compilePolicies(policies);
  const origin = { scheme: 'http' as const, host: '127.0.0.1', port: 18080, method: 'GET', path: '/1k' };
  for (const agent of [load.agents[0], load.agents[57], load.agents[199]]) {
    assert.ok(agent !== undefined);
    const decision = decide(index, { ...agent, status: 'active' }, origin);
    assert.deepEqual([decision.decision, decision.policy_id], ['allow', `${agent.team_id}-origin`]);
  }
  assert.deepEqual(loadAgents(3, 18080).agents.map((agent) => agent.team_id), ['bench-load-team-00', 'bench-load-team-01', 'bench-load-team-02']);
});
