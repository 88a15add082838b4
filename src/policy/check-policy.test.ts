import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../core/index.js';
import { checkPolicy, normalizePolicy } from './index.js';

const VALID: Policy = {
  policy_id: 'p-1',
  version: 1,
  match: { domains: ['api.example.com'] },
  action: 'allow',
  priority: 10,
  enabled: true,
};

/** A policy that differs from VALID only in the given fields; match replaces VALID's match. */
function withFields(fields: Record<string, unknown>): Policy {
  return { ...VALID, ...fields } as Policy;
}

function withMatch(match: Record<string, unknown>): Policy {
  return withFields({ match });
}

describe('checkPolicy accepts', () => {
  const valid: ReadonlyArray<readonly [string, Policy]> = [
    ['a policy with only a domain rule', VALID],
    ['a policy with no selectors at all', withMatch({})],
    ['an id with every allowed punctuation mark', withFields({ policy_id: 'Team_1.egress:prod-2' })],
    ['an id of 128 characters', withFields({ policy_id: 'a'.repeat(128) })],
    ['version 0 and a negative priority', withFields({ version: 0, priority: -5 })],
    ['a description', withFields({ description: 'lets the crawler read docs' })],
    ['upper-case names, wildcards, trailing dots and IP literals', withMatch({ domains: ['API.Example.com', '*.example.org', 'fqdn.example.net.', '93.184.216.34', '2001:db8::1', '[2001:db8::2]'] })],
    ['methods in any case and a token method', withMatch({ methods: ['get', 'POST', 'PROPFIND'] })],
    ['normalised path prefixes with escapes of reserved characters', withMatch({ path_prefixes: ['/', '/api/', '/a%2Fb', '/~user'] })],
    ['the lowest and highest ports', withMatch({ ports: [1, 65535] })],
    ['every identity selector', withMatch({ agents: ['a'], teams: ['t'], projects: ['p'], environments: ['prod', 'dev'] })],
  ];
  for (const [name, policy] of valid) test(name, () => assert.equal(checkPolicy(policy), null));
});

