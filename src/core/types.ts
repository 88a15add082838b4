// Shared domain vocabulary. Field names follow SPEC.md exactly: they are the wire contract.

export type AuthType = 'jwt' | 'api_key';
export type AgentStatus = 'active' | 'disabled';

/** The canonical identity bound to a request (SPEC §2). */
export interface Identity {
  readonly agent_id: string;
  readonly team_id: string;
  readonly project_id: string;
  readonly environment: string;
  readonly auth_type: AuthType;
  readonly status: AgentStatus;
}

export type Scheme = 'http' | 'https';

/** Where a request wants to go. For a CONNECT tunnel, method is `CONNECT` and path is ``. */
export interface Destination {
  readonly scheme: Scheme;
  readonly host: string; // lower-case, no trailing dot, IPv6 without brackets
  readonly port: number;
  readonly method: string; // upper-case
  readonly path: string; // path only, no query string
}

export type PolicyAction = 'allow' | 'deny';

export interface PolicyMatch {
  readonly agents?: readonly string[];
  readonly teams?: readonly string[];
  readonly projects?: readonly string[];
  readonly environments?: readonly string[];
  readonly domains?: readonly string[];
  readonly methods?: readonly string[];
  readonly path_prefixes?: readonly string[];
  readonly ports?: readonly number[];
}

export interface Policy {
  readonly policy_id: string;
  readonly version: number;
  readonly match: PolicyMatch;
  readonly action: PolicyAction;
  readonly priority: number;
  readonly enabled: boolean;
  readonly description?: string;
}

/** The outcome of policy evaluation: a value, never a throw. */
export interface PolicyDecision {
  readonly decision: PolicyAction;
  readonly policy_id: string; // `default-deny` when nothing matched
  readonly reason: string;
}

export type DecisionKind = 'allow' | 'deny' | 'rate_limited' | 'unauthenticated';

export type QuotaMode = 'hard_stop' | 'alert_only';

export interface Quota {
  readonly agent_id: string;
  readonly rps_limit: number;
  readonly rpm_limit: number;
  readonly mode: QuotaMode;
}

/** One API-key hash an agent accepts; `expires_at` is set on keys being rotated out. */
export interface KeyHash {
  readonly hash: string; // hex HMAC-SHA256 of the key under the deployment's key-hash secret
  readonly expires_at: string | null; // RFC 3339, null = no expiry
}

/** An agent as the gateway sees it in a bundle. */
export interface BundleAgent extends Identity {
  readonly key_hashes: readonly KeyHash[];
}

/** A registered JWT issuer. Exactly one of the three key sources is set. */
export interface Issuer {
  readonly id: string;
  readonly issuer: string;
  readonly audience: string;
  readonly jwks_url?: string;
  readonly public_key_pem?: string;
  readonly hs256_secret?: string;
}

/** What a bundle carries: everything the gateway needs to decide, and nothing else. */
export interface BundleContent {
  readonly policies: readonly Policy[];
  readonly agents: readonly BundleAgent[];
  readonly issuers: readonly Issuer[];
  readonly quotas: readonly Quota[];
}

/** Signed part of a bundle: the content hash binds the content to the signature. */
export interface BundleManifest {
  readonly version: number;
  readonly created_at: string;
  readonly content_hash: string; // `sha256:<hex>` over canonical JSON of the content
}

export interface SignedBundle {
  readonly manifest: BundleManifest;
  readonly signature: string; // base64 Ed25519 over canonical JSON of the manifest
  readonly content: BundleContent;
}

/**
 * The audit schema today's builder writes. Readers accept every version up to it:
 * 1 (no hash chain) and 2 (`prev_hash` and `hash` on every event, checkpoints in the log).
 */
export const AUDIT_SCHEMA_VERSION = 2;

/** One audit record per decision (SPEC §6). Built only by audit's event builder. */
export interface AuditEvent {
  readonly request_id: string;
  readonly timestamp: string;
  readonly identity: Identity | null;
  readonly destination: Destination;
  readonly decision: DecisionKind;
  readonly policy_id: string | null;
  readonly bundle_version: number | null;
  readonly reason: string;
  readonly latency_ms: number;
  readonly bytes_in: number;
  readonly bytes_out: number;
  readonly status: number | null;
  readonly gateway_id: string;
  readonly schema_version: number;
  /**
   * Hash of the event before this one on the same gateway chain (the chain's genesis hash for
   * the first one). Schema 2 always has it, null until the node's audit chain seals the
   * event; schema 1 events (read back from older logs) have neither chain field.
   */
  readonly prev_hash?: string | null;
  /** `sha256:<hex>` over the canonical JSON of the event without `hash`; null until sealed. */
  readonly hash?: string | null;
}

/**
 * Why a checkpoint was written: `start` opens a chain segment (one per process start),
 * `periodic` and `shutdown` sign the chain head, `gap` accounts for events a sink lost,
 * `prune` records partitions dropped by retention.
 */
export type AuditCheckpointKind = 'start' | 'periodic' | 'shutdown' | 'gap' | 'prune';

/** Where a chain segment stood: its id, how many events it had sealed, and the last hash. */
export interface AuditChainHead {
  readonly segment: string;
  readonly count: number;
  readonly head_hash: string;
}

/** What a `start` checkpoint says about the segment before it on the same gateway. */
export interface AuditPreviousSegment extends AuditChainHead {
  /** True when that process stopped cleanly (this head is its shutdown checkpoint). */
  readonly clean: boolean;
}

/**
 * A run of chained events missing from one stream, vouched for by a signature: the events
 * after `from_hash` up to and including `to_hash` (`from_hash` null: from the start of the
 * segment). Prune runs also name the segment and its event count at `to_hash`, so a chain
 * whose beginning was dropped can be picked up where it resumes.
 */
export interface AuditChainRun {
  readonly gateway_id: string;
  readonly from_hash: string | null;
  readonly to_hash: string;
  readonly events: number;
  readonly segment?: string;
  readonly count?: number;
}

/** A gap: events that a sink dropped (full queue) or lost at shutdown, counted, not deleted. */
export interface AuditGap {
  readonly sink: string;
  readonly reason: 'queue_full' | 'closed';
  readonly run: AuditChainRun;
}

/** Retention: whole partitions dropped, and the chain runs that went with them. */
export interface AuditPrune {
  /** Events and checkpoints stamped before this instant (RFC 3339) were dropped. */
  readonly before: string;
  readonly partitions: readonly string[];
  readonly events: number;
  readonly runs: readonly AuditChainRun[];
}

/**
 * A signed statement about a gateway's hash chain, written into the audit log beside the
 * events (`record_type` tells them apart). The signature is Ed25519 over the canonical JSON
 * of the record without `signature`.
 */
export interface AuditCheckpoint {
  readonly record_type: 'audit_checkpoint';
  readonly kind: AuditCheckpointKind;
  readonly timestamp: string;
  /** Null only for `prune`, which is about a store rather than one gateway. */
  readonly gateway_id: string | null;
  /** The chain head this record vouches for (`start`, `periodic`, `shutdown`); else null. */
  readonly head: AuditChainHead | null;
  /** Events dropped per sink by this process so far (queue full or closed). */
  readonly dropped: Readonly<Record<string, number>>;
  readonly previous?: AuditPreviousSegment | null;
  readonly gap?: AuditGap;
  readonly prune?: AuditPrune;
  readonly schema_version: number;
  /** `ed25519:<hex>`: the first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  readonly key_id: string;
  readonly signature: string;
}

/** What flows through the audit queue and into the log: events and checkpoints, in order. */
export type AuditRecord = AuditEvent | AuditCheckpoint;
