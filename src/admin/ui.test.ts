import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ADMIN_TOKEN, startHarness, type Harness } from './harness.test.js';
import { buildAdminApp, type UiConfig } from './index.js';
import { findUiRoot, loadIndexPage, resolveInside } from './ui-assets.js';

const UI_ROOT = resolve(import.meta.dirname, '../ui');

async function appWith(h: Harness, uiConfig: UiConfig) {
  return buildAdminApp({
    control: h.control,
    verifyAdminToken: (token) => token === ADMIN_TOKEN,
    bodyLimitBytes: 65_536,
    health: {
      liveness: () => ({ status: 200, body: {} }),
      readiness: () => ({ status: 200, body: {} }),
      metrics: async () => ({ contentType: 'text/plain', body: '' }),
    },
    uiConfig,
  });
}

describe('operator ui: served files', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('serves the page without a token, with a CSP that allows only its import map inline', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page.body)![1]!;
    const hash = createHash('sha256').update(importMap).digest('base64');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /^default-src 'self'; /);
    assert.ok(csp.includes(`script-src 'self' 'sha256-${hash}';`), csp);
    assert.equal(page.body.match(/<script/g)?.length, 2, 'the import map and one module script, nothing else inline');
    assert.match(page.body, /<script type="module" src="\/ui\/app\.js"><\/script>/);
  });

  const assets: [string, string, RegExp][] = [
    ['the app module', '/ui/app.js', /^text\/javascript; charset=utf-8$/],
    ['the stylesheet', '/ui/style.css', /^text\/css; charset=utf-8$/],
    ['the icon', '/ui/favicon.svg', /^image\/svg\+xml$/],
    ['preact from node_modules', '/ui/vendor/preact.mjs', /^text\/javascript; charset=utf-8$/],
    ['preact hooks from node_modules', '/ui/vendor/hooks.mjs', /^text\/javascript; charset=utf-8$/],
    ['htm from node_modules', '/ui/vendor/htm.mjs', /^text\/javascript; charset=utf-8$/],
  ];
  for (const [name, url, type] of assets) {
    it(`serves ${name} with its content type and nosniff`, async () => {
      const answer = await h.app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 200);
      assert.match(String(answer.headers['content-type']), type);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      assert.ok(answer.body.length > 0);
    });
  }

  it('serves the ES module builds of the libraries the import map names', async () => {
    for (const url of ['/ui/vendor/preact.mjs', '/ui/vendor/hooks.mjs', '/ui/vendor/htm.mjs']) {
      assert.match((await h.app.inject({ method: 'GET', url })).body, /\bexport\s*(\{|default\b)/, url);
    }
    const importMap = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec((await h.app.inject({ method: 'GET', url: '/' })).body)![1]!);
    assert.deepEqual(importMap.imports, { preact: '/ui/vendor/preact.mjs', 'preact/hooks': '/ui/vendor/hooks.mjs', htm: '/ui/vendor/htm.mjs' });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await h.app.inject({ method: 'GET', url: '/ui/app.js' });
    const again = await h.app.inject({ method: 'GET', url: '/ui/app.js', headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  const refused: [string, string][] = [
    ['a parent folder, encoded', '/ui/..%2f..%2fpackage.json'],
    ['an absolute path', '/ui/%2fetc%2fpasswd'],
    ['a vendor name that is a path', '/ui/vendor/..%2f..%2fpackage.json'],
    ['a vendor file not in the import map', '/ui/vendor/compat.mjs'],
    ['the folder itself (no listing)', '/ui/'],
    ['a hidden file', '/ui/.eslintrc.json'],
    ['a type that is not served (TypeScript declarations)', '/ui/sse.d.ts'],
    ['a file that does not exist', '/ui/missing.js'],
    ['a NUL byte', '/ui/app.js%00.css'],
  ];
  for (const [name, url] of refused) {
    it(`answers 404 for ${name}`, async () => {
      const answer = await h.app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 404);
      assert.equal(answer.json().code, 'CLAWGRESS_ERR_NOT_FOUND');
      assert.doesNotMatch(answer.body, /"name":\s*"clawgress"|root:/);
    });
  }

  it('never serves a file for encoded dots: the router reads them as another route, behind the token', async () => {
    const answer = await h.app.inject({ method: 'GET', url: '/ui/%2e%2e/%2e%2e/package.json' });
    assert.equal(answer.statusCode, 401);
    assert.doesNotMatch(answer.body, /"name":\s*"clawgress"/);
  });

  it('answers 404 for a raw, unnormalized ../ path over a real socket', async () => {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (h.app.server.address() as AddressInfo).port;
    const status = await new Promise<number>((done, fail) => {
      http.get({ host: '127.0.0.1', port, path: '/ui/../../package.json' }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      }).on('error', fail);
    });
    assert.equal(status, 404);
  });

  it('keeps the API behind the token', async () => {
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/v1/agents' })).statusCode, 401);
  });

  const configs: [string, UiConfig, string | null][] = [
    ['no proxy address when the caller gave none', {}, null],
    ['the proxy address given as a string', { proxyAddress: '10.0.0.5:3128' }, '10.0.0.5:3128'],
    ['the proxy address known only after listen', { proxyAddress: () => '127.0.0.1:40123' }, '127.0.0.1:40123'],
  ];
  for (const [name, uiConfig, expected] of configs) {
    it(`config.json says ${name}`, async () => {
      const app = await appWith(h, uiConfig);
      const answer = await app.inject({ method: 'GET', url: '/ui/config.json' });
      await app.close();
      assert.equal(answer.statusCode, 200);
      assert.deepEqual(answer.json(), { proxy_address: expected });
    });
  }
});

