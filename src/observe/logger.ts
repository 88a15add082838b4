import { pino } from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Where lines go; stderr (fd 2) when absent. Tests pass a stream to read the output. */
  destination?: pino.DestinationStream;
}

// Field names whose values are secrets wherever they appear in a logged object.
const SECRET_KEYS = [
  'api_key',
  'key',
  'token',
  'admin_token',
  'access_token',
  'refresh_token',
  'jwt',
  'secret',
  'hs256_secret',
  'key_hash_secret',
  'password',
  'private_key',
  'private_key_pem',
  'authorization',
  '["proxy-authorization"]',
  'cookie',
  '["set-cookie"]',
];

// pino's `*` matches one level only, so each key is listed at the top level and under one
// or two parents: `token`, `agent.token`, `req.headers.authorization`.
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const child = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${child}`, `*.*${child}`];
});

/**
 * The process log: JSON lines on stderr, because stdout carries the audit JSON lines.
 * Secrets are replaced by `[redacted]` before a line is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.name !== undefined) settings.name = options.name;
  // Synchronous writes: the lines just before a crash are the ones an operator needs, and
  // per-request records go to the audit queue, not to this log.
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(settings, destination);
}
