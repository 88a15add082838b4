import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/index.js';
import { ListQuery, NoContent, Page, withErrors } from '../schemas/common.js';
import { CreateIssuerBody, Issuer, IssuerIdParams } from '../schemas/issuers.js';

const tags = ['issuers'];

export function registerIssuerRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.post<{ Body: CreateIssuerBody }>(
    '/api/v1/issuers',
    {
      schema: {
        summary: 'register a jwt issuer; takes effect at once',
        tags,
        body: CreateIssuerBody,
        response: withErrors({ 201: Issuer }),
      },
    },
    async (request, reply) => reply.code(201).send(await control.issuers.create(request.body)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/issuers',
    { schema: { summary: 'list jwt issuers', tags, querystring: ListQuery, response: withErrors({ 200: Page(Issuer) }) } },
    async (request) => control.issuers.list(request.query),
  );

  app.get<{ Params: IssuerIdParams }>(
    '/api/v1/issuers/:id',
    { schema: { summary: 'one jwt issuer', tags, params: IssuerIdParams, response: withErrors({ 200: Issuer }) } },
    async (request) => control.issuers.get(request.params.id),
  );

  app.delete<{ Params: IssuerIdParams }>(
    '/api/v1/issuers/:id',
    { schema: { summary: 'remove a jwt issuer', tags, params: IssuerIdParams, response: withErrors({ 204: NoContent }) } },
    async (request, reply) => {
      await control.issuers.delete(request.params.id);
      return reply.code(204).send();
    },
  );
}
