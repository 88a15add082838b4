// The storage contract of the control plane. Every method returns a Promise so that a
// networked backend (PostgreSQL) can implement the same interface as embedded SQLite.
// INVARIANT: every method that writes more than one row does it in one transaction.
// Times are RFC 3339 UTC with milliseconds as Date#toISOString writes them, so they
// compare correctly as text (key expiry) in every backend.

import type {
  AgentStatus,
  AuditCheckpoint,
  AuditEvent,
  AuditRecord,
  AuthType,
  DecisionKind,
  PolicyAction,
  PolicyMatch,
  QuotaMode,
  SignedBundle,
} from '../core/index.js';

export interface AgentRecord {
  readonly agent_id: string;
  readonly team_id: string;
  readonly project_id: string;
  readonly environment: string;
  readonly auth_type: AuthType;
  readonly status: AgentStatus;
  readonly created_at: string;
  readonly updated_at: string;
}

export type AgentChanges = Partial<Pick<AgentRecord, 'team_id' | 'project_id' | 'environment' | 'status'>>;

export interface ApiKeyRecord {
  readonly id: string;
  readonly agent_id: string;
  readonly hash: string;
  readonly created_at: string;
  readonly expires_at: string | null;
}

/** A JWT issuer. Exactly one of the three key sources is non-null. */
export interface IssuerRecord {
  readonly id: string;
  readonly issuer: string;
  readonly audience: string;
  readonly jwks_url: string | null;
  readonly public_key_pem: string | null;
  readonly hs256_secret: string | null;
  readonly created_at: string;
}

/** A policy draft: what the operator edits; a bundle carries the published copy. */
export interface PolicyRecord {
  readonly policy_id: string;
  readonly version: number;
  readonly match: PolicyMatch;
  readonly action: PolicyAction;
  readonly priority: number;
  readonly enabled: boolean;
  readonly description: string | null;
  readonly updated_at: string;
}

export type PolicyFields = Omit<PolicyRecord, 'policy_id' | 'version' | 'updated_at'>;

export interface QuotaRecord {
  readonly agent_id: string;
  readonly rps_limit: number;
  readonly rpm_limit: number;
  readonly mode: QuotaMode;
  readonly updated_at: string;
}

/** Keyset paging over a repository sorted by its id: items with an id after `after`. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: string;
}

export interface AuditFilter {
  readonly agent_id?: string;
  readonly team_id?: string;
  readonly decision?: DecisionKind;
  readonly policy_id?: string;
  readonly host?: string;
  /** Epoch milliseconds, inclusive. */
  readonly since_ms?: number;
  /** Epoch milliseconds, exclusive. */
  readonly until_ms?: number;
  readonly limit: number;
  /** Opaque, from a previous page's `next_cursor`. */
  readonly cursor?: string;
}

export interface AuditPage {
  readonly items: AuditEvent[];
  readonly next_cursor: string | null;
}

export interface AgentRepository {
  /** Inserts the agent and, for an api_key agent, its first key. False when the id is taken. */
  create(agent: AgentRecord, firstKey?: ApiKeyRecord): Promise<boolean>;
  get(agentId: string): Promise<AgentRecord | null>;
  list(page: PageRequest): Promise<AgentRecord[]>;
  listAll(): Promise<AgentRecord[]>;
  /** Null when the agent does not exist. */
  update(agentId: string, changes: AgentChanges, updatedAt: string): Promise<AgentRecord | null>;
  /** Removes the agent with its keys and quota. False when it did not exist. */
  delete(agentId: string): Promise<boolean>;
}

export interface ApiKeyRepository {
  /** Oldest first; keys made at the same instant in the order they were added. */
  listForAgent(agentId: string): Promise<ApiKeyRecord[]>;
  listAll(): Promise<ApiKeyRecord[]>;
  /**
   * Adds `newKey` and caps the expiry of the agent's other keys at `othersExpireAt`
   * (a key already expiring earlier keeps its expiry). False when the agent does not exist.
   */
  rotate(newKey: ApiKeyRecord, othersExpireAt: string): Promise<boolean>;
}

export interface IssuerRepository {
  /** False when an issuer with the same issuer and audience exists. */
  create(issuer: IssuerRecord): Promise<boolean>;
  get(id: string): Promise<IssuerRecord | null>;
  list(page: PageRequest): Promise<IssuerRecord[]>;
  listAll(): Promise<IssuerRecord[]>;
  delete(id: string): Promise<boolean>;
}

