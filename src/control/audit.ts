// Audit intake and query: stores gateway batches and tells live subscribers; turns the admin
// API's filter strings into a store filter, checking each.

import type { AuditEvent, DecisionKind } from '../core/index.js';
import { eventsOf } from '../audit/index.js';
import type { AuditFilter, Store } from '../store/index.js';
import type { AuditListener, AuditQuery, ControlPlane } from './types.js';
import { checkOneOf, invalid, pageLimit, shown } from './validate.js';

const DECISIONS: readonly DecisionKind[] = ['allow', 'deny', 'rate_limited', 'unauthenticated'];
// RFC 3339 date-time: full date, `T`, full time with optional fraction, then `Z` or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export function auditFilter(query: AuditQuery): AuditFilter {
  const filter: { -readonly [K in keyof AuditFilter]: AuditFilter[K] } = { limit: pageLimit(query.limit) };
  if (query.agent_id !== undefined) filter.agent_id = query.agent_id;
  if (query.team_id !== undefined) filter.team_id = query.team_id;
  if (query.policy_id !== undefined) filter.policy_id = query.policy_id;
  // Stored hosts are lower-case (Destination.host), so a filter in any case finds them.
  if (query.host !== undefined) filter.host = query.host.toLowerCase();
  if (query.decision !== undefined) filter.decision = checkOneOf('decision', query.decision, DECISIONS);
  if (query.since !== undefined) filter.since_ms = parseTime('since', query.since);
  if (query.until !== undefined) filter.until_ms = parseTime('until', query.until);
  if (query.cursor !== undefined) filter.cursor = query.cursor;
  return filter;
}

export function parseTime(field: string, value: string): number {
  const ms = RFC3339.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalid(field, `${shown(value)} is not an rfc 3339 time`);
  return ms;
}

/**
 * Stores audit batches and tells subscribers (the UI's live stream) about the stored ones.
 * Listeners run after the store write succeeded, so nobody sees an event the query cannot find.
 */
export function createAuditFeed(options: {
  readonly store: Store;
  readonly onListenerError: (error: unknown) => void;
}): Pick<ControlPlane, 'appendAudit' | 'onAudit'> {
  const listeners = new Set<AuditListener>();
  const tell = (batch: readonly AuditEvent[]): void => {
    for (const listener of listeners) {
      try {
        listener(batch);
      } catch (error) {
        // A broken subscriber must not fail a write that is already stored.
        options.onListenerError(error);
      }
    }
  };
  return {
    appendAudit: async (batch) => {
      const added = await options.store.audit.append(batch);
      // A retried batch adds nothing; a partly repeated one (rare) is told whole: viewers
      // dedupe by request_id. Checkpoints are for verifiers, not for the live view.
      if (added > 0) tell(eventsOf(batch));
      return added;
    },
    onAudit: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
