import assert from 'node:assert/strict';
import { test } from 'node:test';
import { destinationFromTarget, destinationFromUrl, parseUrlTarget } from '../policy/index.js';
import { MAX_ENTRIES, MAX_URL_LENGTH, TargetCache } from './target-cache.js';

const URLS = [
  'http://api.example.com/v1/items?page=2',
  'https://API.Example.COM.:8443/a/./b/../c',
  'http://user:secret@example.com/private',
  'http://[::1]:8080/x',
  'http://127.0.0.1/%7euser/%2e%2e/admin',
  'http://example.com:0/',
  'http://example.com/a%zz',
  'ftp://example.com/file',
  'http://',
  'http://exa mple.com/',
];

test('a cached target is what parsing the same text gives, for good and bad urls, first time and again', () => {
  const cache = new TargetCache();
  for (const round of [1, 2]) {
    for (const url of URLS) assert.deepEqual(cache.parse(url), parseUrlTarget(url), `${url} (round ${round})`);
  }
  assert.equal(cache.size, URLS.length);
});

test('destinationFromTarget answers as destinationFromUrl does, a bad method first', () => {
  const cache = new TargetCache();
  for (const method of ['GET', 'post', 'BAD METHOD']) {
    for (const url of URLS) assert.deepEqual(destinationFromTarget(method, cache.parse(url)), destinationFromUrl(method, url), `${method} ${url}`);
  }
  const bad = destinationFromTarget('BAD METHOD', cache.parse('ftp://example.com/file'));
  assert.deepEqual(bad, { ok: false, error: 'method: `BAD METHOD` is not an http method token' });
});

test('the cache holds at most MAX_ENTRIES targets, the oldest going first, and never a long url', () => {
  const cache = new TargetCache();
  const first = cache.parse('http://example.com/0');
  for (let i = 1; i <= MAX_ENTRIES; i++) cache.parse(`http://example.com/${i}`);
  assert.equal(cache.size, MAX_ENTRIES);
  assert.notEqual(cache.parse('http://example.com/0'), first, 'the oldest was evicted: parsed anew');
  const last = cache.parse(`http://example.com/${MAX_ENTRIES}`);
  assert.equal(cache.parse(`http://example.com/${MAX_ENTRIES}`), last, 'a recent one is kept');

  const long = `http://example.com/${'a'.repeat(MAX_URL_LENGTH)}`;
  const size = cache.size;
  assert.deepEqual(cache.parse(long), parseUrlTarget(long));
  assert.equal(cache.size, size);
});