describe('operator ui: finding and resolving files', () => {
  let outside: string;
  let root: string;
  before(() => {
    outside = mkdtempSync(join(tmpdir(), 'clawgress-ui-'));
    root = join(outside, 'ui');
    mkdirSync(join(root, 'nested'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<script type="importmap">{"imports":{}}</script>');
    writeFileSync(join(root, 'nested', 'a.js'), 'export {};');
    writeFileSync(join(outside, 'secret.js'), 'secret');
    symlinkSync(join(outside, 'secret.js'), join(root, 'link.js'));
  });
  after(() => rmSync(outside, { recursive: true, force: true }));

  const cases: [string, string, string | null][] = [
    ['a file in a subfolder resolves', 'nested/a.js', 'nested/a.js'],
    ['a parent folder is refused', '../secret.js', null],
    ['a parent folder inside the path is refused', 'nested/../../secret.js', null],
    ['an absolute path is refused', '/etc/hostname.js', null],
    ['a symlink pointing out is refused', 'link.js', null],
    ['a folder is refused', 'nested', null],
    ['a folder with a served extension is refused', 'nested.js', null],
  ];
  for (const [name, path, expected] of cases) {
    it(name, async () => {
      assert.equal(await resolveInside(root, path), expected === null ? null : join(root, expected));
    });
  }

  it('finds src/ui from the admin routes in src (tsx) and in dist (compiled)', () => {
    const repo = resolve(import.meta.dirname, '../..');
    assert.equal(findUiRoot(pathToFileURL(join(repo, 'src/admin/routes/ui.ts')).href), UI_ROOT);
    assert.equal(findUiRoot(pathToFileURL(join(repo, 'dist/admin/routes/ui.js')).href), UI_ROOT);
    assert.equal(findUiRoot(pathToFileURL(join(outside, 'elsewhere/a/b/c.js')).href), null);
  });

  it('refuses an index page without an import map', () => {
    writeFileSync(join(outside, 'index.html'), '<p>no scripts</p>');
    assert.throws(() => loadIndexPage(outside), /has no import map$/);
  });
});
