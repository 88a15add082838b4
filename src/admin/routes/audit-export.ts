// GET /audit/export: the audit log for a time range as JSON lines, streamed page by page from
// the store (never held whole), checkpoints included, so the file can be verified on its own.

import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/index.js';
import { AuditExportBody, AuditExportQuery } from '../schemas/audit-export.js';
import { ErrorResponse } from '../schemas/common.js';

export function registerAuditExportRoute(app: FastifyInstance, control: ControlPlane): void {
  app.get<{ Querystring: AuditExportQuery }>(
    '/api/v1/audit/export',
    {
      schema: {
        summary: 'the audit log for a time range, with its checkpoints, as JSON lines (streamed)',
        tags: ['audit'],
        querystring: AuditExportQuery,
        produces: ['application/x-ndjson'],
        response: {
          200: { description: 'JSON lines', content: { 'application/x-ndjson': { schema: AuditExportBody } } },
          '4xx': ErrorResponse,
          '5xx': ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      // Checked here, before the first byte: a bad range is a 400, not a cut-off stream.
      const lines = control.exportAudit(request.query);
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', 'attachment; filename="clawgress-audit.jsonl"')
        .header('cache-control', 'no-store')
        .send(Readable.from(lines));
    },
  );
}
