// Where the operator UI's files are and how they are served safely. The UI is plain browser
// ES modules in src/ui (no build step); the three libraries it imports come from node_modules.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Only these kinds of file are served; anything else (sources, tests, dotfiles) is a 404. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export function contentTypeOf(path: string): string | undefined {
  return CONTENT_TYPES[extname(path).toLowerCase()];
}

/**
 * The src/ui folder seen from a module of this component: `../../ui` when running from src
 * (tsx), `../../../src/ui` when running compiled from dist (tsconfig.build excludes src/ui).
 */
export function findUiRoot(moduleUrl: string): string | null {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [resolve(here, '../../ui'), resolve(here, '../../../src/ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * The file `relativePath` names inside `root`, or null when it would leave the folder
 * (`..`, an absolute path, a symlink pointing out), is hidden, is not a served type or is
 * not a regular file (no directory listings).
 */
export async function resolveInside(root: string, relativePath: string): Promise<string | null> {
  if (relativePath.includes('\0') || contentTypeOf(relativePath) === undefined) return null;
  if (relativePath.split(/[\\/]/).some((segment) => segment.startsWith('.'))) return null;
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, relativePath);
  if (!candidate.startsWith(realRoot + sep)) return null;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(realRoot + sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The libraries the import map in index.html points at, by the name served under /ui/vendor/. */
export function vendorFiles(): ReadonlyMap<string, string> {
  const require = createRequire(import.meta.url);
  const find = (name: string, resolveIt: () => string): [string, string] => {
    let path: string | null = null;
    try {
      path = resolveIt();
    } catch {
      // reported below
    }
    if (path === null || !existsSync(path)) throw new Error(`operator ui: \`${name}\` not found in node_modules: reinstall the package`);
    return [name, path];
  };
  return new Map([
    find('preact.mjs', () => require.resolve('preact')),
    find('hooks.mjs', () => require.resolve('preact/hooks')),
    // htm's main entry is CommonJS; the ES module sits beside it.
    find('htm.mjs', () => join(dirname(require.resolve('htm')), 'htm.module.js')),
  ]);
}

/** index.html and the CSP hash of its one inline script, the import map. */
export function loadIndexPage(root: string): { html: string; importMapHash: string } {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (importMap === undefined) throw new Error(`operator ui: \`${join(root, 'index.html')}\` has no import map`);
  return { html, importMapHash: `sha256-${createHash('sha256').update(importMap, 'utf8').digest('base64')}` };
}

/** No inline script but the import map (by hash), nothing from another origin, no framing. */
export function contentSecurityPolicy(importMapHash: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' '${importMapHash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
