// The agent registry and its API keys. Every change takes effect at once: it publishes a
// bundle with the fresh registry and the policies already in force.

import { randomUUID } from 'node:crypto';
import { ClawgressError, type AgentStatus, type AuthType, type Clock } from '../core/index.js';
import { generateApiKey, hashApiKey } from '../identity/index.js';
import type { AgentChanges, AgentRecord, ApiKeyRecord, Store } from '../store/index.js';
import { readPage } from './paging.js';
import type { AgentInput, AgentPatch, AgentService, AgentView, AgentWithKey, KeyService } from './types.js';
import { checkAgentId, checkIntegerRange, checkOneOf, checkText, shown } from './validate.js';

const AUTH_TYPES: readonly AuthType[] = ['jwt', 'api_key'];
const STATUSES: readonly AgentStatus[] = ['active', 'disabled'];
export const DEFAULT_OVERLAP_SECONDS = 3600; // 1 h
export const MAX_OVERLAP_SECONDS = 604_800; // 7 days

export interface AgentServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly keyHashSecret: Buffer;
  readonly publishRegistry: () => Promise<unknown>;
}

export function notFoundAgent(agentId: string): ClawgressError {
  return new ClawgressError('NOT_FOUND', `agent ${shown(agentId)} not found`);
}

export function createAgentServices(options: AgentServiceOptions): { agents: AgentService; keys: KeyService } {
  const { store, clock, publishRegistry } = options;
  const now = (): string => new Date(clock.now()).toISOString();
  const newKey = (agentId: string, createdAt: string): { key: string; record: ApiKeyRecord } => {
    const key = generateApiKey();
    const record = { id: randomUUID(), agent_id: agentId, hash: hashApiKey(key, options.keyHashSecret), created_at: createdAt, expires_at: null };
    return { key, record };
  };
  const view = async (agent: AgentRecord): Promise<AgentView> => agentView(agent, await store.keys.listForAgent(agent.agent_id));
  const load = async (agentId: string): Promise<AgentRecord> => {
    const agent = await store.agents.get(agentId);
    if (!agent) throw notFoundAgent(agentId);
    return agent;
  };

  const agents: AgentService = {
    async create(input) {
      const createdAt = now();
      const record = agentRecord(input, createdAt);
      const first = record.auth_type === 'api_key' ? newKey(record.agent_id, createdAt) : null;
      if (!(await store.agents.create(record, first?.record))) {
        throw new ClawgressError('CONFLICT', `agent ${shown(record.agent_id)} exists already`);
      }
      await publishRegistry();
      const created = agentView(record, first ? [first.record] : []);
      return first ? { ...created, api_key: first.key } : created;
    },
    list: (list) =>
      readPage({ list, fetch: (page) => store.agents.list(page), idOf: (a) => a.agent_id, view: (rows) => Promise.all(rows.map(view)) }),
    get: async (agentId) => view(await load(agentId)),
    async update(agentId, patch) {
      const current = await load(agentId);
      const changes = agentChanges(patch);
      if (!differs(current, changes)) return view(current);
      const updated = await store.agents.update(agentId, changes, now());
      if (!updated) throw notFoundAgent(agentId);
      await publishRegistry();
      return view(updated);
    },
    async delete(agentId) {
      if (!(await store.agents.delete(agentId))) throw notFoundAgent(agentId);
      await publishRegistry();
    },
  };

  const keys: KeyService = {
    async rotate(agentId, rotateOptions = {}) {
      const agent = await load(agentId);
      if (agent.auth_type !== 'api_key') {
        throw new ClawgressError('CONFLICT', `agent ${shown(agentId)} authenticates with jwt: it has no api key to rotate`);
      }
      const overlap = checkIntegerRange('overlap_seconds', rotateOptions.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS, {
        min: 0,
        max: MAX_OVERLAP_SECONDS,
      });
      const createdAt = now();
      const fresh = newKey(agentId, createdAt);
      const othersExpireAt = new Date(clock.now() + overlap * 1000).toISOString();
      if (!(await store.keys.rotate(fresh.record, othersExpireAt))) throw notFoundAgent(agentId);
      await publishRegistry();
      return { ...(await view(agent)), api_key: fresh.key };
    },
  };
  return { agents, keys };
}

function agentRecord(input: AgentInput, createdAt: string): AgentRecord {
  return {
    agent_id: checkAgentId(input.agent_id),
    team_id: checkText('team_id', input.team_id),
    project_id: checkText('project_id', input.project_id),
    environment: checkText('environment', input.environment),
    auth_type: checkOneOf('auth_type', input.auth_type, AUTH_TYPES),
    status: checkOneOf('status', input.status ?? 'active', STATUSES),
    created_at: createdAt,
    updated_at: createdAt,
  };
}

function agentChanges(patch: AgentPatch): AgentChanges {
  const changes: { -readonly [K in keyof AgentChanges]: AgentChanges[K] } = {};
  if (patch.team_id !== undefined) changes.team_id = checkText('team_id', patch.team_id);
  if (patch.project_id !== undefined) changes.project_id = checkText('project_id', patch.project_id);
  if (patch.environment !== undefined) changes.environment = checkText('environment', patch.environment);
  if (patch.status !== undefined) changes.status = checkOneOf('status', patch.status, STATUSES);
  return changes;
}

function differs(current: AgentRecord, changes: AgentChanges): boolean {
  return (Object.keys(changes) as Array<keyof AgentChanges>).some((field) => changes[field] !== current[field]);
}

function agentView(agent: AgentRecord, keys: readonly ApiKeyRecord[]): AgentView {
  return {
    ...agent,
    keys: keys.map((key) => ({ key_id: key.id, created_at: key.created_at, expires_at: key.expires_at })),
  };
}
