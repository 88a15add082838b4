// Open-loop HTTP load generator (its own process, so its CPU is measured apart from the
// harness): N keep-alive connections, a fixed total rate, latency measured from each request's
// scheduled time, after an unmeasured warm-up at the same rate (--warmup, default 1s).
// Prints one JSON line (OpenLoopResult) on stdout, after `PHASE measuring` and `PHASE measured`
// lines that mark the measured phase as it happens (the harness counts the target's CPU over
// exactly that window).
//
//   node --import tsx bench/open-loop.ts --port 3128 --target http://127.0.0.1:8080/1k \
//     --host-header 127.0.0.1:8080 --conns 2000 --rate 2000 --duration 10s
//
// Proxy-Authorization comes from the environment (BENCH_PROXY_AUTH, the full header value),
// never from argv, where any local user could read it. With BENCH_PROXY_AUTH_FILE (one header
// value a line), each request carries the next line's, round robin: the many-agents level.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from './lib/duration.js';
import { OpenLoop, type OpenLoopOptions } from './lib/open-loop-engine.js';

function fail(message: string): never {
  process.stderr.write(`open-loop: ${message}\n`);
  process.exit(2);
}

function positiveInt(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) fail(`--${name}: \`${value}\` is not a positive integer`);
  return parsed;
}

function seconds(name: string, value: string): number {
  return parseDuration(value) ?? fail(`--${name}: \`${value}\` is not a duration like 10s`);
}

export function buildRequest(target: string, hostHeader: string, proxyAuthorization: string | undefined): Buffer {
  const auth = proxyAuthorization ? `Proxy-Authorization: ${proxyAuthorization}\r\n` : '';
  return Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${hostHeader}\r\n${auth}\r\n`, 'latin1');
}

/** One Proxy-Authorization value per request variant (undefined: none). */
function authorizations(): (string | undefined)[] {
  const file = process.env.BENCH_PROXY_AUTH_FILE;
  if (file === undefined || file === '') return [process.env.BENCH_PROXY_AUTH];
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  if (lines.length === 0) fail(`BENCH_PROXY_AUTH_FILE: \`${file}\` holds no credentials`);
  return lines;
}

function readOptions(): OpenLoopOptions {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      target: { type: 'string', default: '/1k' },
      'host-header': { type: 'string' },
      conns: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '2000' },
      duration: { type: 'string', default: '10s' },
      warmup: { type: 'string', default: '1s' },
      timeout: { type: 'string', default: '10s' },
      'connect-batch': { type: 'string', default: '100' },
    },
  });
  if (values.port === undefined) fail('--port is required');
  const port = positiveInt('port', values.port);
  return {
    host: values.host,
    port,
    requests: authorizations().map((auth) => buildRequest(values.target, values['host-header'] ?? `${values.host}:${port}`, auth)),
    conns: positiveInt('conns', values.conns),
    rate: positiveInt('rate', values.rate),
    durationS: seconds('duration', values.duration),
    warmupS: values.warmup === '0' ? 0 : seconds('warmup', values.warmup),
    timeoutS: seconds('timeout', values.timeout),
    connectBatch: positiveInt('connect-batch', values['connect-batch']),
    onPhase: (phase) => void process.stdout.write(`PHASE ${phase}\n`),
  };
}

async function main(): Promise<void> {
  const result = await new OpenLoop(readOptions()).run();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
