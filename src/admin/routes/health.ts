import type { FastifyInstance } from 'fastify';
import type { PublicRouteConfig } from '../auth.js';

export interface HealthProbes {
  liveness(): { status: number; body: unknown };
  readiness(): { status: number; body: unknown };
  metrics(): Promise<{ contentType: string; body: string }>;
}

const config: PublicRouteConfig = { public: true };
const security: never[] = [];

/** /healthz, /readyz and /metrics answer without a token: probes and scrapers hold none. */
export function registerHealthRoutes(app: FastifyInstance, health: HealthProbes): void {
  app.get('/healthz', { config, schema: { summary: 'alive', tags: ['health'], security } }, async (_request, reply) => {
    const { status, body } = health.liveness();
    return reply.code(status).send(body);
  });
  app.get(
    '/readyz',
    { config, schema: { summary: 'has a verified policy bundle', tags: ['health'], security } },
    async (_request, reply) => {
      const { status, body } = health.readiness();
      return reply.code(status).send(body);
    },
  );
  app.get('/metrics', { config, schema: { summary: 'prometheus text', tags: ['health'], security } }, async (_request, reply) => {
    const { contentType, body } = await health.metrics();
    return reply.type(contentType).send(body);
  });
}
