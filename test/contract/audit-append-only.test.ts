// Append-only in the code, not only in the database: no statement in src/ updates, deletes or
// truncates an audit table, the only DROP TABLE of audit data is retention's (whole partitions,
// after a signed prune record), and the audit repository offers nothing but append and read.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { openSqliteStore } from '../../src/store/index.js';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

function matching(pattern: RegExp): string[] {
  return files.filter((file) => pattern.test(file.text)).map((file) => file.path);
}

it('no code updates, deletes or truncates an audit table', () => {
  assert.deepEqual(matching(/\b(UPDATE\s+audit_\w+|DELETE\s+FROM\s+audit_\w+|TRUNCATE\s+(TABLE\s+)?audit_\w+)/i), []);
});

it('audit data is dropped only by retention, and by the migration that moved it into partitions', () => {
  assert.deepEqual(matching(/DROP\s+TABLE/i).sort(), ['store/postgres/audit-prune.ts', 'store/postgres/migrations.ts']);
});

it('the audit repository can only append and read', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  assert.deepEqual(Object.keys(store.audit).sort(), ['append', 'query', 'readLog', 'slice']);
  await store.close();
  const declared = /export interface AuditRepository \{([\s\S]*?)\n\}/.exec(readFileSync(join(SRC, 'store/types.ts'), 'utf8'))?.[1] ?? '';
  const members = [...declared.matchAll(/^\s{2}(?:readonly\s+)?(\w+)\??[(:]/gm)].map((m) => m[1]).sort();
  assert.deepEqual(members, ['append', 'prune', 'query', 'readLog', 'slice']);
});
