// Many proxied requests, fast: per agent an undici Pool of keep-alive connections to the proxy
// sending absolute-URI requests (what an explicit-proxy client sends), `concurrency` in flight.
import { Pool } from 'undici';

export interface LoadOptions {
  readonly proxyPort: number;
  /** `agent_id:api_key` per agent; request i goes as agent i % agents.length. */
  readonly auths: readonly string[];
  /** The absolute URL of request i. */
  readonly url: (index: number) => string;
  readonly total: number;
  readonly concurrency: number;
}

export interface LoadResult {
  readonly statuses: Map<number, number>;
  /** Latency of each request in ms, in completion order. */
  readonly latenciesMs: number[];
  readonly elapsedMs: number;
}

export async function sendMany(options: LoadOptions): Promise<LoadResult> {
  const perAgent = Math.max(1, Math.ceil(options.concurrency / options.auths.length));
  const pools = options.auths.map(() => new Pool(`http://127.0.0.1:${options.proxyPort}`, { connections: perAgent, pipelining: 1 }));
  const headers = options.auths.map((auth) => ({ 'proxy-authorization': `Basic ${Buffer.from(auth).toString('base64')}` }));
  const statuses = new Map<number, number>();
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let index = next++; index < options.total; index = next++) {
      const agent = index % options.auths.length;
      const begin = performance.now();
      const res = await (pools[agent] as Pool).request({ method: 'GET', path: options.url(index), headers: headers[agent] });
      await res.body.dump();
      latenciesMs.push(performance.now() - begin);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return { statuses, latenciesMs, elapsedMs: performance.now() - started };
}

/** The p-th percentile (0-100) of the values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
