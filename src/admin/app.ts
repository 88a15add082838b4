// The admin API as a Fastify app (not listening: the caller decides where). Order matters:
// swagger first (it records routes as they are added), then hooks, then routes.

import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ControlPlane } from '../control/index.js';
import { adminAuthHook, type PublicRouteConfig } from './auth.js';
import { reply, toErrorReply } from './errors.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerBundleRoutes } from './routes/bundles.js';
import { registerDecisionRoutes } from './routes/decisions.js';
import { registerHealthRoutes, type HealthProbes } from './routes/health.js';
import { registerIssuerRoutes } from './routes/issuers.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { createValidatorCompiler } from './validator.js';

export interface AdminAppOptions {
  readonly control: ControlPlane;
  /** Constant-time comparison against the admin token; the caller owns the token. */
  readonly verifyAdminToken: (token: string) => boolean;
  readonly bodyLimitBytes: number;
  /** A pino logger, or false (the default) for none. */
  readonly logger?: FastifyBaseLogger | false;
  readonly health: HealthProbes;
}

export async function buildAdminApp(options: AdminAppOptions): Promise<FastifyInstance> {
  const app = createFastify(options);
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON only: without the text/plain parser any other content type is a 415.
  app.removeContentTypeParser('text/plain');
  await app.register(swagger, openApiOptions());
  installErrorHandling(app, options.bodyLimitBytes);
  app.addHook('onRequest', adminAuthHook(options.verifyAdminToken));

  const waiters = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const cancel of [...waiters]) cancel();
    done();
  });
  registerHealthRoutes(app, options.health);
  registerOpenApiRoute(app);
  registerAgentRoutes(app, options.control);
  registerPolicyRoutes(app, options.control);
  registerIssuerRoutes(app, options.control);
  registerDecisionRoutes(app, options.control);
  registerBundleRoutes(app, { control: options.control, waiters });
  return app;
}

function createFastify(options: AdminAppOptions): FastifyInstance {
  const common = { bodyLimit: options.bodyLimitBytes, return503OnClosing: true };
  if (options.logger) return Fastify({ ...common, loggerInstance: options.logger }) as unknown as FastifyInstance;
  return Fastify({ ...common, logger: false });
}

function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((error, request, response) => {
    const mapped = toErrorReply(error, { bodyLimitBytes });
    if (mapped.internal) request.log.error({ err: error }, 'admin api: internal error');
    return response.code(mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, response) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const notFound = reply('NOT_FOUND', `route \`${request.method} ${path.slice(0, 200)}\` not found`);
    return response.code(notFound.status).send(notFound.body);
  });
}

function openApiOptions() {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Clawgress admin API', version: '1' },
      components: { securitySchemes: { adminToken: { type: 'http' as const, scheme: 'bearer' } } },
      security: [{ adminToken: [] }],
    },
  };
}

function registerOpenApiRoute(app: FastifyInstance): void {
  const config: PublicRouteConfig = { public: true };
  app.get('/api/v1/openapi.json', { config, schema: { hide: true } }, async () => app.swagger());
}
