import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Health, HealthAnswer } from './health.js';

type Route = (health: Health) => Promise<{ status: number; contentType: string; body: string }>;

const JSON_TYPE = 'application/json; charset=utf-8';

const ROUTES: Readonly<Record<string, Route>> = {
  '/healthz': async (health) => jsonAnswer(health.liveness()),
  '/readyz': async (health) => jsonAnswer(health.readiness()),
  '/metrics': async (health) => ({ status: 200, ...(await health.metrics()) }),
};

/**
 * GET /healthz, /readyz and /metrics for roles without the admin app (a gateway node).
 * Anything else is 404, and a known path with another method is 405. The caller listens.
 */
export function createHealthServer(health: Health): Server {
  return createServer((request, response) => {
    answer(health, request, response).catch(() => {
      // The error's details stay out of the answer; a probe needs only the status.
      send(response, { status: 500, contentType: JSON_TYPE, body: errorBody('internal error') });
    });
  });
}

async function answer(health: Health, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (route === undefined) {
    send(response, { status: 404, contentType: JSON_TYPE, body: errorBody(`no route for \`${path}\``) });
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    send(response, { status: 405, contentType: JSON_TYPE, body: errorBody(`method \`${request.method}\` is not allowed`) });
    return;
  }
  send(response, await route(health));
}

function jsonAnswer(answer: HealthAnswer): { status: number; contentType: string; body: string } {
  return { status: answer.status, contentType: JSON_TYPE, body: JSON.stringify(answer.body) };
}

function errorBody(message: string): string {
  return JSON.stringify({ error: message });
}

function send(response: ServerResponse, answer: { status: number; contentType: string; body: string }): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    'cache-control': 'no-store',
  });
  response.end(answer.body);
}
