// What the load goes to: the origin directly (the baseline), or a proxy in front of it.

import { request } from 'node:http';
import { sleep } from './processes.js';

export type TargetName = 'direct' | 'clawgress' | 'squid';

export interface Target {
  readonly name: TargetName;
  /** Where the load generator connects. */
  readonly port: number;
  /** Full Proxy-Authorization value, or null (direct, squid). Never printed. */
  readonly proxyAuthorization: string | null;
  /** Root of the process tree whose CPU and memory are charged to this target; null for direct. */
  readonly rootPid: number | null;
}

export interface RequestLine {
  /** `/1k` direct, `http://127.0.0.1:PORT/1k` through a proxy. */
  readonly target: string;
  readonly host: string;
}

export function requestLineFor(target: Target, originPort: number, body: string): RequestLine {
  const host = `127.0.0.1:${originPort}`;
  return { target: target.name === 'direct' ? `/${body}` : `http://${host}/${body}`, host };
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function getStatus(target: Target, line: RequestLine): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: line.host };
    if (target.proxyAuthorization !== null) headers['proxy-authorization'] = target.proxyAuthorization;
    const outgoing = request({ host: '127.0.0.1', port: target.port, path: line.target, headers, agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.once('error', reject);
    outgoing.end();
  });
}

const HINTS: Record<number, string> = {
  407: ' (credentials missing or rejected)',
  403: ' (denied: the policy must allow the origin)',
};

/**
 * `successes` GETs in a row must answer 200, each on a new connection (so every worker of a
 * cluster is likely to be asked). Right after setup the workers may still be applying the last
 * bundles, so failures are retried until `timeoutMs`.
 */
export async function probe(target: Target, line: RequestLine, options = { successes: 10, timeoutMs: 120_000 }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let inARow = 0;
  let last = '';
  while (inARow < options.successes) {
    if (Date.now() > deadline) throw new Error(`${target.name}: probe GET ${line.target}: ${last}`);
    try {
      const status = await getStatus(target, line);
      inARow = status === 200 ? inARow + 1 : 0;
      last = `status ${status}${HINTS[status] ?? ''}`;
    } catch (error) {
      inARow = 0;
      last = error instanceof Error ? error.message : String(error);
    }
    if (inARow === 0) await sleep(250);
  }
}
