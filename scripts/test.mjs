#!/usr/bin/env node
// The whole test suite: build, typecheck, lint, then every *.test.ts under src/, test/ and
// bench/ (the benchmark's own pure parts; the benchmark itself never runs here) with
// node:test (TypeScript loaded through tsx). Node 20's --test takes no globs, so the files
// are listed here. Pass file paths to run only those.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
if (only.length === 0) {
  run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('npx', ['eslint', '.']);
}
const files = only.length > 0 ? only : [...findTests('src'), ...findTests('test'), ...findTests('bench')].sort();
// Integration tests start real processes and bind ports: two files at a time fits 2 cores.
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files]);
