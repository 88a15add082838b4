// A large, deterministic audit corpus for the query tests and benchmarks: event i cycles its
// attributes with different periods, so filters select different, predictable subsets.
import type { AuditEvent, DecisionKind } from '../../src/core/index.js';
import { auditEvent } from '../contract/store/fixtures.js';

const DECISIONS: readonly DecisionKind[] = ['allow', 'deny', 'rate_limited', 'unauthenticated'];
export const VOLUME_START_MS = Date.UTC(2026, 0, 20);
export const VOLUME_STEP_MS = 20_000; // 100,000 events span about 23 days: two months in PostgreSQL

export function volumeEvent(i: number): AuditEvent {
  const decision = DECISIONS[i % 4] as DecisionKind;
  const identity = decision === 'unauthenticated' ? null : { ...auditEvent('x').identity!, agent_id: `agent-${i % 10}`, team_id: `team-${i % 3}` };
  return auditEvent(`vol-${i}`, {
    timestamp: volumeTime(i),
    identity,
    decision,
    policy_id: decision === 'unauthenticated' || i % 5 === 0 ? null : `policy-${i % 5}`,
    destination: { ...auditEvent('x').destination, host: `host-${i % 8}.example` },
  });
}

/** The timestamp of event i. */
export function volumeTime(i: number): string {
  return new Date(VOLUME_START_MS + i * VOLUME_STEP_MS).toISOString();
}
