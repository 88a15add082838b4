// The import rules of STYLE.md §1, enforced: every relative import in src/ is read and each
// edge between components is checked against the allowed table. The hot path (gateway) must
// never reach control-plane, store, admin or UI code, directly or through another component.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../src');

// component -> components it may import (core is imported by everyone but ui)
const ALLOWED: Record<string, readonly string[]> = {
  cli: ['*'],
  config: ['core'],
  core: [],
  identity: ['core'],
  policy: ['core'],
  quota: ['core'],
  audit: ['core'],
  observe: ['core'],
  pki: ['core'],
  http1: [],
  gateway: ['core', 'http1', 'identity', 'policy', 'quota', 'audit', 'observe'],
  control: ['core', 'policy', 'identity', 'audit', 'store'],
  store: ['core'],
  admin: ['control', 'core', 'observe'],
  ui: [],
};

interface Edge { from: string; to: string; file: string; specifier: string }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

function componentOf(path: string): string {
  return relative(SRC, path).split('/')[0] ?? '';
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? '';
    if (!specifier.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier);
    const from = componentOf(file);
    const to = componentOf(target);
    if (from !== to) edges.push({ from, to, file: relative(SRC, file), specifier });
  }
  return edges;
}

function forbidden(edge: Edge): boolean {
  const allowed = ALLOWED[edge.from];
  if (allowed === undefined) return true;
  return !allowed.includes('*') && !allowed.includes(edge.to);
}

const allEdges = sourceFiles(SRC).filter((f) => !f.endsWith('.test.ts')).flatMap(edgesOf);

test('every component is listed in the import table', () => {
  const components = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
  assert.deepEqual(components.filter((c) => !(c in ALLOWED)), []);
});

test('no import crosses a forbidden edge', () => {
  const bad = allEdges.filter(forbidden).map((e) => `${e.file}: ${e.from} -> ${e.to} (${e.specifier})`);
  assert.deepEqual(bad, []);
});

test('other components are imported only through their index.ts', () => {
  const inner = allEdges.filter((e) => !/\/index\.js$/.test(e.specifier)).map((e) => `${e.file}: ${e.specifier}`);
  assert.deepEqual(inner, []);
});

test('the gateway cannot reach control-plane code even transitively', () => {
  const reach = new Set(['gateway']);
  for (let grown = true; grown; ) {
    grown = false;
    for (const edge of allEdges) {
      if (reach.has(edge.from) && !reach.has(edge.to)) {
        reach.add(edge.to);
        grown = true;
      }
    }
  }
  for (const banned of ['control', 'store', 'admin', 'ui', 'cli']) assert.equal(reach.has(banned), false, `gateway reaches ${banned}`);
});

test('the checker itself catches a forbidden edge', () => {
  assert.equal(forbidden({ from: 'gateway', to: 'store', file: 'x', specifier: '../store/index.js' }), true);
  assert.equal(forbidden({ from: 'gateway', to: 'policy', file: 'x', specifier: '../policy/index.js' }), false);
  const sample = 'import { x } from "../store/index.js";\nexport { y } from \'../admin/index.js\';\nconst z = await import("../control/index.js");';
  assert.deepEqual([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2]), ['../store/index.js', '../admin/index.js', '../control/index.js']);
});
