export type {
  AgentChanges,
  AgentRecord,
  AgentRepository,
  ApiKeyRecord,
  ApiKeyRepository,
  AuditFilter,
  AuditLogItem,
  AuditLogPosition,
  AuditLogRequest,
  AuditLogSlice,
  AuditPage,
  AuditPruneContext,
  AuditPruneResult,
  AuditRepository,
  BundleRepository,
  IssuerRecord,
  IssuerRepository,
  PageRequest,
  PolicyFields,
  PolicyRecord,
  PolicyRepository,
  QuotaRecord,
  QuotaRepository,
  Store,
} from './types.js';
export { encodeAuditCursor, decodeAuditCursor } from './audit-cursor.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/open.js';
export { MIGRATIONS, type Migration } from './sqlite/migrations.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/open.js';
export { POSTGRES_MIGRATIONS } from './postgres/migrations.js';
export { AUDIT_ROWS_PER_INSERT } from './postgres/audit.js';
