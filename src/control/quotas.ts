// Per-agent rate limits (SPEC §4). Like agents and issuers, a change publishes the registry
// at once, so gateways enforce the new limit within one bundle round.
import { ClawgressError, type Clock, type QuotaMode } from '../core/index.js';
import type { QuotaRecord, Store } from '../store/index.js';
import type { QuotaInput, QuotaService, QuotaView } from './types.js';
import { invalid, shown } from './validate.js';

const MODES: readonly QuotaMode[] = ['hard_stop', 'alert_only'];
// Upper bounds keep a typo from meaning "unlimited"; the limiter's memory follows actual
// traffic, not these numbers.
export const MAX_RPS_LIMIT = 100_000;
export const MAX_RPM_LIMIT = 6_000_000;

export interface QuotaServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly publishRegistry: () => Promise<unknown>;
}

export function createQuotaService(options: QuotaServiceOptions): QuotaService {
  const { store, clock, publishRegistry } = options;
  const notFound = (agentId: string) => new ClawgressError('NOT_FOUND', `no quota for agent ${shown(agentId)}`);
  return {
    async list() {
      const records = await store.quotas.listAll();
      return { items: records.map(quotaView), next_cursor: null };
    },
    async get(agentId) {
      const record = await store.quotas.get(agentId);
      if (!record) throw notFound(agentId);
      return quotaView(record);
    },
    async put(agentId, input) {
      const record = quotaRecord(agentId, input, new Date(clock.now()).toISOString());
      if (!(await store.quotas.put(record))) throw new ClawgressError('NOT_FOUND', `agent ${shown(agentId)} not found`);
      await publishRegistry();
      return quotaView(record);
    },
    async delete(agentId) {
      if (!(await store.quotas.delete(agentId))) throw notFound(agentId);
      await publishRegistry();
    },
  };
}

function checkLimit(field: 'rps_limit' | 'rpm_limit', value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(field, `must be an integer from 1 to ${max}`);
  }
  return value;
}

function quotaRecord(agentId: string, input: QuotaInput, updatedAt: string): QuotaRecord {
  if (!MODES.includes(input.mode)) throw invalid('mode', 'must be `hard_stop` or `alert_only`');
  return {
    agent_id: agentId,
    rps_limit: checkLimit('rps_limit', input.rps_limit, MAX_RPS_LIMIT),
    rpm_limit: checkLimit('rpm_limit', input.rpm_limit, MAX_RPM_LIMIT),
    mode: input.mode,
    updated_at: updatedAt,
  };
}

function quotaView(record: QuotaRecord): QuotaView {
  const { agent_id, rps_limit, rpm_limit, mode, updated_at } = record;
  return { agent_id, rps_limit, rpm_limit, mode, updated_at };
}
