import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/index.js';
import { ListQuery, NoContent, Page, withErrors } from '../schemas/common.js';
import { CreatePolicyBody, Policy, PolicyIdParams, PublishResult, ReplacePolicyBody } from '../schemas/policies.js';

const tags = ['policies'];

export function registerPolicyRoutes(app: FastifyInstance, control: ControlPlane): void {
  registerPolicyReads(app, control);
  registerPolicyWrites(app, control);
  registerPublish(app, control);
}

function registerPolicyWrites(app: FastifyInstance, control: ControlPlane): void {
  app.post<{ Body: CreatePolicyBody }>(
    '/api/v1/policies',
    {
      schema: {
        summary: 'create a policy draft at version 1; it takes effect on publish',
        tags,
        body: CreatePolicyBody,
        response: withErrors({ 201: Policy }),
      },
    },
    async (request, reply) => reply.code(201).send(await control.policies.create(request.body)),
  );

  app.put<{ Params: PolicyIdParams; Body: ReplacePolicyBody }>(
    '/api/v1/policies/:policy_id',
    {
      schema: {
        summary: 'replace a policy draft; its version goes up by one',
        tags,
        params: PolicyIdParams,
        body: ReplacePolicyBody,
        response: withErrors({ 200: Policy }),
      },
    },
    async (request) => control.policies.replace(request.params.policy_id, request.body),
  );

  app.delete<{ Params: PolicyIdParams }>(
    '/api/v1/policies/:policy_id',
    {
      schema: {
        summary: 'delete a policy draft; the bundle in force keeps it until the next publish',
        tags,
        params: PolicyIdParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await control.policies.delete(request.params.policy_id);
      return reply.code(204).send();
    },
  );
}

function registerPolicyReads(app: FastifyInstance, control: ControlPlane): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/policies',
    {
      schema: {
        summary: 'list policy drafts by policy_id, with the version published',
        tags,
        querystring: ListQuery,
        response: withErrors({ 200: Page(Policy) }),
      },
    },
    async (request) => control.policies.list(request.query),
  );

  app.get<{ Params: PolicyIdParams }>(
    '/api/v1/policies/:policy_id',
    { schema: { summary: 'one policy draft', tags, params: PolicyIdParams, response: withErrors({ 200: Policy }) } },
    async (request) => control.policies.get(request.params.policy_id),
  );
}

function registerPublish(app: FastifyInstance, control: ControlPlane): void {
  app.post(
    '/api/v1/policies/publish',
    {
      schema: {
        summary: 'compile, sign and publish the enabled drafts with the registry',
        tags,
        response: withErrors({ 200: PublishResult }),
      },
    },
    async () => control.publish(),
  );
}
