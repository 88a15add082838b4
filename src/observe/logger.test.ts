import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

/** Collects every line the logger writes. */
function captureLines(): { lines: () => Record<string, unknown>[]; destination: Writable } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, destination };
}

const SECRETS = {
  api_key: 'cgk_SECRET_API_KEY',
  token: 'SECRET_ADMIN_TOKEN',
  authorization: 'Bearer SECRET_JWT',
  proxy: 'Basic SECRET_BASIC',
  hs256: 'SECRET_HS256',
  pem: '-----BEGIN PRIVATE KEY-----SECRET_PEM',
};

void test('secrets in a logged object never reach the output, at any usual depth', () => {
  const { lines, destination } = captureLines();
  const logger = createLogger({ level: 'info', destination });
  logger.info(
    {
      api_key: SECRETS.api_key,
      agent: { agent_id: 'agent-1', token: SECRETS.token },
      req: { headers: { authorization: SECRETS.authorization, 'proxy-authorization': SECRETS.proxy, host: 'a.example' } },
      issuer: { hs256_secret: SECRETS.hs256 },
      private_key_pem: SECRETS.pem,
    },
    'request seen',
  );
  const output = JSON.stringify(lines());
  for (const secret of Object.values(SECRETS)) assert.equal(output.includes(secret), false, secret);
  const [line] = lines();
  assert.deepEqual(line?.['req'], {
    headers: { authorization: '[redacted]', 'proxy-authorization': '[redacted]', host: 'a.example' },
  });
  assert.equal((line?.['agent'] as Record<string, unknown>)['agent_id'], 'agent-1', 'other fields stay');
});

void test('secrets bound on a child logger are redacted too', () => {
  const { lines, destination } = captureLines();
  createLogger({ level: 'info', destination }).child({ admin_token: SECRETS.token }).info('started');
  assert.equal(lines()[0]?.['admin_token'], '[redacted]');
});

void test('the logger carries its name and honours its level', () => {
  const { lines, destination } = captureLines();
  const logger = createLogger({ level: 'warn', name: 'gateway', destination });
  logger.info('hidden');
  logger.warn('shown');
  assert.deepEqual(
    lines().map((line) => [line['name'], line['msg']]),
    [['gateway', 'shown']],
  );
  assert.match(String(lines()[0]?.['time']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});
