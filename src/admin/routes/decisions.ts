import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/index.js';
import { Page, withErrors } from '../schemas/common.js';
import { AuditEvent, AuditQuery, ExplainBody, ExplainResult } from '../schemas/decisions.js';

export function registerDecisionRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.post<{ Body: ExplainBody }>(
    '/api/v1/decisions/explain',
    {
      schema: {
        summary: 'dry run against the bundle in force: decision, policy_id and why',
        tags: ['decisions'],
        body: ExplainBody,
        response: withErrors({ 200: ExplainResult }),
      },
    },
    async (request) => control.explain(request.body),
  );

  app.get<{ Querystring: AuditQuery }>(
    '/api/v1/audit',
    {
      schema: {
        summary: 'audit events, newest first; page with cursor',
        tags: ['audit'],
        querystring: AuditQuery,
        response: withErrors({ 200: Page(AuditEvent) }),
      },
    },
    async (request) => control.queryAudit(request.query),
  );
}