export interface PolicyRepository {
  /** Stores a new draft at version 1. Null when the id is taken. */
  create(policyId: string, fields: PolicyFields, updatedAt: string): Promise<PolicyRecord | null>;
  get(policyId: string): Promise<PolicyRecord | null>;
  list(page: PageRequest): Promise<PolicyRecord[]>;
  listAll(): Promise<PolicyRecord[]>;
  /** Replaces the draft and bumps its version by one. Null when it does not exist. */
  replace(policyId: string, fields: PolicyFields, updatedAt: string): Promise<PolicyRecord | null>;
  delete(policyId: string): Promise<boolean>;
}

export interface QuotaRepository {
  get(agentId: string): Promise<QuotaRecord | null>;
  listAll(): Promise<QuotaRecord[]>;
  /** Creates or replaces the agent's quota. False when the agent does not exist. */
  put(quota: QuotaRecord): Promise<boolean>;
  delete(agentId: string): Promise<boolean>;
}

export interface BundleRepository {
  /** False when a bundle with that version exists already. */
  insert(bundle: SignedBundle): Promise<boolean>;
  latest(): Promise<SignedBundle | null>;
  get(version: number): Promise<SignedBundle | null>;
}

/**
 * A place in the audit log, in storage order: after the event with `seq` and, of the
 * checkpoints stored right after that event, after those with an id up to `checkpoint`
 * (0: none of them yet).
 */
export interface AuditLogPosition {
  readonly seq: number;
  readonly checkpoint: number;
}

export interface AuditLogItem {
  readonly position: AuditLogPosition;
  readonly record: AuditRecord;
}

/** A stretch of the log to read: everything after `after` up to event `to_seq` and its checkpoints. */
export interface AuditLogSlice {
  readonly after: AuditLogPosition;
  readonly to_seq: number;
}

export interface AuditLogRequest extends AuditLogSlice {
  readonly limit: number;
}

/** What a prune dropped. */
export interface AuditPruneResult {
  readonly partitions: readonly string[];
  readonly events: number;
  /** The signed record stored before the partitions went; null when nothing was dropped. */
  readonly record: AuditCheckpoint | null;
}

/** What a prune shows its caller before anything is dropped. */
export interface AuditPruneContext {
  /** Partitions (of events and of checkpoints) holding only records stamped before the cut-off. */
  readonly partitions: readonly string[];
  /** Events in those partitions. */
  readonly events: number;
  /** The whole log as it stands, oldest first, read inside the prune's transaction. */
  readLog(): AsyncIterable<AuditLogItem>;
}

/** Append and read only: the audit log has no update or delete path. */
export interface AuditRepository {
  /**
   * Stores the batch in one transaction, in order: events in audit_events (a request_id seen
   * before is skipped), checkpoints in audit_checkpoints, each placed after the last event
   * stored before it (a prune record before every event). Returns events added.
   */
  append(records: readonly AuditRecord[]): Promise<number>;
  /** Newest first. Paging by cursor returns every event exactly once, even while events arrive. */
  query(filter: AuditFilter): Promise<AuditPage>;
  /**
   * The stretch of the log, in storage order, from the first event stamped at or after
   * `since_ms` to the last stamped before `until_ms` (the whole log as it stands without them).
   */
  slice(range: { readonly since_ms?: number; readonly until_ms?: number }): Promise<AuditLogSlice>;
  /** Up to `limit` records of the slice after `after`, oldest first; fewer means the slice is done. */
  readLog(request: AuditLogRequest): Promise<AuditLogItem[]>;
  /**
   * Retention (PostgreSQL only: absent elsewhere): drops every monthly partition stamped
   * wholly before `before_ms`, in one transaction that holds off appends. `prepare` sees the
   * log first and returns the signed prune record to store, or null to drop nothing.
   */
  readonly prune?: (options: {
    readonly before_ms: number;
    readonly prepare: (context: AuditPruneContext) => Promise<AuditCheckpoint | null>;
  }) => Promise<AuditPruneResult>;
}

export interface Store {
  readonly agents: AgentRepository;
  readonly keys: ApiKeyRepository;
  readonly issuers: IssuerRepository;
  readonly policies: PolicyRepository;
  readonly quotas: QuotaRepository;
  readonly bundles: BundleRepository;
  readonly audit: AuditRepository;
  close(): Promise<void>;
}
