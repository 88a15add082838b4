// The origin every target forwards to: nginx with one worker serving /1k and /100k with
// keep-alive and no access log, exactly as ../shared/bench/run configures it; a Node origin
// (bench/node-origin.mjs) when nginx is not installed.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withRaisedFdLimit } from './fd-limit.js';
import { type ProcessGroup, waitForPort, type Started } from './processes.js';
import { commandExists } from './tools.js';

export interface Origin {
  readonly kind: 'nginx' | 'node';
  readonly port: number;
  readonly started: Started;
}

export interface OriginOptions {
  readonly group: ProcessGroup;
  readonly tmpDir: string;
  readonly port: number;
  readonly fdLimit: number;
}

export async function startOrigin(options: OriginOptions): Promise<Origin> {
  const started = commandExists('nginx') ? startNginx(options) : startNodeOrigin(options);
  await waitForPort(started, options.port);
  return { kind: started.name === 'nginx' ? 'nginx' : 'node', port: options.port, started };
}

function nginxConfig(tmpDir: string, port: number, fdLimit: number): string {
  // One worker: the origin must not take more than its share of the 2 cores. keepalive_requests
  // is raised because the default (1000) would close every 1000th connection mid-run.
  return `daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile ${fdLimit};
pid ${tmpDir}/nginx.pid;
error_log ${tmpDir}/nginx-error.log warn;
events { worker_connections ${fdLimit - 100}; }
http {
  access_log off;
  sendfile on;
  keepalive_timeout 300s;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=3600s;
  open_file_cache_valid 3600s;
  default_type application/octet-stream;
  client_body_temp_path ${tmpDir}/nginx-tmp/body;
  proxy_temp_path ${tmpDir}/nginx-tmp/proxy;
  fastcgi_temp_path ${tmpDir}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${tmpDir}/nginx-tmp/uwsgi;
  scgi_temp_path ${tmpDir}/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${tmpDir}/www;
  }
}
`;
}

function startNginx({ group, tmpDir, port, fdLimit }: OriginOptions): Started {
  mkdirSync(join(tmpDir, 'www'), { recursive: true });
  mkdirSync(join(tmpDir, 'nginx-tmp'), { recursive: true });
  writeFileSync(join(tmpDir, 'www', '1k'), 'a'.repeat(1024), { mode: 0o644 });
  writeFileSync(join(tmpDir, 'www', '100k'), 'b'.repeat(102_400), { mode: 0o644 });
  writeFileSync(join(tmpDir, 'nginx.conf'), nginxConfig(tmpDir, port, fdLimit));
  const { command, args } = withRaisedFdLimit('nginx', ['-e', join(tmpDir, 'nginx-error.log'), '-p', tmpDir, '-c', join(tmpDir, 'nginx.conf')]);
  return group.start({
    name: 'nginx', command, args, stdoutFile: join(tmpDir, 'nginx.out'), stderrFile: join(tmpDir, 'nginx-error.log'),
  });
}

function startNodeOrigin({ group, tmpDir, port }: OriginOptions): Started {
  const script = new URL('../node-origin.mjs', import.meta.url).pathname;
  const { command, args } = withRaisedFdLimit(process.execPath, [script, String(port)]);
  return group.start({
    name: 'node-origin', command, args, stdoutFile: join(tmpDir, 'origin.out'), stderrFile: join(tmpDir, 'origin.err'),
  });
}