describe('checkPolicy refuses, naming the field', () => {
  const invalid: ReadonlyArray<readonly [string, Policy, string]> = [
    ['an id with a space', withFields({ policy_id: 'bad id' }), 'policy_id: `bad id` must be 1 to 128 letters, digits, `.`, `_`, `:` or `-`, starting with a letter or digit'],
    ['an id starting with punctuation', withFields({ policy_id: '-p' }), 'policy_id: `-p` must be 1 to 128 letters, digits, `.`, `_`, `:` or `-`, starting with a letter or digit'],
    ['an id of 129 characters', withFields({ policy_id: 'a'.repeat(129) }), `policy_id: \`${'a'.repeat(129)}\` must be 1 to 128 letters, digits, \`.\`, \`_\`, \`:\` or \`-\`, starting with a letter or digit`],
    ['an empty id', withFields({ policy_id: '' }), 'policy_id: `` must be 1 to 128 letters, digits, `.`, `_`, `:` or `-`, starting with a letter or digit'],
    ['the reserved id default-deny', withFields({ policy_id: 'default-deny' }), 'policy_id: `default-deny` is reserved'],
    ['a fractional version', withFields({ version: 1.5 }), 'version: `1.5` is not a non-negative integer'],
    ['a negative version', withFields({ version: -1 }), 'version: `-1` is not a non-negative integer'],
    ['a fractional priority', withFields({ priority: 0.5 }), 'priority: `0.5` is not an integer'],
    ['a priority given as a string', withFields({ priority: '10' }), 'priority: `10` is not an integer'],
    ['an unknown action', withFields({ action: 'block' }), 'action: `block` is not `allow` or `deny`'],
    ['enabled given as a string', withFields({ enabled: 'yes' }), 'enabled: `yes` is not a boolean'],
    ['a description that is not a string', withFields({ description: 5 }), 'description: `5` is not a string'],
    ['a match that is a list', withFields({ match: [] }), 'match: not an object'],
    ['a misspelt selector', withMatch({ domain: ['example.com'] }), 'match: `domain` is not a known selector'],
    ['an empty domains list', withMatch({ domains: [] }), 'match.domains: must be a non-empty list'],
    ['domains given as a string', withMatch({ domains: 'example.com' }), 'match.domains: must be a non-empty list'],
    ['a wildcard without its dot', withMatch({ domains: ['*example.com'] }), 'match.domains: `*example.com` is not a valid wildcard'],
    ['a wildcard inside a name', withMatch({ domains: ['api.*.example.com'] }), 'match.domains: `api.*.example.com` is not a valid wildcard'],
    ['a wildcard inside the first label', withMatch({ domains: ['a*.example.com'] }), 'match.domains: `a*.example.com` is not a valid wildcard'],
    ['a bare star', withMatch({ domains: ['*'] }), 'match.domains: `*` is not a valid wildcard'],
    ['a double wildcard', withMatch({ domains: ['*.*.example.com'] }), 'match.domains: `*.*.example.com` is not a valid wildcard'],
    ['a name with a space', withMatch({ domains: ['exa mple.com'] }), 'match.domains: `exa mple.com` is not a valid domain name or ip address'],
    ['a url instead of a name', withMatch({ domains: ['https://example.com'] }), 'match.domains: `https://example.com` is not a valid domain name or ip address'],
    ['a name with a port', withMatch({ domains: ['example.com:443'] }), 'match.domains: `example.com:443` is not a valid domain name or ip address'],
    ['a label starting with a hyphen', withMatch({ domains: ['-a.example.com'] }), 'match.domains: `-a.example.com` is not a valid domain name or ip address'],
    ['a label of 64 characters', withMatch({ domains: [`${'a'.repeat(64)}.com`] }), `match.domains: \`${'a'.repeat(64)}.com\` is not a valid domain name or ip address`],
    ['an empty label', withMatch({ domains: ['a..example.com'] }), 'match.domains: `a..example.com` is not a valid domain name or ip address'],
    ['an ipv4 address with an octet over 255', withMatch({ domains: ['1.2.3.256'] }), 'match.domains: `1.2.3.256` is not a valid domain name or ip address'],
    ['an ipv4 address with a leading zero, which parsers read as octal', withMatch({ domains: ['010.0.0.1'] }), 'match.domains: `010.0.0.1` is not a valid domain name or ip address'],
    ['a short ipv4 form that no host ever arrives as', withMatch({ domains: ['1.2.3'] }), 'match.domains: `1.2.3` is not a valid domain name or ip address'],
    ['an invalid ipv6 address', withMatch({ domains: ['2001:db8::1::2'] }), 'match.domains: `2001:db8::1::2` is not a valid domain name or ip address'],
    ['a unicode name that is not in punycode', withMatch({ domains: ['münchen.de'] }), 'match.domains: `münchen.de` is not a valid domain name or ip address'],
    ['a domain that is not a string', withMatch({ domains: [42] }), 'match.domains: `42` is not a string'],
    ['the same name twice in different case', withMatch({ domains: ['example.com', 'EXAMPLE.com.'] }), 'match.domains: `EXAMPLE.com.` is listed twice'],
    ['the same ipv6 address in two spellings', withMatch({ domains: ['2001:db8::1', '[2001:0db8::1]'] }), 'match.domains: `[2001:0db8::1]` is listed twice'],
    ['a method with a space', withMatch({ methods: ['GE T'] }), 'match.methods: `GE T` is not an http method token'],
    ['an empty method', withMatch({ methods: [''] }), 'match.methods: `` is not an http method token'],
    ['the same method in two cases', withMatch({ methods: ['GET', 'get'] }), 'match.methods: `get` is listed twice'],
    ['a path prefix without a leading slash', withMatch({ path_prefixes: ['admin'] }), 'match.path_prefixes: `admin` must start with `/`'],
    ['a path prefix with a query', withMatch({ path_prefixes: ['/a?b=1'] }), 'match.path_prefixes: `/a?b=1` must not contain `?` or `#`'],
    ['a path prefix with a raw space', withMatch({ path_prefixes: ['/my dir'] }), 'match.path_prefixes: `/my dir` must percent-encode spaces, control and non-ascii characters'],
    ['a path prefix with a bad escape', withMatch({ path_prefixes: ['/a%zz'] }), 'match.path_prefixes: `/a%zz` has a bad percent escape'],
    ['a path prefix with dot segments', withMatch({ path_prefixes: ['/public/../admin'] }), 'match.path_prefixes: `/public/../admin` is not normalised: use `/admin`'],
    ['a path prefix with an encoded unreserved character', withMatch({ path_prefixes: ['/%7Euser'] }), 'match.path_prefixes: `/%7Euser` is not normalised: use `/~user`'],
    ['a path prefix with a lower-case escape', withMatch({ path_prefixes: ['/a%2fb'] }), 'match.path_prefixes: `/a%2fb` is not normalised: use `/a%2Fb`'],
    ['the same path prefix twice', withMatch({ path_prefixes: ['/a', '/a'] }), 'match.path_prefixes: `/a` is listed twice'],
    ['port 0', withMatch({ ports: [0] }), 'match.ports: `0` is not a port number (1-65535)'],
    ['port 65536', withMatch({ ports: [65536] }), 'match.ports: `65536` is not a port number (1-65535)'],
    ['a fractional port', withMatch({ ports: [443.5] }), 'match.ports: `443.5` is not a port number (1-65535)'],
    ['a port given as a string', withMatch({ ports: ['443'] }), 'match.ports: `443` is not a number'],
    ['the same port twice', withMatch({ ports: [443, 443] }), 'match.ports: `443` is listed twice'],
    ['an empty agents list', withMatch({ agents: [] }), 'match.agents: must be a non-empty list'],
    ['an empty team name', withMatch({ teams: [''] }), 'match.teams: an empty string is not a valid entry'],
    ['a project that is not a string', withMatch({ projects: [7] }), 'match.projects: `7` is not a string'],
    ['the same environment twice', withMatch({ environments: ['prod', 'prod'] }), 'match.environments: `prod` is listed twice'],
    ['an identity selector problem before a domain problem', withMatch({ domains: ['*bad'], agents: [] }), 'match.agents: must be a non-empty list'],
  ];
  for (const [name, policy, message] of invalid) test(name, () => assert.equal(checkPolicy(policy), message));

  test('a very long bad value is cut short in the message', () => {
    const message = checkPolicy(withMatch({ domains: [`${'a '.repeat(500)}`] }));
    assert.equal(message, `match.domains: \`${'a '.repeat(100)}…\` is not a valid domain name or ip address`);
  });
});

describe('normalizePolicy', () => {
  test('stores methods upper-case and domains in canonical form, leaving the rest as it was', () => {
    const policy = withMatch({ domains: ['API.Example.com.', '*.Example.ORG', '[2001:0DB8::1]'], methods: ['get'], ports: [443] });
    assert.deepEqual(normalizePolicy(policy), {
      ...VALID,
      match: { domains: ['api.example.com', '*.example.org', '2001:db8::1'], methods: ['GET'], ports: [443] },
    });
  });

  test('a normalised policy still passes checkPolicy', () => {
    const policy = withMatch({ domains: ['API.Example.com.'], methods: ['get'] });
    assert.equal(checkPolicy(normalizePolicy(policy)), null);
  });
});
