import type { JWTPayload } from 'jose';
import { REASONS, jwtClaimNotString } from './reasons.js';

/** Claims that may pin an agent's registered fields; when present they must agree. */
export const PINNED_CLAIMS = ['team_id', 'project_id', 'environment'] as const;
export type PinnedClaim = (typeof PINNED_CLAIMS)[number];

/** What a verified token says, kept in the cache so a hit needs no crypto. */
export interface VerifiedClaims {
  readonly agent_id: string;
  readonly pinned: Readonly<Partial<Record<PinnedClaim, string>>>;
  /** The token is refused from this instant on: `exp` plus the allowed clock skew. */
  readonly usableUntilMs: number;
}

type ClaimsResult = { ok: true; claims: VerifiedClaims } | { ok: false; reason: string };

/** Read the identity claims of a payload jose has already verified (so `exp` is a number). */
export function extractClaims(payload: JWTPayload, clockSkewSeconds: number): ClaimsResult {
  const agentId = agentIdOf(payload);
  if (!agentId.ok) return agentId;
  const pinned: Partial<Record<PinnedClaim, string>> = {};
  for (const claim of PINNED_CLAIMS) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { ok: false, reason: jwtClaimNotString(claim) };
    pinned[claim] = value;
  }
  const usableUntilMs = ((payload.exp ?? 0) + clockSkewSeconds) * 1000;
  return { ok: true, claims: { agent_id: agentId.value, pinned, usableUntilMs } };
}

/** `agent_id` names the agent, else `sub`; an empty string names nothing. */
function agentIdOf(payload: JWTPayload): { ok: true; value: string } | { ok: false; reason: string } {
  for (const claim of ['agent_id', 'sub'] as const) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { ok: false, reason: jwtClaimNotString(claim) };
    if (value !== '') return { ok: true, value };
  }
  return { ok: false, reason: REASONS.jwtNoAgent };
}
