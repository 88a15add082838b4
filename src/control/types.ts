// What the control plane offers its callers (admin API, CLI wiring, all-in-one process).
// Views never carry key hashes or hs256 secrets: only the signed bundle does.

import type {
  AgentStatus,
  AuditEvent,
  AuditRecord,
  AuthType,
  PolicyAction,
  PolicyMatch,
  QuotaMode,
  SignedBundle,
} from '../core/index.js';

export interface ListOptions {
  /** 1-1000; 100 when absent. */
  readonly limit?: number;
  /** Opaque, from a previous page's `next_cursor`. */
  readonly cursor?: string;
}

export interface ListPage<T> {
  readonly items: T[];
  readonly next_cursor: string | null;
}

export interface AgentInput {
  readonly agent_id: string;
  readonly team_id: string;
  readonly project_id: string;
  readonly environment: string;
  readonly auth_type: AuthType;
  readonly status?: AgentStatus;
}

export interface AgentPatch {
  readonly team_id?: string;
  readonly project_id?: string;
  readonly environment?: string;
  readonly status?: AgentStatus;
}

/** An API key's metadata; the key itself is shown once and its hash never. */
export interface AgentKeyView {
  readonly key_id: string;
  readonly created_at: string;
  readonly expires_at: string | null;
}

export interface AgentView {
  readonly agent_id: string;
  readonly team_id: string;
  readonly project_id: string;
  readonly environment: string;
  readonly auth_type: AuthType;
  readonly status: AgentStatus;
  readonly created_at: string;
  readonly updated_at: string;
  readonly keys: AgentKeyView[];
}

/** The answer to creating an api_key agent or rotating its key: the only time the key is shown. */
export interface AgentWithKey extends AgentView {
  readonly api_key: string;
}

export interface RotateOptions {
  /** How long the agent's current keys stay valid, 0-604800 s; 3600 s when absent. */
  readonly overlap_seconds?: number;
}

export interface IssuerInput {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks_url?: string;
  readonly public_key_pem?: string;
  readonly hs256_secret?: string;
}

export type IssuerKeyType = 'jwks_url' | 'public_key_pem' | 'hs256_secret';

export interface IssuerView {
  readonly id: string;
  readonly issuer: string;
  readonly audience: string;
  readonly key_type: IssuerKeyType;
  readonly jwks_url?: string;
  readonly public_key_pem?: string;
  readonly created_at: string;
}

export interface PolicyBody {
  readonly match: PolicyMatch;
  readonly action: PolicyAction;
  readonly priority: number;
  readonly enabled?: boolean;
  readonly description?: string;
}

export interface PolicyInput extends PolicyBody {
  readonly policy_id: string;
}

export interface PolicyView {
  readonly policy_id: string;
  readonly version: number;
  readonly match: PolicyMatch;
  readonly action: PolicyAction;
  readonly priority: number;
  readonly enabled: boolean;
  readonly description?: string;
  readonly updated_at: string;
  /** The version of this policy in the bundle in force, or null when it is not in it. */
  readonly published_version: number | null;
}

export interface PublishResult {
  readonly version: number;
  readonly content_hash: string;
  readonly created_at: string;
}

export interface ExplainInput {
  readonly agent_id: string;
  readonly method: string;
  readonly url: string;
}

/** A policy decision, or a deny before policy (disabled agent) with a null policy_id. */
export interface ExplainResult {
  readonly decision: PolicyAction;
  readonly policy_id: string | null;
  readonly reason: string;
}

export interface AuditQuery {
  readonly agent_id?: string;
  readonly team_id?: string;
  readonly decision?: string;
  readonly policy_id?: string;
  readonly host?: string;
  /** RFC 3339, inclusive. */
  readonly since?: string;
  /** RFC 3339, exclusive. */
  readonly until?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface AuditExportQuery {
  /** RFC 3339: from the first event stamped at or after it (storage order from there on). */
  readonly since?: string;
  /** RFC 3339: up to the last event stamped before it. */
  readonly until?: string;
}

export type BundleListener = (bundle: SignedBundle) => void;

/** Told about each stored batch of audit events (the operator UI's live view). */
export type AuditListener = (events: readonly AuditEvent[]) => void;

export interface AgentService {
  create(input: AgentInput): Promise<AgentView | AgentWithKey>;
  list(options?: ListOptions): Promise<ListPage<AgentView>>;
  get(agentId: string): Promise<AgentView>;
  update(agentId: string, patch: AgentPatch): Promise<AgentView>;
  delete(agentId: string): Promise<void>;
}

export interface KeyService {
  rotate(agentId: string, options?: RotateOptions): Promise<AgentWithKey>;
}

export interface IssuerService {
  create(input: IssuerInput): Promise<IssuerView>;
  list(options?: ListOptions): Promise<ListPage<IssuerView>>;
  get(id: string): Promise<IssuerView>;
  delete(id: string): Promise<void>;
}

export interface PolicyService {
  create(input: PolicyInput): Promise<PolicyView>;
  list(options?: ListOptions): Promise<ListPage<PolicyView>>;
  get(policyId: string): Promise<PolicyView>;
  replace(policyId: string, body: PolicyBody): Promise<PolicyView>;
  delete(policyId: string): Promise<void>;
}

export interface QuotaInput {
  readonly rps_limit: number;
  readonly rpm_limit: number;
  readonly mode: QuotaMode;
}

export interface QuotaView extends QuotaInput {
  readonly agent_id: string;
  readonly updated_at: string;
}

export interface QuotaService {
  list(): Promise<ListPage<QuotaView>>;
  get(agentId: string): Promise<QuotaView>;
  /** Creates or replaces the agent's quota and publishes at once. */
  put(agentId: string, input: QuotaInput): Promise<QuotaView>;
  delete(agentId: string): Promise<void>;
}

export interface ControlPlane {
  readonly agents: AgentService;
  readonly quotas: QuotaService;
  readonly keys: KeyService;
  readonly issuers: IssuerService;
  readonly policies: PolicyService;
  /** Compiles the enabled policy drafts with the registry into a new signed bundle. */
  publish(): Promise<PublishResult>;
  /** The bundle in force: what gateways enforce. */
  currentBundle(): SignedBundle;
  /** Called after every publish with the new bundle; returns the unsubscribe function. */
  onBundle(listener: BundleListener): () => void;
  /** Dry run against the bundle in force. */
  explain(input: ExplainInput): Promise<ExplainResult>;
  /**
   * Stores a batch of audit records (events, and the checkpoints of a node that seals a hash
   * chain) in order; returns how many events were new.
   */
  appendAudit(batch: readonly AuditRecord[]): Promise<number>;
  /**
   * Called after each appendAudit that stored new events, with its batch; returns the
   * unsubscribe function. A batch that repeats only events stored before is not reported.
   */
  onAudit(listener: AuditListener): () => void;
  queryAudit(query: AuditQuery): Promise<ListPage<AuditEvent>>;
  /**
   * The log in storage order for a time range, checkpoints included, as JSON lines: an export
   * header first, then one record per line. Read page by page, never whole.
   */
  exportAudit(query: AuditExportQuery): AsyncIterable<string>;
}
