import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/index.js';
import {
  Agent,
  AgentIdParams,
  AgentWithKey,
  CreateAgentBody,
  PatchAgentBody,
  RotateKeyBody,
} from '../schemas/agents.js';
import { ListQuery, NoContent, Page, withErrors } from '../schemas/common.js';

const tags = ['agents'];

export function registerAgentRoutes(app: FastifyInstance, control: ControlPlane): void {
  registerAgentReads(app, control);
  registerAgentWrites(app, control);
  registerKeyRotation(app, control);
}

function registerAgentWrites(app: FastifyInstance, control: ControlPlane): void {
  app.post<{ Body: CreateAgentBody }>(
    '/api/v1/agents',
    {
      schema: {
        summary: 'register an agent; an api_key agent gets its key in this answer only',
        tags,
        body: CreateAgentBody,
        response: withErrors({ 201: AgentWithKey }),
      },
    },
    async (request, reply) => reply.code(201).send(await control.agents.create(request.body)),
  );

  app.patch<{ Params: AgentIdParams; Body: PatchAgentBody }>(
    '/api/v1/agents/:agent_id',
    {
      schema: {
        summary: 'change team, project, environment or status; takes effect at once',
        tags,
        params: AgentIdParams,
        body: PatchAgentBody,
        response: withErrors({ 200: Agent }),
      },
    },
    async (request) => control.agents.update(request.params.agent_id, request.body),
  );

  app.delete<{ Params: AgentIdParams }>(
    '/api/v1/agents/:agent_id',
    { schema: { summary: 'remove an agent and its keys', tags, params: AgentIdParams, response: withErrors({ 204: NoContent }) } },
    async (request, reply) => {
      await control.agents.delete(request.params.agent_id);
      return reply.code(204).send();
    },
  );
}

function registerKeyRotation(app: FastifyInstance, control: ControlPlane): void {
  app.post<{ Params: AgentIdParams; Body: RotateKeyBody }>(
    '/api/v1/agents/:agent_id/keys',
    {
      schema: {
        summary: 'rotate the api key: a new key, the current ones expire after overlap_seconds',
        tags,
        params: AgentIdParams,
        body: RotateKeyBody,
        response: withErrors({ 201: AgentWithKey }),
      },
      // The body is optional: no body means the default overlap.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
    },
    async (request, reply) => reply.code(201).send(await control.keys.rotate(request.params.agent_id, request.body)),
  );
}

function registerAgentReads(app: FastifyInstance, control: ControlPlane): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/agents',
    { schema: { summary: 'list agents by agent_id', tags, querystring: ListQuery, response: withErrors({ 200: Page(Agent) }) } },
    async (request) => control.agents.list(request.query),
  );

  app.get<{ Params: AgentIdParams }>(
    '/api/v1/agents/:agent_id',
    { schema: { summary: 'one agent', tags, params: AgentIdParams, response: withErrors({ 200: Agent }) } },
    async (request) => control.agents.get(request.params.agent_id),
  );
}
