// Squid with the shared harness's configuration (../shared/bench/README.md): one process in
// the foreground, forward only (no cache), no per-request log, loopback clients only.

import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withRaisedFdLimit } from './fd-limit.js';
import { type ProcessGroup, waitForPort, type Started } from './processes.js';
import { toolEnv } from './tools.js';

export interface SquidOptions {
  readonly group: ProcessGroup;
  readonly tmpDir: string;
  readonly port: number;
  readonly fdLimit: number;
}

function squidConfig(dir: string, port: number, fdLimit: number, asRoot: boolean): string {
  return `http_port 127.0.0.1:${port}
acl bench_clients src 127.0.0.0/8
http_access allow bench_clients
http_access deny all
# forward only: nothing is cached, every request reaches the origin
cache deny all
cache_mem 0 MB
# per-request logging off (as in the shared harness); cache.log has start/stop and warnings
access_log none
cache_store_log none
cache_log ${dir}/cache.log
pid_filename ${dir}/squid.pid
coredump_dir ${dir}
${asRoot ? 'cache_effective_user proxy' : ''}
max_filedescriptors ${fdLimit}
pinger_enable off
client_db off
shutdown_lifetime 0 seconds
dns_nameservers 127.0.0.1
visible_hostname proxybench
`;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'proxy'], { encoding: 'utf8' }).trim());
}

export async function startSquid({ group, tmpDir, port, fdLimit }: SquidOptions): Promise<Started> {
  const dir = join(tmpDir, 'squid');
  mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // squid refuses to run as root; it switches to `proxy` after binding and must write its dir
  if (asRoot) chownSync(dir, idOf('-u'), idOf('-g'));
  const configFile = join(tmpDir, 'squid.conf');
  writeFileSync(configFile, squidConfig(dir, port, fdLimit, asRoot));
  execFileSync('squid', ['-k', 'parse', '-f', configFile], { env: toolEnv(), stdio: 'ignore' });
  // -N: no daemon, one process, so the PID is squid itself
  const { command, args } = withRaisedFdLimit('squid', ['-N', '-f', configFile]);
  const started = group.start({
    name: 'squid', command, args, stdoutFile: join(dir, 'stdout.log'), stderrFile: join(dir, 'cache.log'),
  });
  await waitForPort(started, port);
  return started;
}
