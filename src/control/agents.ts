// The agent registry and its API keys. Every change takes effect at once: it publishes a
// bundle with the fresh registry and the policies already in force.

import { randomUUID } from 'node:crypto';
import { ClawgressError, type AgentStatus, type AuthType, type Clock } from '../core/index.js';
import { generateApiKey, hashApiKey } from '../identity/index.js';
import type { AgentChanges, AgentRecord, ApiKeyRecord, Store } from '../store/index.js';
import { readPage } from './paging.js';
import type {
  AgentInput,
  AgentPatch,
  AgentService,
  AgentView,
  AgentWithKey,
  KeyService,
  ListOptions,
  ListPage,
  RotateOptions,
} from './types.js';
import { checkAgentId, checkIntegerRange, checkOneOf, checkText, shown } from './validate.js';

const AUTH_TYPES: readonly AuthType[] = ['jwt', 'api_key'];
const STATUSES: readonly AgentStatus[] = ['active', 'disabled'];
export const DEFAULT_OVERLAP_SECONDS = 3600; // 1 h
export const MAX_OVERLAP_SECONDS = 604_800; // 7 days

export interface AgentRegistryOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly keyHashSecret: Buffer;
  readonly publishRegistry: () => Promise<unknown>;
}

export class AgentRegistry implements AgentService, KeyService {
  readonly #options: AgentRegistryOptions;

  constructor(options: AgentRegistryOptions) {
    this.#options = options;
  }

  async create(input: AgentInput): Promise<AgentView | AgentWithKey> {
    const createdAt = this.#now();
    const record = agentRecord(input, createdAt);
    const first = record.auth_type === 'api_key' ? this.#newKey(record.agent_id, createdAt) : null;
    if (!(await this.#options.store.agents.create(record, first?.record))) {
      throw new ClawgressError('CONFLICT', `agent ${shown(record.agent_id)} exists already`);
    }
    await this.#options.publishRegistry();
    const created = agentView(record, first ? [first.record] : []);
    return first ? { ...created, api_key: first.key } : created;
  }

  list(options?: ListOptions): Promise<ListPage<AgentView>> {
    const { store } = this.#options;
    return readPage({
      list: options,
      fetch: (page) => store.agents.list(page),
      idOf: (agent) => agent.agent_id,
      view: (agents) => Promise.all(agents.map((agent) => this.#view(agent))),
    });
  }

  async get(agentId: string): Promise<AgentView> {
    return this.#view(await this.#load(agentId));
  }

  async update(agentId: string, patch: AgentPatch): Promise<AgentView> {
    const current = await this.#load(agentId);
    const changes = agentChanges(patch);
    // A patch that changes nothing publishes nothing: no new bundle version for a no-op.
    if (!differs(current, changes)) return this.#view(current);
    const updated = await this.#options.store.agents.update(agentId, changes, this.#now());
    if (!updated) throw notFoundAgent(agentId);
    await this.#options.publishRegistry();
    return this.#view(updated);
  }

  async delete(agentId: string): Promise<void> {
    if (!(await this.#options.store.agents.delete(agentId))) throw notFoundAgent(agentId);
    await this.#options.publishRegistry();
  }

  async rotate(agentId: string, options: RotateOptions = {}): Promise<AgentWithKey> {
    const overlap = checkIntegerRange('overlap_seconds', options.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS, {
      min: 0,
      max: MAX_OVERLAP_SECONDS,
    });
    const agent = await this.#load(agentId);
    if (agent.auth_type !== 'api_key') {
      throw new ClawgressError('CONFLICT', `agent ${shown(agentId)} authenticates with jwt: it has no api key to rotate`);
    }
    const fresh = this.#newKey(agentId, this.#now());
    const othersExpireAt = new Date(this.#options.clock.now() + overlap * 1000).toISOString();
    if (!(await this.#options.store.keys.rotate(fresh.record, othersExpireAt))) throw notFoundAgent(agentId);
    await this.#options.publishRegistry();
    return { ...(await this.#view(agent)), api_key: fresh.key };
  }

  #now(): string {
    return new Date(this.#options.clock.now()).toISOString();
  }

  async #load(agentId: string): Promise<AgentRecord> {
    const agent = await this.#options.store.agents.get(agentId);
    if (!agent) throw notFoundAgent(agentId);
    return agent;
  }

  async #view(agent: AgentRecord): Promise<AgentView> {
    return agentView(agent, await this.#options.store.keys.listForAgent(agent.agent_id));
  }

  /** A fresh key: the key goes to the caller once, only its hash is stored. */
  #newKey(agentId: string, createdAt: string): { key: string; record: ApiKeyRecord } {
    const key = generateApiKey();
    const hash = hashApiKey(key, this.#options.keyHashSecret);
    return { key, record: { id: randomUUID(), agent_id: agentId, hash, created_at: createdAt, expires_at: null } };
  }
}

function notFoundAgent(agentId: string): ClawgressError {
  return new ClawgressError('NOT_FOUND', `agent ${shown(agentId)} not found`);
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
  const { agent_id, team_id, project_id, environment, auth_type, status, created_at, updated_at } = agent;
  return {
    ...{ agent_id, team_id, project_id, environment, auth_type, status, created_at, updated_at },
    keys: keys.map((key) => ({ key_id: key.id, created_at: key.created_at, expires_at: key.expires_at })),
  };
}
