// Admin-token check. Deny by default: every route needs the token unless its config says
// `public: true` (health, metrics, the OpenAPI document), and an unknown route needs it too,
// so probing without a token learns nothing about which routes exist.

import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { reply } from './errors.js';

const BEARER = /^Bearer +(\S+) *$/i;

export interface PublicRouteConfig {
  readonly public?: boolean;
}

export function adminAuthHook(verifyAdminToken: (token: string) => boolean): onRequestHookHandler {
  return function checkAdminToken(request: FastifyRequest, response: FastifyReply, done) {
    const config = request.routeOptions.config as PublicRouteConfig | undefined;
    if (config?.public === true || isTokenValid(request, verifyAdminToken)) {
      done();
      return;
    }
    const denied = reply('UNAUTHORIZED', 'missing or invalid admin token');
    void response.code(denied.status).header('WWW-Authenticate', 'Bearer').send(denied.body);
  };
}

function isTokenValid(request: FastifyRequest, verifyAdminToken: (token: string) => boolean): boolean {
  const header = request.headers.authorization;
  const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
  return token !== undefined && verifyAdminToken(token);
}
