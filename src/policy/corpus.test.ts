// The decision corpus: test/fixtures/policy/*.json, one theme per file, each case its own
// named test. Then the same corpus again after JSON round-trips and seeded shuffles of the
// policies: the same bundle and request must always give the same decision.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Destination, Identity, Policy, PolicyDecision } from '../core/index.js';
import { checkPolicy, compilePolicies, decide, destinationFromAuthority, destinationFromUrl, type PolicyIndex } from './index.js';

const CORPUS_DIR = resolve(import.meta.dirname, '../../test/fixtures/policy');
const THEMES = ['tie-breaks', 'wildcards', 'ports', 'methods', 'path-prefixes', 'identity-selectors', 'default-deny', 'connect'];

/** Cases give only the identity fields they care about; the rest come from here. */
const DEFAULT_IDENTITY: Identity = {
  agent_id: 'agent-a',
  team_id: 'team-a',
  project_id: 'proj-a',
  environment: 'prod',
  auth_type: 'api_key',
  status: 'active',
};

interface CorpusCase {
  readonly name: string;
  readonly identity?: Partial<Identity>;
  readonly request: { readonly method: string; readonly url?: string; readonly authority?: string };
  readonly expect: PolicyDecision;
}

interface CorpusFile {
  readonly theme: string;
  readonly description: string;
  readonly policies: readonly Policy[];
  readonly cases: readonly CorpusCase[];
}

function loadCorpus(): CorpusFile[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ theme: name.slice(0, -'.json'.length), ...JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) }));
}

function destinationOf(request: CorpusCase['request']): Destination {
  const result =
    request.method === 'CONNECT'
      ? destinationFromAuthority(request.authority ?? '')
      : destinationFromUrl(request.method, request.url ?? '');
  if (!result.ok) throw new Error(`corpus request does not parse: ${result.error}`);
  return result.destination;
}

function decideCase(index: PolicyIndex, corpusCase: CorpusCase): PolicyDecision {
  const identity = { ...DEFAULT_IDENTITY, ...corpusCase.identity };
  return { ...decide(index, identity, destinationOf(corpusCase.request)) };
}

/** mulberry32: a tiny seeded generator, so a failing permutation can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const corpus = loadCorpus();

describe('decision corpus', () => {
  test('the corpus covers every theme with at least 40 named cases', () => {
    const themes = corpus.map((file) => file.theme);
    assert.deepEqual(THEMES.filter((theme) => !themes.includes(theme)), []);
    const names = corpus.flatMap((file) => file.cases.map((corpusCase) => `${file.theme}: ${corpusCase.name}`));
    assert.ok(names.length >= 40, `only ${names.length} cases`);
    assert.equal(new Set(names).size, names.length, 'case names repeat within a file');
  });

  for (const file of corpus) {
    describe(`${file.theme}: ${file.description}`, () => {
      test('every policy of the file passes checkPolicy', () => {
        const problems = file.policies.map((policy) => [policy.policy_id, checkPolicy(policy)]);
        assert.deepEqual(problems.filter(([, problem]) => problem !== null), []);
      });
      const index = compilePolicies(file.policies);
      for (const corpusCase of file.cases) {
        test(corpusCase.name, () => assert.deepEqual(decideCase(index, corpusCase), corpusCase.expect));
      }
    });
  }
});

describe('determinism over the whole corpus', () => {
  test('a JSON round-trip of the policies gives the same decisions', () => {
    for (const file of corpus) {
      const index = compilePolicies(JSON.parse(JSON.stringify(file.policies)) as Policy[]);
      for (const corpusCase of file.cases) assert.deepEqual(decideCase(index, corpusCase), corpusCase.expect, corpusCase.name);
    }
  });

  for (const seed of [1, 7, 42, 1337, 2024]) {
    test(`policies shuffled with seed ${seed} give the same decisions`, () => {
      const random = seededRandom(seed);
      for (const file of corpus) {
        const index = compilePolicies(shuffled(file.policies, random));
        for (const corpusCase of file.cases) {
          assert.deepEqual(decideCase(index, corpusCase), corpusCase.expect, `${file.theme}: ${corpusCase.name}`);
        }
      }
    });
  }

  test('the shuffles really change the order of the policies', () => {
    const ids = (policies: readonly Policy[]) => policies.map((policy) => policy.policy_id).join(',');
    const connect = corpus.find((file) => file.theme === 'connect');
    assert.ok(connect !== undefined);
    assert.notEqual(ids(shuffled(connect.policies, seededRandom(1))), ids(connect.policies));
  });
});
