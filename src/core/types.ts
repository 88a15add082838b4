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

export const AUDIT_SCHEMA_VERSION = 1;

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
}
