// JWT agents end to end: issuers registered through the admin API (HS256 secret and a JWKS
// URL served locally), tokens sent as `Basic jwt:<token>` (curl -x) and as `Bearer`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

const run = promisify(execFile);
const SECRET = 'an-hs256-secret-of-at-least-32-characters!';
let serve: ServeProcess;
let origin: Origin;
let jwks: http.Server;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

before(async () => {
  origin = await startHttpOrigin();
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwks = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32'] });
  const hs = await serve.api('POST', '/issuers', { issuer: 'https://hs.example', audience: 'clawgress', hs256_secret: SECRET });
  assert.equal(hs.status, 201, JSON.stringify(hs.body));
  const remote = await serve.api('POST', '/issuers', { issuer: 'https://idp.example', audience: 'clawgress', jwks_url: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` });
  assert.equal(remote.status, 201, JSON.stringify(remote.body));
  for (const id of ['jwt-agent', 'jwt-off']) {
    const res = await serve.api('POST', '/agents', { agent_id: id, team_id: 'team-j', project_id: 'proj-j', environment: 'prod', auth_type: 'jwt', status: id === 'jwt-off' ? 'disabled' : 'active' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.api_key, undefined, 'a jwt agent gets no api key');
  }
  await publishPolicies(serve, [{ policy_id: 'team-j-local', action: 'allow', priority: 1, match: { teams: ['team-j'], domains: ['127.0.0.1'] } }]);
});

after(async () => {
  await serve.stop();
  await origin.close();
  jwks.close();
});

function hsToken(claims: Record<string, unknown>, options: { issuer?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.issuer ?? 'https://hs.example')
    .setAudience('clawgress')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(SECRET));
}

async function status(args: readonly string[]): Promise<number> {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', ...args]);
  return Number(stdout);
}

test('HS256 token as Basic jwt:<token> via curl -x: allowed, identity from the registry', async () => {
  const token = await hsToken({ agent_id: 'jwt-agent', team_id: 'team-j' });
  assert.equal(await status(['-x', `http://jwt:${token}@127.0.0.1:${serve.proxyPort}`, `http://127.0.0.1:${origin.port}/basic-jwt`]), 200);
  const event = (await serve.waitForAudit(1)).find((e) => e.destination.path === '/basic-jwt');
  assert.deepEqual(event?.identity, { agent_id: 'jwt-agent', team_id: 'team-j', project_id: 'proj-j', environment: 'prod', auth_type: 'jwt', status: 'active' });
});

test('ES256 token from a JWKS issuer as Bearer: allowed', async () => {
  const token = await new SignJWT({ sub: 'jwt-agent' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer('https://idp.example').setAudience('clawgress').setExpirationTime('5m')
    .sign(privateKey);
  assert.equal(await status(['-x', `http://127.0.0.1:${serve.proxyPort}`, '--proxy-header', `Proxy-Authorization: Bearer ${token}`, `http://127.0.0.1:${origin.port}/bearer`]), 200);
});

const refusals: [string, () => Promise<string>, number][] = [
  ['an expired token', () => hsToken({ agent_id: 'jwt-agent' }, { expiresIn: '-10m' }), 407],
  ['a token from an unregistered issuer', () => hsToken({ agent_id: 'jwt-agent' }, { issuer: 'https://evil.example' }), 407],
  ['a claim that disagrees with the registry', () => hsToken({ agent_id: 'jwt-agent', team_id: 'team-x' }), 407],
  ['a token for an unknown agent', () => hsToken({ agent_id: 'nobody' }), 407],
  ['a valid token for a disabled agent', () => hsToken({ agent_id: 'jwt-off' }), 403],
];

for (const [name, token, expected] of refusals) {
  test(`${name}: ${expected}`, async () => {
    assert.equal(await status(['-x', `http://127.0.0.1:${serve.proxyPort}`, '--proxy-header', `Proxy-Authorization: Bearer ${await token()}`, `http://127.0.0.1:${origin.port}/refused`]), expected);
  });
}
