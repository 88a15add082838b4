// Records the store contract writes and reads back.

import type { AuditEvent, SignedBundle } from '../../../src/core/index.js';
import type { AgentRecord, ApiKeyRecord, IssuerRecord, PolicyFields } from '../../../src/store/index.js';

export const T0 = '2026-01-01T00:00:00.000Z';
export const T1 = '2026-01-01T01:00:00.000Z';

export function agentRecord(agentId: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    agent_id: agentId,
    team_id: 'team-a',
    project_id: 'proj-a',
    environment: 'prod',
    auth_type: 'api_key',
    status: 'active',
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function keyRecord(id: string, agentId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { id, agent_id: agentId, hash: `hash-${id}`, created_at: T0, expires_at: null, ...overrides };
}

export function issuerRecord(id: string, overrides: Partial<IssuerRecord> = {}): IssuerRecord {
  return {
    id,
    issuer: `https://issuer-${id}.example.com`,
    audience: 'clawgress',
    jwks_url: `https://issuer-${id}.example.com/jwks.json`,
    public_key_pem: null,
    hs256_secret: null,
    created_at: T0,
    ...overrides,
  };
}

export const policyFields: PolicyFields = {
  match: { agents: ['a1'], domains: ['*.example.com'], ports: [443] },
  action: 'allow',
  priority: 10,
  enabled: true,
  description: 'example',
};

export function auditEvent(requestId: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    request_id: requestId,
    timestamp: T0,
    identity: {
      agent_id: 'a1',
      team_id: 'team-a',
      project_id: 'proj-a',
      environment: 'prod',
      auth_type: 'api_key',
      status: 'active',
    },
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: '/' },
    decision: 'allow',
    policy_id: 'p-allow',
    bundle_version: 1,
    reason: 'allowed by policy `p-allow`',
    latency_ms: 1,
    bytes_in: 0,
    bytes_out: 0,
    status: 200,
    gateway_id: 'gw-1',
    schema_version: 1,
    ...overrides,
  };
}

export function bundle(version: number): SignedBundle {
  return {
    manifest: { version, created_at: T0, content_hash: `sha256:${String(version).padStart(64, '0')}` },
    signature: `sig-${version}`,
    content: { policies: [], agents: [], issuers: [], quotas: [] },
  };
}
