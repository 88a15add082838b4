// The admin API as a Fastify app (not listening: the caller decides where). Order matters:
// swagger first (it records routes as they are added), then hooks, then routes.

import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ControlPlane } from '../control/index.js';
import { adminAuthHook, type PublicRouteConfig } from './auth.js';
import { reply, toErrorReply } from './errors.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerAuditExportRoute } from './routes/audit-export.js';
import { registerAuditStreamRoute } from './routes/audit-stream.js';
import { registerBundleRoutes } from './routes/bundles.js';
import { registerDecisionRoutes } from './routes/decisions.js';
import { registerHealthRoutes, type HealthProbes } from './routes/health.js';
import { registerIssuerRoutes } from './routes/issuers.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerUiRoutes, type UiConfig } from './routes/ui.js';
import { createValidatorCompiler } from './validator.js';

export interface AdminAppOptions {
  readonly control: ControlPlane;
  /** Constant-time comparison against the admin token; the caller owns the token. */
  readonly verifyAdminToken: (token: string) => boolean;
  readonly bodyLimitBytes: number;
  /** A pino logger, or false (the default) for none. */
  readonly logger?: FastifyBaseLogger | false;
  readonly health: HealthProbes;
  /** What the operator UI needs beyond the API (the proxy address for HTTPS_PROXY lines). */
  readonly uiConfig?: UiConfig;
}

export async function buildAdminApp(options: AdminAppOptions): Promise<FastifyInstance> {
  const app = createFastify(options);
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON only: without the text/plain parser any other content type is a 415.
  app.removeContentTypeParser('text/plain');
  acceptEmptyJsonBody(app);
  logAdminRequests(app);
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
  registerQuotaRoutes(app, options.control);
  registerDecisionRoutes(app, options.control);
  registerBundleRoutes(app, { control: options.control, waiters });
  registerAuditStreamRoute(app, { control: options.control, waiters });
  registerAuditExportRoute(app, options.control);
  registerUiRoutes(app, { ...(options.uiConfig ? { config: options.uiConfig } : {}) });
  return app;
}

/** `curl -X POST -H 'content-type: application/json' …/publish` sends no body: treat it as
 *  none (routes with a body schema still answer 400), and keep Fastify's safe parser otherwise. */
export function acceptEmptyJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body.toString(), done);
  });
}

/** Changes are an operator trail worth keeping at info; reads only at debug. Bodies are never logged. */
export function logAdminRequests(app: FastifyInstance): void {
  app.addHook('onResponse', (request, response, done) => {
    const level = request.method === 'GET' || request.method === 'HEAD' ? 'debug' : 'info';
    const path = request.url.split('?', 1)[0];
    request.log[level]({ method: request.method, path, status: response.statusCode, ms: Math.round(response.elapsedTime) }, 'admin api request');
    done();
  });
}

function createFastify(options: AdminAppOptions): FastifyInstance {
  const common = {
    bodyLimit: options.bodyLimitBytes,
    return503OnClosing: true,
    // Requests are logged once by logAdminRequests, at a level that depends on the method.
    logController: new LogController({ disableRequestLogging: true }),
  };
  if (options.logger) return Fastify({ ...common, loggerInstance: options.logger }) as unknown as FastifyInstance;
  return Fastify({ ...common, logger: false });
}

export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
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
