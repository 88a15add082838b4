import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/index.js';
import { AgentIdParams } from '../schemas/agents.js';
import { NoContent, Page, withErrors } from '../schemas/common.js';
import { Quota, QuotaBody } from '../schemas/quotas.js';

const tags = ['quotas'];

export function registerQuotaRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.get(
    '/api/v1/quotas',
    { schema: { summary: 'every agent quota', tags, response: withErrors({ 200: Page(Quota) }) } },
    async () => control.quotas.list(),
  );

  app.get<{ Params: AgentIdParams }>(
    '/api/v1/quotas/:agent_id',
    { schema: { summary: 'one agent quota', tags, params: AgentIdParams, response: withErrors({ 200: Quota }) } },
    async (request) => control.quotas.get(request.params.agent_id),
  );

  app.put<{ Params: AgentIdParams; Body: QuotaBody }>(
    '/api/v1/quotas/:agent_id',
    {
      schema: {
        summary: 'set an agent quota; takes effect at once',
        tags,
        params: AgentIdParams,
        body: QuotaBody,
        response: withErrors({ 200: Quota }),
      },
    },
    async (request) => control.quotas.put(request.params.agent_id, request.body),
  );

  app.delete<{ Params: AgentIdParams }>(
    '/api/v1/quotas/:agent_id',
    { schema: { summary: 'remove an agent quota', tags, params: AgentIdParams, response: withErrors({ 204: NoContent }) } },
    async (request, reply) => {
      await control.quotas.delete(request.params.agent_id);
      return reply.code(204).send();
    },
  );
}
