// The operator UI: GET / is the page, GET /ui/* its files, GET /ui/config.json what the page
// cannot learn from the API (the proxy address for the HTTPS_PROXY line). None of these
// needs the admin token: they hold no data; every data call the page makes goes to /api/v1
// with the token.

import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PublicRouteConfig } from '../auth.js';
import { reply as errorReply } from '../errors.js';
import { contentSecurityPolicy, contentTypeOf, findUiRoot, loadIndexPage, resolveInside, vendorFiles } from '../ui-assets.js';

export interface UiConfig {
  /** host:port agents use as their proxy; a function when it is known only after listen(). */
  readonly proxyAddress?: string | (() => string | undefined);
}

export interface UiRouteOptions {
  readonly config?: UiConfig;
  /** The folder with index.html; found beside the code when absent. */
  readonly root?: string;
}

const config = { public: true } satisfies PublicRouteConfig;
const schema = { hide: true };

export function registerUiRoutes(app: FastifyInstance, options: UiRouteOptions = {}): void {
  const root = options.root ?? findUiRoot(import.meta.url);
  if (root === null) throw new Error('operator ui: folder `src/ui` not found beside the admin code');
  const index = loadIndexPage(root);
  const vendor = vendorFiles();
  const headers = securityHeaders(contentSecurityPolicy(index.importMapHash));

  app.get('/', { config, schema }, async (_request, reply) =>
    reply.headers(headers).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index.html),
  );
  app.get('/ui/config.json', { config, schema }, async (_request, reply) =>
    reply.headers(headers).header('cache-control', 'no-store').send({ proxy_address: proxyAddressOf(options.config) }),
  );
  app.get('/ui/vendor/:name', { config, schema }, async (request, reply) => {
    const path = vendor.get((request.params as { name: string }).name);
    return path === undefined ? notFound(reply) : sendFile(reply.headers(headers), path);
  });
  app.get('/ui/*', { config, schema }, async (request, reply) => {
    const path = await resolveInside(root, (request.params as { '*': string })['*']);
    return path === null ? notFound(reply) : sendFile(reply.headers(headers), path);
  });
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

function proxyAddressOf(config: UiConfig | undefined): string | null {
  const address = config?.proxyAddress;
  return (typeof address === 'function' ? address() : address) ?? null;
}

/** Small files, read on each request so they are never stale; the ETag saves the transfer. */
async function sendFile(reply: FastifyReply, path: string): Promise<FastifyReply> {
  const info = await stat(path);
  const etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (reply.request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(contentTypeOf(path) ?? 'application/octet-stream').send(await readFile(path));
}

function notFound(reply: FastifyReply): FastifyReply {
  const path = reply.request.url.split('?', 1)[0] ?? '';
  const missing = errorReply('NOT_FOUND', `ui file \`${path.slice(0, 200)}\` not found`);
  return reply.code(missing.status).send(missing.body);
}
