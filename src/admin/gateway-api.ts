// The control plane's gateway API: what gateway nodes call, on its own listener, mTLS only.
// A peer without a certificate from the configured CA fails the TLS handshake and gets
// nothing; the certificate's CN is the gateway's name, and a gateway may send audit events
// only under its own name.
import type { TLSSocket } from 'node:tls';
import { Type, type Static } from '@sinclair/typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AuditRecord } from '../core/index.js';
import type { ControlPlane } from '../control/index.js';
import { acceptEmptyJsonBody, installErrorHandling, logAdminRequests } from './app.js';
import { reply } from './errors.js';
import { registerBundleRoutes } from './routes/bundles.js';
import { createValidatorCompiler } from './validator.js';

export interface GatewayApiOptions {
  readonly control: ControlPlane;
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly caPem: string };
  readonly bodyLimitBytes: number;
  readonly logger?: FastifyBaseLogger | false;
}

// Audit events are checked for the fields the store indexes; the rest is kept as sent, so a
// newer gateway's schema_version passes through an older control plane.
const IntakeEvent = Type.Object(
  {
    request_id: Type.String({ minLength: 1, maxLength: 128 }),
    timestamp: Type.String({ minLength: 20, maxLength: 40 }),
    gateway_id: Type.String({ minLength: 1, maxLength: 256 }),
    decision: Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('rate_limited'), Type.Literal('unauthenticated')]),
    schema_version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: true },
);
// The gateway's signed chain checkpoints travel with its events (verified later, by `audit verify`).
const IntakeCheckpoint = Type.Object(
  {
    record_type: Type.Literal('audit_checkpoint'),
    kind: Type.String({ minLength: 1, maxLength: 32 }),
    timestamp: Type.String({ minLength: 20, maxLength: 40 }),
    gateway_id: Type.String({ minLength: 1, maxLength: 256 }),
    schema_version: Type.Integer({ minimum: 1 }),
    key_id: Type.String({ minLength: 1, maxLength: 128 }),
    signature: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: true },
);
const IntakeBody = Type.Object(
  { events: Type.Array(Type.Union([IntakeEvent, IntakeCheckpoint]), { minItems: 1, maxItems: 5_000 }) },
  { additionalProperties: false },
);

function peerName(socket: unknown): string | null {
  const cert = (socket as TLSSocket).getPeerCertificate?.();
  const cn = cert?.subject?.CN;
  return typeof cn === 'string' ? cn : Array.isArray(cn) ? (cn[0] ?? null) : null;
}

export async function buildGatewayApi(options: GatewayApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    https: {
      cert: options.tls.certPem,
      key: options.tls.keyPem,
      ca: options.tls.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    bodyLimit: options.bodyLimitBytes,
    return503OnClosing: true,
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(createValidatorCompiler());
  acceptEmptyJsonBody(app);
  logAdminRequests(app);
  installErrorHandling(app, options.bodyLimitBytes);
  const waiters = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const cancel of [...waiters]) cancel();
    done();
  });
  registerBundleRoutes(app, { control: options.control, waiters });
  app.post<{ Body: Static<typeof IntakeBody> }>(
    '/api/v1/audit/intake',
    { schema: { body: IntakeBody } },
    async (request, response) => {
      const gateway = peerName(request.raw.socket);
      const foreign = request.body.events.find((event) => event.gateway_id !== gateway);
      if (foreign !== undefined) {
        const refused = reply('FORBIDDEN', `gateway \`${gateway ?? '?'}\` may not send events of gateway \`${foreign.gateway_id.slice(0, 128)}\``);
        return response.code(refused.status).send(refused.body);
      }
      // Idempotent: the store keeps one event per request_id, so a retried batch is stored once.
      const stored = await options.control.appendAudit(request.body.events as unknown as AuditRecord[]);
      return { received: request.body.events.length, stored };
    },
  );
  return app;
}
