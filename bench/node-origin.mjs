// Fallback origin when nginx is not installed: /1k and /100k static bodies, keep-alive.
// One process, like the nginx origin's one worker. Usage: node bench/node-origin.mjs PORT
import { createServer } from 'node:http';

const bodies = { '/1k': Buffer.alloc(1024, 'a'), '/100k': Buffer.alloc(102400, 'b') };
const server = createServer((request, response) => {
  const body = bodies[request.url];
  if (body === undefined) {
    response.writeHead(404, { 'content-length': 0 }).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
});
server.keepAliveTimeout = 300_000;
server.headersTimeout = 310_000;
server.maxRequestsPerSocket = 0;
server.listen({ host: '127.0.0.1', port: Number(process.argv[2]), backlog: 4096 });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
