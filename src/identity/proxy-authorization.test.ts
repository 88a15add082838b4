import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProxyAuthorization, type ParsedCredential } from './index.js';

function basic(userPass: string): string {
  return `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
}

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl';

const cases: { name: string; header: string | undefined; expected: ParsedCredential }[] = [
  {
    name: 'basic agent_id:api_key gives an api key credential',
    header: basic('agent-1:cgk_secret'),
    expected: { ok: true, credential: { kind: 'api_key', agent_id: 'agent-1', key: 'cgk_secret' } },
  },
  {
    name: 'a lower-case basic scheme is accepted',
    header: basic('agent-1:k').replace('Basic', 'basic'),
    expected: { ok: true, credential: { kind: 'api_key', agent_id: 'agent-1', key: 'k' } },
  },
  {
    name: 'an upper-case BASIC scheme is accepted',
    header: basic('agent-1:k').replace('Basic', 'BASIC'),
    expected: { ok: true, credential: { kind: 'api_key', agent_id: 'agent-1', key: 'k' } },
  },
  {
    name: 'only the first colon splits, so the key keeps its colons',
    header: basic('agent-1:a:b:c'),
    expected: { ok: true, credential: { kind: 'api_key', agent_id: 'agent-1', key: 'a:b:c' } },
  },
  {
    name: 'basic without padding is accepted',
    header: basic('agent-1:k').replace(/=+$/, ''),
    expected: { ok: true, credential: { kind: 'api_key', agent_id: 'agent-1', key: 'k' } },
  },
  {
    name: 'basic with user jwt gives a jwt credential',
    header: basic(`jwt:${JWT}`),
    expected: { ok: true, credential: { kind: 'jwt', token: JWT } },
  },
  {
    name: 'bearer gives a jwt credential',
    header: `Bearer ${JWT}`,
    expected: { ok: true, credential: { kind: 'jwt', token: JWT } },
  },
  {
    name: 'a lower-case bearer scheme with extra spaces is accepted',
    header: `bearer   ${JWT}  `,
    expected: { ok: true, credential: { kind: 'jwt', token: JWT } },
  },
  {
    name: 'an upper-case BEARER scheme is accepted',
    header: `BEARER ${JWT}`,
    expected: { ok: true, credential: { kind: 'jwt', token: JWT } },
  },
  { name: 'an undefined header is missing', header: undefined, expected: rejected('missing proxy-authorization header') },
  { name: 'an empty header is missing', header: '', expected: rejected('missing proxy-authorization header') },
  {
    name: 'a header over 8192 characters is refused before parsing',
    header: `Bearer ${'a'.repeat(8192)}`,
    expected: rejected('proxy-authorization header is longer than 8192 characters'),
  },
  {
    name: 'a header with a control character is refused',
    header: `Bearer ${JWT}\u0000`,
    expected: rejected('proxy-authorization header contains control characters'),
  },
  {
    name: 'digest is an unsupported scheme and is named',
    header: 'Digest username="agent-1", realm="clawgress"',
    expected: rejected('unsupported proxy-authorization scheme `Digest`'),
  },
  {
    name: 'a lone word is not echoed because it may be a pasted secret',
    header: 'cgk_onlythesecret',
    expected: rejected('proxy-authorization header is not `<scheme> <credentials>`'),
  },
  {
    name: 'a scheme that does not look like a scheme name is not echoed',
    header: 'cgk_a.b_c:d something',
    expected: rejected('unsupported proxy-authorization scheme'),
  },
  { name: 'basic with nothing after it is empty', header: 'Basic', expected: rejected('basic credentials are empty') },
  {
    name: 'basic with characters outside base64 is refused',
    header: 'Basic !!!!',
    expected: rejected('basic credentials are not valid base64'),
  },
  {
    name: 'basic with a truncated base64 group is refused',
    header: 'Basic YWJjZ',
    expected: rejected('basic credentials are not valid base64'),
  },
  {
    name: 'basic with padding in the wrong place is refused',
    header: 'Basic YQ==YQ==',
    expected: rejected('basic credentials are not valid base64'),
  },
  {
    name: 'basic decoding to invalid utf-8 is refused',
    header: `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
    expected: rejected('basic credentials are not valid utf-8'),
  },
  {
    name: 'basic decoding to a control character is refused',
    header: basic('agent-1:k\ney'),
    expected: rejected('basic credentials contain control characters'),
  },
  {
    name: 'basic without a colon is refused',
    header: basic('agent-1'),
    expected: rejected('basic credentials have no `:` between user and password'),
  },
  { name: 'basic with an empty user is refused', header: basic(':key'), expected: rejected('basic credentials have an empty user') },
  {
    name: 'basic with an empty password is refused',
    header: basic('agent-1:'),
    expected: rejected('basic credentials have an empty password'),
  },
  {
    name: 'basic user jwt with an empty token is refused',
    header: basic('jwt:'),
    expected: rejected('basic credentials for user `jwt` have an empty token'),
  },
  { name: 'bearer with an empty token is refused', header: 'Bearer ', expected: rejected('bearer token is empty') },
  { name: 'bearer with no token at all is refused', header: 'Bearer', expected: rejected('bearer token is empty') },
  {
    name: 'bearer with a space inside the token is refused',
    header: 'Bearer abc def',
    expected: rejected('bearer token contains characters outside token68'),
  },
];

function rejected(reason: string): ParsedCredential {
  return { ok: false, reason };
}

void describe('parseProxyAuthorization', () => {
  for (const testCase of cases) {
    void it(testCase.name, () => {
      assert.deepEqual(parseProxyAuthorization(testCase.header), testCase.expected);
    });
  }

  void it('never puts the secret in a reason', () => {
    const secret = 'cgk_TOPSECRETVALUE';
    const headers = [`Basic ${secret}`, secret, `${secret} x`, basic(`${secret}:`), basic(`:${secret}`), `Bearer ${secret} x`];
    for (const header of headers) {
      const result = parseProxyAuthorization(header);
      assert.equal(result.ok, false);
      assert.ok(!JSON.stringify(result).includes('TOPSECRET'), `reason leaks the secret for ${header}`);
    }
  });
});
