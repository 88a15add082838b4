// Fire `count` requests through the proxy at once, each on its own keep-alive connection.
import http from 'node:http';

export interface BurstResult {
  readonly statuses: number[];
  readonly retryAfter: (string | undefined)[];
  readonly spanMs: number;
}

export async function burst(options: { proxyPort: number; auth: string; url: string; count: number }): Promise<BurstResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.count });
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: options.count }, () => new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: options.proxyPort,
          path: options.url,
          agent,
          headers: { 'proxy-authorization': `Basic ${Buffer.from(options.auth).toString('base64')}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
        },
      );
      req.on('error', reject);
      req.end();
    })),
  );
  agent.destroy();
  return { statuses: results.map((r) => r.status), retryAfter: results.map((r) => r.retryAfter), spanMs: Date.now() - started };
}

/** The bound a closed burst must meet: exactly `limit` when it fit in one window, else at
 *  most `limit` per window it spanned (and never fewer than `limit`). */
export function allowedBound(limit: number, spanMs: number): { exact: boolean; max: number } {
  return spanMs < 1_000 ? { exact: true, max: limit } : { exact: false, max: limit * Math.ceil(spanMs / 1_000) };
}
