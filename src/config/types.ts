// The shapes of the settings table and of the loaded configuration.

export type Role = 'serve' | 'gateway' | 'control-plane';

export const ROLES: readonly Role[] = ['serve', 'gateway', 'control-plane'];

/** How the text a user gave turns into a typed value. */
export type ParseKind = 'string' | 'int' | 'bool' | 'list' | 'host-port' | 'cidr-list' | 'duration-ms' | 'bytes';

export interface Setting {
  /** camelCase key in Config, e.g. `gatewayListen`. */
  readonly key: string;
  /** `--gateway-listen`; null for secrets, which come only from env or file, never argv (`ps` shows argv). */
  readonly flag: string | null;
  /** `CLAWGRESS_GATEWAY_LISTEN`; also the key used in config files. */
  readonly env: string;
  /** The typed default, in the setting's unit (ms for durations, bytes for sizes). */
  readonly default: unknown;
  /** Shown in help instead of the default value when the default is computed or absent. */
  readonly defaultText?: string;
  /** Placeholder for the value in help, e.g. `DIR`; derived from `parse` when absent. */
  readonly valueName?: string;
  /** JSON schema for the parsed value (ajv). */
  readonly schema: object;
  readonly parse: ParseKind;
  readonly roles: readonly Role[];
  readonly secret?: boolean;
  /** One line, with unit. */
  readonly help: string;
}

export interface HostPort {
  /** IPv6 without brackets, as node:net takes it. */
  readonly host: string;
  readonly port: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** One readonly field per setting. Durations are milliseconds, sizes are bytes. */
export interface Config {
  readonly gatewayListen: HostPort;
  readonly adminListen: HostPort;
  readonly dataDir: string;
  /** CIDR strings as given, e.g. `10.0.0.0/8`, `fd00::/8`; each one checked by node:net. */
  readonly allowInternal: readonly string[];
  readonly gatewayId: string;
  readonly logLevel: LogLevel;
  /** `sqlite` or a postgres:// URL. */
  readonly store: string;
  readonly workers: number;
  readonly heapGrowth: number;
  /** `memory` or a redis:// / rediss:// URL. */
  readonly quotaBackend: string;
  readonly quotaTimeout: number;
  readonly quotaFailMode: 'fail_closed' | 'fail_open';
  readonly auditStdout: boolean;
  readonly auditQueueSize: number;
  readonly auditBatchSize: number;
  readonly adminBodyLimit: number;
  /** null: generate one on first start. */
  readonly adminToken: string | null;
  readonly upstreamConnectTimeout: number;
  readonly upstreamResponseTimeout: number;
  readonly clientHeaderTimeout: number;
  readonly clientIdleTimeout: number;
  readonly tunnelIdleTimeout: number;
  readonly maxHeaderSize: number;
  readonly shutdownGrace: number;
  readonly jwtClockSkew: number;
  readonly controlPlane: string | null;
  readonly gatewayApiListen: HostPort;
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  readonly tlsCa: string | null;
  readonly bundlePublicKey: string | null;
  readonly keyHashSecretFile: string | null;
  /** The config file that was read, or null. */
  readonly config: string | null;
}

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export type ConfigResult =
  | {
      ok: true;
      config: Readonly<Config>;
      /** Where each setting of the role came from; settings of other roles are absent. */
      sources: Record<string, ConfigSource>;
    }
  | { ok: false; error: string; code: string };
