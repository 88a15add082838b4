// A PostgreSQL server of the test's own, in a temp dir on a free port, that the test may stop
// and start again (an outage) without touching the shared server on 5432. Run as the
// `postgres` user when the test runs as root (the server refuses root); setpriv execs the
// server in place, so the child's PID is the postmaster's and a signal reaches it directly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './wait.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PrivatePostgres {
  readonly url: string;
  /** Fast shutdown (SIGINT): clients are cut off at once. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** Where initdb and postgres live, or null (the reason a test skips). */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'postgres')) && existsSync(join(d, 'initdb')));
  return dir ?? null;
}

export async function startPrivatePostgres(binDir: string): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'clawgress-pg-'));
  const asPostgres = runAs(dir);
  const data = join(dir, 'data');
  const init = spawnSync(asPostgres[0] as string, [...asPostgres.slice(1), join(binDir, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let server: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const args = [join(binDir, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
    server = spawn(asPostgres[0] as string, [...asPostgres.slice(1), ...args], { stdio: 'ignore' });
    await waitUntilAccepting(`postgres://postgres@127.0.0.1:${port}/postgres`);
  };
  const stop = async (): Promise<void> => {
    const running = server;
    server = null;
    if (running === null || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGINT');
    });
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The command prefix that runs a program as `postgres` when we are root; the dir is handed over. */
function runAs(dir: string): string[] {
  if (process.getuid?.() !== 0) return ['/usr/bin/env'];
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, uid, gid);
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'];
}

async function waitUntilAccepting(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`private postgresql did not start: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
