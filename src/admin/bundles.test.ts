import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyBundle } from '../policy/index.js';
import { matchesIfNoneMatch } from './routes/bundles.js';
import { ADMIN_TOKEN, allowPolicy, startHarness, type Harness } from './harness.test.js';

describe('admin api: bundles/current', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const fetchBundle = (query = '', ifNoneMatch?: string) =>
    h.app.inject({
      method: 'GET',
      url: `/api/v1/bundles/current${query}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) },
    });

  it('serves the signed bundle in force with its version as ETag; it verifies', async () => {
    const answer = await fetchBundle();
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers.etag, '"1"');
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    const verified = verifyBundle(answer.json(), { publicKeyPem: h.publicKeyPem, currentVersion: null });
    assert.equal(verified.ok, true);
    assert.deepEqual(answer.json(), h.control.currentBundle());
  });

  it('starts with version 1, which has no policy and so denies everything', async () => {
    const bundle = (await fetchBundle()).json();
    assert.deepEqual([bundle.manifest.version, bundle.content], [1, { policies: [], agents: [], issuers: [], quotas: [] }]);
  });

  it('answers 304 when If-None-Match names the version in force, 200 otherwise', async () => {
    assert.equal((await fetchBundle('', '"1"')).statusCode, 304);
    assert.equal((await fetchBundle('', 'W/"1"')).statusCode, 304);
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    await h.call('POST', '/api/v1/policies/publish');
    const newer = await fetchBundle('', '"1"');
    assert.deepEqual([newer.statusCode, newer.headers.etag], [200, '"2"']);
  });

  it('long-polls: answers the next bundle as soon as it is published', async () => {
    const pending = fetchBundle('?wait=60', '"1"');
    await h.waitForLongPolls(1);
    await h.call('POST', '/api/v1/policies', allowPolicy('p1'));
    await h.call('POST', '/api/v1/policies/publish');
    const answer = await pending;
    assert.deepEqual([answer.statusCode, answer.headers.etag], [200, '"2"']);
    await h.waitForLongPolls(0);
    assert.deepEqual(answer.json().content.policies.map((p: { policy_id: string }) => p.policy_id), ['p1']);
  });

  it('long-polls: answers 304 when the wait ends without a publish', async () => {
    const answer = await fetchBundle('?wait=1', '"1"');
    assert.deepEqual([answer.statusCode, answer.headers.etag], [304, '"1"']);
  });

  it('long-polls: ends an open wait with 304 when the app closes', async () => {
    const pending = fetchBundle('?wait=60', '"1"');
    await h.waitForLongPolls(1);
    await h.app.close();
    const answer = await pending;
    assert.deepEqual([answer.statusCode, answer.headers.etag], [304, '"1"']);
    await h.waitForLongPolls(0);
  });

  it('rejects a wait over 60 seconds', async () => {
    const answer = await fetchBundle('?wait=61', '"1"');
    assert.deepEqual([answer.statusCode, answer.json().field], [400, 'wait']);
  });
});

describe('if-none-match', () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    ['no header never matches', undefined, false],
    ['the same strong tag matches', '"7"', true],
    ['a weak tag matches', 'W/"7"', true],
    ['a tag in a list matches', '"5", "7"', true],
    ['a star matches', '*', true],
    ['another version does not match', '"6"', false],
    ['an unquoted version does not match', '7', false],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => assert.equal(matchesIfNoneMatch(header, '"7"'), expected));
  }
});
