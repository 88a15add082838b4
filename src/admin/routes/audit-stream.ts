// GET /audit/stream: new audit events as Server-Sent Events, for the operator UI's live view.
// The browser reads it with fetch() (EventSource cannot send the Authorization header, and
// the token must never go in a URL). Filters apply on the server so a filtered view costs
// the connection nothing for events it would hide.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuditEvent } from '../../core/index.js';
import type { ControlPlane } from '../../control/index.js';
import { EventStream } from '../event-stream.js';
import { AuditStreamBody, AuditStreamQuery } from '../schemas/audit-stream.js';
import { ErrorResponse } from '../schemas/common.js';

export const HEARTBEAT_MS = 15_000;
/** Unsent bytes one connection may hold before it starts missing events: ~100-500 events. */
export const MAX_BUFFERED_BYTES = 256 * 1024;

export interface AuditStreamRouteOptions {
  readonly control: ControlPlane;
  /** Ends every open stream; called when the app closes. */
  readonly waiters: Set<() => void>;
  readonly heartbeatMs?: number;
}

export function registerAuditStreamRoute(app: FastifyInstance, options: AuditStreamRouteOptions): void {
  app.get<{ Querystring: AuditStreamQuery }>(
    '/api/v1/audit/stream',
    {
      schema: {
        summary: 'new audit events as they are stored (server-sent events), filtered by agent_id and decision',
        tags: ['audit'],
        querystring: AuditStreamQuery,
        produces: ['text/event-stream'],
        response: {
          200: { description: 'an event stream', content: { 'text/event-stream': { schema: AuditStreamBody } } },
          '4xx': ErrorResponse,
          '5xx': ErrorResponse,
        },
      },
    },
    (request, reply) => {
      openAuditStream(reply, { ...options, filter: matchesQuery(request.query) });
    },
  );
}

function matchesQuery(query: AuditStreamQuery): (event: AuditEvent) => boolean {
  return (event) =>
    (query.agent_id === undefined || event.identity?.agent_id === query.agent_id) &&
    (query.decision === undefined || event.decision === query.decision);
}

function openAuditStream(reply: FastifyReply, options: AuditStreamRouteOptions & { filter: (event: AuditEvent) => boolean }): void {
  // Hijacked: Fastify neither serializes nor ends this response; the stream owns it.
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Reverse proxies (nginx) would otherwise hold events back in their buffers.
    'x-accel-buffering': 'no',
  });
  const stream = new EventStream({ output: response, heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS, maxBufferedBytes: MAX_BUFFERED_BYTES });
  const unsubscribe = options.control.onAudit((events) => {
    for (const event of events) if (options.filter(event)) stream.send(event);
  });
  let finished = false;
  const finish = (endOutput: boolean): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    options.waiters.delete(endStream);
    stream.close({ endOutput });
  };
  const endStream = (): void => finish(true);
  options.waiters.add(endStream);
  // Closed by the client (tab closed, filter changed) or a broken socket: stop and forget it.
  response.on('close', () => finish(false));
  response.on('error', () => finish(false));
}
