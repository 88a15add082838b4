// The one settings table. Help, the effective-config listing and the loader are all driven
// from it, so a setting exists once and everything about it is written here.
import { availableParallelism, hostname } from 'node:os';
import { deepFreeze } from './freeze.js';
import type { Config, Role, Setting } from './types.js';
import { LOG_LEVELS } from './types.js';

const ALL: readonly Role[] = ['serve', 'gateway', 'control-plane'];
const PROXY: readonly Role[] = ['serve', 'gateway'];
const ADMIN: readonly Role[] = ['serve', 'control-plane'];

const KIB = 1024;
const MIB = 1024 * KIB;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const hostPortSchema = {
  type: 'object',
  required: ['host', 'port'],
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
  },
};
const nonEmptyString = { type: 'string', minLength: 1 };

function integerBetween(minimum: number, maximum: number): object {
  return { type: 'integer', minimum, maximum };
}

/** Ties each entry's key and default to the Config field, so the table and the type agree. */
function define<K extends keyof Config>(setting: Setting & { key: K; default: Config[K] }): Setting {
  return deepFreeze(setting);
}

export const SETTINGS: readonly Setting[] = Object.freeze([
  define({
    key: 'gatewayListen', flag: '--gateway-listen', env: 'CLAWGRESS_GATEWAY_LISTEN', parse: 'host-port',
    default: { host: '127.0.0.1', port: 3128 }, schema: hostPortSchema, roles: PROXY,
    help: 'explicit proxy listen address, IPv6 as [::1]:3128, port 0 picks a free port',
  }),
  define({
    key: 'adminListen', flag: '--admin-listen', env: 'CLAWGRESS_ADMIN_LISTEN', parse: 'host-port',
    default: { host: '127.0.0.1', port: 8080 }, schema: hostPortSchema, roles: ALL,
    help: 'listen address of the admin API, operator UI, /healthz, /readyz and /metrics; a gateway serves the last three',
  }),
  define({
    key: 'dataDir', flag: '--data-dir', env: 'CLAWGRESS_DATA_DIR', parse: 'string', valueName: 'DIR',
    default: './.clawgress', schema: nonEmptyString, roles: ALL,
    help: 'directory for the SQLite store, signing keys and the last verified bundle',
  }),
  define({
    key: 'allowInternal', flag: '--allow-internal', env: 'CLAWGRESS_ALLOW_INTERNAL', parse: 'cidr-list',
    default: [], defaultText: 'none', schema: { type: 'array', items: nonEmptyString }, roles: PROXY,
    help: 'internal address ranges destinations may resolve to (policy must still allow them)',
  }),
  define({
    key: 'gatewayId', flag: '--gateway-id', env: 'CLAWGRESS_GATEWAY_ID', parse: 'string', valueName: 'ID',
    default: hostname(), defaultText: 'the host name', schema: nonEmptyString, roles: PROXY,
    help: 'name of this gateway in audit events and metrics',
  }),
  define({
    key: 'logLevel', flag: '--log-level', env: 'CLAWGRESS_LOG_LEVEL', parse: 'string', valueName: 'LEVEL',
    default: 'info', schema: { type: 'string', enum: LOG_LEVELS }, roles: ALL,
    help: `log level, one of ${LOG_LEVELS.join(', ')}`,
  }),
  define({
    key: 'store', flag: '--store', env: 'CLAWGRESS_STORE', parse: 'string', valueName: 'URL',
    default: 'sqlite', schema: { type: 'string', pattern: '^(sqlite|postgres(ql)?://[^\\s]+)$' }, roles: ADMIN,
    help: 'control-plane store: `sqlite` (a file in --data-dir) or postgres://USER@HOST:PORT/DB (put a password-bearing URL in the environment, not argv)',
  }),
  define({
    key: 'workers', flag: '--workers', env: 'CLAWGRESS_WORKERS', parse: 'int', valueName: 'N',
    default: Math.min(availableParallelism(), 64), defaultText: 'the number of cores', schema: integerBetween(1, 64), roles: PROXY,
    help: 'gateway worker processes sharing the proxy port, 1..64 (rate limits stay exact across them)',
  }),
  define({
    key: 'heapGrowth', flag: '--heap-growth', env: 'CLAWGRESS_HEAP_GROWTH', parse: 'int', valueName: 'PERCENT',
    default: 100, schema: integerBetween(0, 300), roles: ALL,
    help: 'how far past what the last full garbage collection kept each process\'s JavaScript heap may grow before the next one, 0..300 percent (0: V8 decides, up to 300; lower: less memory, more collecting)',
  }),
  define({
    key: 'quotaBackend', flag: '--quota-backend', env: 'CLAWGRESS_QUOTA_BACKEND', parse: 'string', valueName: 'URL',
    default: 'memory', schema: { type: 'string', pattern: '^(memory|rediss?://[^\\s]+)$' }, roles: PROXY,
    help: 'where rate-limit counters live: `memory` (this node) or redis://HOST:PORT[/DB] shared by every node (put a password-bearing URL in the environment, not argv)',
  }),
  define({
    key: 'quotaTimeout', flag: '--quota-timeout', env: 'CLAWGRESS_QUOTA_TIMEOUT', parse: 'duration-ms',
    default: 100, schema: integerBetween(1, 10 * SECOND), roles: PROXY,
    help: 'longest wait for the rate-limit backend before --quota-fail-mode applies, 1ms..10s (the in-process counters of a multi-worker node get at least 1s)',
  }),
  define({
    key: 'quotaFailMode', flag: '--quota-fail-mode', env: 'CLAWGRESS_QUOTA_FAIL_MODE', parse: 'string', valueName: 'MODE',
    default: 'fail_closed', schema: { type: 'string', enum: ['fail_closed', 'fail_open'] }, roles: PROXY,
    help: 'hard_stop agents when the rate-limit backend cannot answer: fail_closed answers 429, fail_open lets requests through marked (alert_only agents always pass)',
  }),
  define({
    key: 'auditStdout', flag: '--audit-stdout', env: 'CLAWGRESS_AUDIT_STDOUT', parse: 'bool',
    default: true, schema: { type: 'boolean' }, roles: PROXY,
    help: 'also write audit events to stdout as JSON lines (--no-audit-stdout turns it off)',
  }),
  define({
    key: 'auditQueueSize', flag: '--audit-queue-size', env: 'CLAWGRESS_AUDIT_QUEUE_SIZE', parse: 'int',
    default: 10_000, schema: integerBetween(1, 10_000_000), roles: PROXY,
    help: 'audit events held in memory before new ones are dropped and counted, 1..10000000 events',
  }),
  define({
    key: 'auditBatchSize', flag: '--audit-batch-size', env: 'CLAWGRESS_AUDIT_BATCH_SIZE', parse: 'int',
    default: 500, schema: integerBetween(1, 100_000), roles: PROXY,
    help: 'audit events written or sent per batch, 1..100000 events',
  }),
  define({
    key: 'adminBodyLimit', flag: '--admin-body-limit', env: 'CLAWGRESS_ADMIN_BODY_LIMIT', parse: 'bytes',
    default: 1 * MIB, schema: integerBetween(1 * KIB, 100 * MIB), roles: ADMIN,
    help: 'largest admin API request body, 1KiB..100MiB',
  }),
  define({
    key: 'adminToken', flag: null, env: 'CLAWGRESS_ADMIN_TOKEN', parse: 'string', secret: true,
    default: null, defaultText: 'generated on first start', schema: { type: 'string', nullable: true, minLength: 32 },
    roles: ADMIN, help: 'admin API bearer token, at least 32 characters',
  }),
  define({
    key: 'upstreamConnectTimeout', flag: '--upstream-connect-timeout', env: 'CLAWGRESS_UPSTREAM_CONNECT_TIMEOUT',
    parse: 'duration-ms', default: 10 * SECOND, schema: integerBetween(1, 10 * MINUTE), roles: PROXY,
    help: 'time to connect to a destination (504 after it), 1ms..10m',
  }),
  define({
    key: 'upstreamResponseTimeout', flag: '--upstream-response-timeout', env: 'CLAWGRESS_UPSTREAM_RESPONSE_TIMEOUT',
    parse: 'duration-ms', default: 60 * SECOND, schema: integerBetween(1, HOUR), roles: PROXY,
    help: 'time from request sent to upstream response headers (504 after it), 1ms..1h',
  }),
  define({
    key: 'clientHeaderTimeout', flag: '--client-header-timeout', env: 'CLAWGRESS_CLIENT_HEADER_TIMEOUT',
    parse: 'duration-ms', default: 10 * SECOND, schema: integerBetween(1, 10 * MINUTE), roles: PROXY,
    help: 'time a client has to send complete request headers, 1ms..10m',
  }),
  define({
    key: 'clientIdleTimeout', flag: '--client-idle-timeout', env: 'CLAWGRESS_CLIENT_IDLE_TIMEOUT',
    parse: 'duration-ms', default: 60 * SECOND, schema: integerBetween(1, HOUR), roles: PROXY,
    help: 'keep-alive idle time before a client connection is closed, 1ms..1h',
  }),
  define({
    key: 'tunnelIdleTimeout', flag: '--tunnel-idle-timeout', env: 'CLAWGRESS_TUNNEL_IDLE_TIMEOUT',
    parse: 'duration-ms', default: 300 * SECOND, schema: integerBetween(1, 24 * HOUR), roles: PROXY,
    help: 'idle time before a CONNECT tunnel is closed, 1ms..24h',
  }),
  define({
    key: 'maxHeaderSize', flag: '--max-header-size', env: 'CLAWGRESS_MAX_HEADER_SIZE', parse: 'bytes',
    default: 16 * KIB, schema: integerBetween(1 * KIB, 1 * MIB), roles: PROXY,
    help: 'largest request or response header block (431 or 502 over it), 1KiB..1MiB',
  }),
  define({
    key: 'shutdownGrace', flag: '--shutdown-grace', env: 'CLAWGRESS_SHUTDOWN_GRACE', parse: 'duration-ms',
    default: 10 * SECOND, schema: integerBetween(0, 10 * MINUTE), roles: ALL,
    help: 'time open connections get to finish on SIGTERM, 0..10m',
  }),
  define({
    key: 'jwtClockSkew', flag: '--jwt-clock-skew', env: 'CLAWGRESS_JWT_CLOCK_SKEW', parse: 'duration-ms',
    default: 30 * SECOND, schema: integerBetween(0, 10 * MINUTE), roles: PROXY,
    help: 'clock difference tolerated on JWT exp and nbf, 0..10m',
  }),
  define({
    key: 'controlPlane', flag: '--control-plane', env: 'CLAWGRESS_CONTROL_PLANE', parse: 'string', valueName: 'URL',
    default: null, defaultText: 'none (required)', schema: { type: 'string', nullable: true, pattern: '^https://[^\\s/]+(:\\d+)?/?$' },
    roles: ['gateway'], help: 'control plane gateway API, https://HOST:PORT (mTLS: --tls-cert, --tls-key, --tls-ca)',
  }),
  define({
    key: 'gatewayApiListen', flag: '--gateway-api-listen', env: 'CLAWGRESS_GATEWAY_API_LISTEN', parse: 'host-port',
    default: { host: '127.0.0.1', port: 8443 }, schema: hostPortSchema, roles: ['control-plane'],
    help: 'mTLS listener for gateways (bundles, audit intake), HOST:PORT',
  }),
  define({
    key: 'tlsCert', flag: '--tls-cert', env: 'CLAWGRESS_TLS_CERT', parse: 'string', valueName: 'FILE',
    default: null, defaultText: 'none (required)', schema: { type: 'string', nullable: true, minLength: 1 }, roles: ['gateway', 'control-plane'],
    help: 'this process\'s certificate for gateway <-> control plane mTLS (PEM; `clawgress pki issue`)',
  }),
  define({
    key: 'tlsKey', flag: '--tls-key', env: 'CLAWGRESS_TLS_KEY', parse: 'string', valueName: 'FILE',
    default: null, defaultText: 'none (required)', schema: { type: 'string', nullable: true, minLength: 1 }, roles: ['gateway', 'control-plane'],
    help: 'the private key of --tls-cert (PEM, mode 0600)',
  }),
  define({
    key: 'tlsCa', flag: '--tls-ca', env: 'CLAWGRESS_TLS_CA', parse: 'string', valueName: 'FILE',
    default: null, defaultText: 'none (required)', schema: { type: 'string', nullable: true, minLength: 1 }, roles: ['gateway', 'control-plane'],
    help: 'the CA that signed the peer\'s certificate; nothing else is trusted (`clawgress pki init`)',
  }),
  define({
    key: 'bundlePublicKey', flag: '--bundle-public-key', env: 'CLAWGRESS_BUNDLE_PUBLIC_KEY', parse: 'string', valueName: 'FILE',
    default: null, defaultText: 'none (required)', schema: { type: 'string', nullable: true, minLength: 1 }, roles: ['gateway'],
    help: 'the Ed25519 public key (PEM) bundles must verify against: the control plane\'s signing-key.pub.pem',
  }),
  define({
    key: 'keyHashSecretFile', flag: '--key-hash-secret-file', env: 'CLAWGRESS_KEY_HASH_SECRET_FILE', parse: 'string', valueName: 'FILE',
    default: null, defaultText: 'none (required)', schema: { type: 'string', nullable: true, minLength: 1 }, roles: ['gateway'],
    help: 'the HMAC key API keys are hashed under: the control plane\'s key-hash.secret (mode 0600)',
  }),
  define({
    key: 'config', flag: '--config', env: 'CLAWGRESS_CONFIG', parse: 'string', valueName: 'FILE',
    default: null, defaultText: 'none', schema: { type: 'string', nullable: true, minLength: 1 }, roles: ALL,
    help: 'file of CLAWGRESS_*=value lines, read before the environment and flags',
  }),
]);

/** Settings that no longer exist; naming one fails with its replacement. */
export interface RemovedSetting {
  readonly flag: string;
  readonly env: string;
  readonly replacement: keyof Config;
}

export const REMOVED: readonly RemovedSetting[] = Object.freeze([
  { flag: '--listen', env: 'CLAWGRESS_LISTEN', replacement: 'gatewayListen' },
]);

export function findSettingByKey(key: string): Setting | undefined {
  return SETTINGS.find((setting) => setting.key === key);
}

export function settingsForRole(role: Role): readonly Setting[] {
  return SETTINGS.filter((setting) => setting.roles.includes(role));
}
