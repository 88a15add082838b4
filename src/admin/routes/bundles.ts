// GET /bundles/current: what gateways fetch. ETag is the quoted bundle version; a gateway
// that has it gets 304, or with ?wait=N keeps the request open until the next publish
// (long poll) and gets either the new bundle or, after N seconds, 304.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SignedBundle } from '../../core/index.js';
import type { ControlPlane } from '../../control/index.js';
import { withErrors } from '../schemas/common.js';
import { BundleQuery, SignedBundle as SignedBundleSchema } from '../schemas/decisions.js';

export interface BundleRouteOptions {
  readonly control: ControlPlane;
  /** Ends every open long poll; called when the app closes. */
  readonly waiters: Set<() => void>;
}

export function etagOf(bundle: SignedBundle): string {
  return `"${bundle.manifest.version}"`;
}

/** True when If-None-Match names this ETag (weak or strong) or is `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function registerBundleRoutes(app: FastifyInstance, options: BundleRouteOptions): void {
  app.get<{ Querystring: BundleQuery }>(
    '/api/v1/bundles/current',
    {
      schema: {
        summary: 'the signed bundle in force (ETag, If-None-Match, long poll with wait)',
        tags: ['bundles'],
        querystring: BundleQuery,
        response: withErrors({ 200: SignedBundleSchema }),
      },
    },
    async (request, reply) => {
      const current = options.control.currentBundle();
      if (!matchesIfNoneMatch(request.headers['if-none-match'], etagOf(current))) return sendBundle(reply, current);
      const waitSeconds = request.query.wait ?? 0;
      const next = waitSeconds > 0 ? await waitForNewer(options, current, { waitMs: waitSeconds * 1000, response: reply.raw }) : null;
      if (next) return sendBundle(reply, next);
      return reply.code(304).header('ETag', etagOf(current)).send();
    },
  );
}

function sendBundle(reply: FastifyReply, bundle: SignedBundle): FastifyReply {
  // Sent as text, not through the response serializer: the signed manifest must reach the
  // gateway exactly as signed, whatever fields it carries.
  return reply
    .header('ETag', etagOf(bundle))
    .header('Cache-Control', 'no-cache')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(bundle));
}

/** The next bundle newer than `current`, or null when the wait ends first (timeout, client gone, app closing). */
function waitForNewer(
  options: BundleRouteOptions,
  current: SignedBundle,
  wait: { waitMs: number; response: NodeJS.EventEmitter },
): Promise<SignedBundle | null> {
  return new Promise((resolve) => {
    const finish = (bundle: SignedBundle | null): void => {
      clearTimeout(timer);
      unsubscribe();
      options.waiters.delete(cancel);
      wait.response.off('close', cancel);
      resolve(bundle);
    };
    const cancel = (): void => finish(null);
    const timer = setTimeout(cancel, wait.waitMs);
    const unsubscribe = options.control.onBundle((bundle) => {
      if (bundle.manifest.version > current.manifest.version) finish(bundle);
    });
    options.waiters.add(cancel);
    // The response closes early only when the client went away: stop waiting for it.
    wait.response.on('close', cancel);
    // A publish between reading `current` and subscribing must not be missed.
    const latest = options.control.currentBundle();
    if (latest.manifest.version > current.manifest.version) finish(latest);
  });
}
