import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationFromAuthority, destinationFromUrl, normalizeHost, normalizePath } from './index.js';

describe('normalizePath', () => {
  const cases: ReadonlyArray<readonly [string, string, string | null]> = [
    ['a plain path is unchanged', '/a/b/c', '/a/b/c'],
    ['the root is unchanged', '/', '/'],
    ['a double-dot segment removes the segment before it', '/public/../admin', '/admin'],
    ['a double-dot segment cannot climb above the root', '/../../etc/passwd', '/etc/passwd'],
    ['a single-dot segment is removed', '/a/./b', '/a/b'],
    ['a trailing single dot leaves the directory slash', '/a/b/.', '/a/b/'],
    ['a trailing double dot leaves the parent directory slash', '/a/b/..', '/a/'],
    ['an encoded double dot is a double-dot segment', '/public/%2e%2e/admin', '/admin'],
    ['an upper-case encoded double dot is a double-dot segment', '/public/%2E%2E/admin', '/admin'],
    ['a half-encoded double dot is a double-dot segment', '/public/.%2e/admin', '/admin'],
    ['empty segments are kept, as RFC 3986 does', '/a//b', '/a//b'],
    ['a double dot after an empty segment removes only the empty segment', '/a//../b', '/a/b'],
    ['encoded unreserved characters are decoded', '/%7Euser/%41%62c-%5F', '/~user/Abc-_'],
    ['escapes of reserved characters stay encoded, upper-cased', '/a%2fb%3a', '/a%2Fb%3A'],
    ['an encoded slash does not split a segment', '/public%2F..%2Fadmin', '/public%2F..%2Fadmin'],
    ['an encoded percent sign is not decoded twice', '/%252e%252e/x', '/%252e%252e/x'],
    ['a path without a leading slash is refused', 'a/b', null],
    ['an empty path is refused', '', null],
    ['a truncated escape is refused', '/a%2', null],
    ['a non-hex escape is refused', '/a%zz', null],
  ];
  for (const [name, path, expected] of cases) test(name, () => assert.equal(normalizePath(path), expected));

  test('normalising twice changes nothing more', () => {
    for (const [, path] of cases) {
      const once = normalizePath(path);
      if (once !== null) assert.equal(normalizePath(once), once, path);
    }
  });
});

describe('normalizeHost', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['a name is lower-cased', 'API.Example.COM', 'api.example.com'],
    ['a trailing dot is removed', 'example.com.', 'example.com'],
    ['ipv6 brackets are removed', '[2001:db8::1]', '2001:db8::1'],
    ['an ipv6 address takes its canonical form', '2001:0DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['an ipv4 address in hex notation is written dotted', '0x7f.0.0.1', '127.0.0.1'],
    ['an ipv4 address as one number is written dotted', '2130706433', '127.0.0.1'],
    ['a unicode name becomes punycode', 'München.de', 'xn--mnchen-3ya.de'],
    ['a host the url parser refuses is only lower-cased', 'Bad Host', 'bad host'],
  ];
  for (const [name, host, expected] of cases) test(name, () => assert.equal(normalizeHost(host), expected));
});

describe('destinationFromUrl', () => {
  test('an https url takes port 443, an upper-case method and a normalised path', () => {
    assert.deepEqual(destinationFromUrl('get', 'https://API.example.com./public/../admin?a=1&b=2#top'), {
      ok: true,
      destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: '/admin' },
      query: '?a=1&b=2',
    });
  });

  test('an http url takes port 80 and the root path', () => {
    assert.deepEqual(destinationFromUrl('POST', 'http://example.com'), {
      ok: true,
      destination: { scheme: 'http', host: 'example.com', port: 80, method: 'POST', path: '/' },
      query: '',
    });
  });

  test('an explicit port is kept, and an ipv6 host loses its brackets', () => {
    const result = destinationFromUrl('GET', 'http://[2001:db8::1]:8080/x');
    assert.deepEqual(result, {
      ok: true,
      destination: { scheme: 'http', host: '2001:db8::1', port: 8080, method: 'GET', path: '/x' },
      query: '',
    });
  });

  const refused: ReadonlyArray<readonly [string, string, string, string]> = [
    ['a relative url', 'GET', '/just/a/path', 'url: not a valid absolute url'],
    ['a non-http scheme', 'GET', 'ftp://example.com/', 'url: scheme `ftp:` is not http or https'],
    ['port 0', 'GET', 'http://example.com:0/', 'url: port `0` is not in 1-65535'],
    ['a port over 65535', 'GET', 'http://example.com:65536/', 'url: not a valid absolute url'],
    ['a bad percent escape in the path', 'GET', 'http://example.com/a%zz', 'url: path has a bad percent escape'],
    ['a method that is not a token', 'GE T', 'http://example.com/', 'method: `GE T` is not an http method token'],
  ];
  for (const [name, method, url, error] of refused) {
    test(`${name} is refused`, () => assert.deepEqual(destinationFromUrl(method, url), { ok: false, error }));
  }

  test('a refused url never appears in the message, since it may carry credentials', () => {
    const result = destinationFromUrl('GET', 'ftp://agent:s3cret-key@example.com/?token=t0ken');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && !/s3cret|t0ken/.test(result.error), JSON.stringify(result));
  });
});

describe('destinationFromAuthority', () => {
  test('a host and port make a CONNECT destination with an empty path', () => {
    assert.deepEqual(destinationFromAuthority('Example.COM:443'), {
      ok: true,
      destination: { scheme: 'https', host: 'example.com', port: 443, method: 'CONNECT', path: '' },
    });
  });

  test('a bracketed ipv6 host loses its brackets', () => {
    const result = destinationFromAuthority('[2001:DB8::1]:8443');
    assert.deepEqual(result.ok && result.destination, { scheme: 'https', host: '2001:db8::1', port: 8443, method: 'CONNECT', path: '' });
  });

  const refused: ReadonlyArray<readonly [string, string, string]> = [
    ['a host without a port', 'example.com', 'authority: `example.com` is not a valid host:port'],
    ['port 0', 'example.com:0', 'authority: `example.com:0` is not a valid host:port'],
    ['a port over 65535', 'example.com:70000', 'authority: `example.com:70000` is not a valid host:port'],
    ['an unbracketed ipv6 host', '2001:db8::1:443', 'authority: `2001:db8::1:443` is not a valid host:port'],
    ['a path after the port', 'example.com:443/x', 'authority: `example.com:443/x` is not a valid host:port'],
    ['userinfo, without echoing it', 'agent:s3cret@example.com:443', 'authority: not a valid host:port'],
  ];
  for (const [name, authority, error] of refused) {
    test(`${name} is refused`, () => assert.deepEqual(destinationFromAuthority(authority), { ok: false, error }));
  }
});
