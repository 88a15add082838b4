// Where and when a run happened, for the table header: numbers are only comparable within
// one run on one machine.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { PROJECT_DIR } from './clawgress.js';
import { versionOf } from './tools.js';

export interface Machine {
  readonly date: string; // RFC 3339 UTC, minutes
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  readonly kernel: string;
  readonly node: string;
  readonly load_average: string;
  readonly commit: string;
  readonly tools: Readonly<Record<string, string>>;
}

function gitCommit(): string {
  try {
    const run = (args: string[]): string => execFileSync('git', args, { cwd: PROJECT_DIR, encoding: 'utf8' }).trim();
    const dirty = run(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : ' + uncommitted changes';
    return `${run(['rev-parse', '--short', 'HEAD'])}${dirty}`;
  } catch {
    return '?';
  }
}

export function describeMachine(): Machine {
  return {
    date: `${new Date().toISOString().slice(0, 16)}Z`,
    cpu: cpus()[0]?.model.trim() ?? '?',
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    load_average: loadavg().map((value) => value.toFixed(2)).join(' '),
    commit: gitCommit(),
    tools: {
      wrk: versionOf('dpkg-query', ['-W', '-f=${Version}', 'wrk'], /^(\S+)/),
      nginx: versionOf('nginx', ['-v'], /nginx\/(\S+)/),
      squid: versionOf('squid', ['-v'], /Version (\S+)/),
    },
  };
}
