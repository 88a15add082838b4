// policy-diff.js is a browser module without dependencies; node runs it as is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffPolicies, policyChanges, summarizeMatch, type PolicyLike } from './policy-diff.js';

const policy = (id: string, overrides: Partial<PolicyLike> = {}): PolicyLike => ({
  policy_id: id,
  version: 1,
  enabled: true,
  action: 'allow',
  priority: 10,
  match: { domains: ['api.example.com'] },
  ...overrides,
});

describe('publish diff', () => {
  it('lists a new enabled draft as added', () => {
    const diff = diffPolicies([policy('b'), policy('a')], []);
    assert.deepEqual(diff.added.map((p) => p.policy_id), ['a', 'b']);
    assert.deepEqual([diff.changed, diff.removed, diff.empty], [[], [], false]);
  });

  it('lists a draft whose version moved past the published one as changed, field by field', () => {
    const draft = policy('a', { version: 3, priority: 20, match: { domains: ['api.example.com'], methods: ['GET'] } });
    const diff = diffPolicies([draft], [policy('a', { version: 2 })]);
    assert.deepEqual(diff.changed, [
      {
        policy_id: 'a',
        from_version: 2,
        to_version: 3,
        changes: [
          { field: 'priority', before: '10', after: '20' },
          { field: 'match.methods', before: '(any)', after: 'GET' },
        ],
      },
    ]);
  });

  it('lists a disabled draft and a deleted draft as removed, saying which', () => {
    const diff = diffPolicies([policy('off', { version: 2, enabled: false })], [policy('off'), policy('gone')]);
    assert.deepEqual(
      diff.removed.map((r) => [r.policy.policy_id, r.why]),
      [['gone', 'deleted'], ['off', 'disabled']],
    );
    assert.deepEqual(diff.added, []);
  });

  it('finds nothing to publish when every enabled draft is the published version', () => {
    const diff = diffPolicies([policy('a'), policy('off', { enabled: false })], [policy('a')]);
    assert.equal(diff.empty, true);
  });

  it('reports a description change and nothing for an unchanged list', () => {
    const changes = policyChanges(policy('a'), policy('a', { description: 'why', match: { domains: ['api.example.com'] } }));
    assert.deepEqual(changes, [{ field: 'description', before: '(none)', after: 'why' }]);
  });

  it('summarizes a match in one line', () => {
    assert.equal(
      summarizeMatch({ methods: ['GET'], domains: ['*.example.com'], ports: [443], path_prefixes: ['/v1'], agents: ['a1', 'a2'] }),
      'GET *.example.com :443 /v1 · agents: a1, a2',
    );
    assert.equal(summarizeMatch({}), 'any host');
  });
});
