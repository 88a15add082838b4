import { Type, type Static } from '@sinclair/typebox';
import { MAX_PAGE_LIMIT } from '../../control/index.js';
import { Nullable, StringEnum } from './common.js';

const DecisionKind = StringEnum(['allow', 'deny', 'rate_limited', 'unauthenticated'] as const);

export const ExplainBody = Type.Object(
  {
    agent_id: Type.String({ minLength: 1 }),
    method: Type.String({ minLength: 1, description: 'e.g. GET, or CONNECT for a tunnel' }),
    url: Type.String({ minLength: 1, description: 'absolute http or https url' }),
  },
  { additionalProperties: false },
);
export type ExplainBody = Static<typeof ExplainBody>;

export const ExplainResult = Type.Object({
  decision: StringEnum(['allow', 'deny'] as const),
  policy_id: Nullable(Type.String({ description: 'null when the agent is disabled' })),
  reason: Type.String(),
});

export const AuditQuery = Type.Object(
  {
    agent_id: Type.Optional(Type.String()),
    team_id: Type.Optional(Type.String()),
    decision: Type.Optional(DecisionKind),
    policy_id: Type.Optional(Type.String()),
    host: Type.Optional(Type.String()),
    since: Type.Optional(Type.String({ description: 'RFC 3339, inclusive' })),
    until: Type.Optional(Type.String({ description: 'RFC 3339, exclusive' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, description: '100 when absent' })),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

const Identity = Type.Object({
  agent_id: Type.String(),
  team_id: Type.String(),
  project_id: Type.String(),
  environment: Type.String(),
  auth_type: Type.String(),
  status: Type.String(),
});

export const AuditEvent = Type.Object(
  {
    request_id: Type.String(),
    timestamp: Type.String(),
    identity: Nullable(Identity),
    destination: Type.Object({
      scheme: Type.String(),
      host: Type.String(),
      port: Type.Integer(),
      method: Type.String(),
      path: Type.String(),
    }),
    decision: DecisionKind,
    policy_id: Nullable(Type.String()),
    bundle_version: Nullable(Type.Integer()),
    reason: Type.String(),
    latency_ms: Type.Number(),
    bytes_in: Type.Integer(),
    bytes_out: Type.Integer(),
    status: Nullable(Type.Integer()),
    gateway_id: Type.String(),
    schema_version: Type.Integer(),
  },
  // Fields a newer gateway adds (the hash chain, quota marks) pass through unchanged.
  { additionalProperties: true, description: 'one audit event (SPEC §6)' },
);

export const BundleQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 60, description: 'seconds to wait for a newer bundle than If-None-Match' }),
    ),
  },
  { additionalProperties: false },
);
export type BundleQuery = Static<typeof BundleQuery>;

export const SignedBundle = Type.Object(
  {
    manifest: Type.Object({ version: Type.Integer(), created_at: Type.String(), content_hash: Type.String() }),
    signature: Type.String({ description: 'base64 Ed25519 over the canonical JSON of the manifest' }),
    content: Type.Object({
      policies: Type.Array(Type.Unknown()),
      agents: Type.Array(Type.Unknown()),
      issuers: Type.Array(Type.Unknown()),
      quotas: Type.Array(Type.Unknown()),
    }),
  },
  { description: 'the signed policy bundle gateways enforce' },
);
