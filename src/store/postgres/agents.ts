import type { Pool, PoolClient } from 'pg';
import type { AgentRecord, AgentRepository, ApiKeyRecord, ApiKeyRepository } from '../types.js';
import { changed, inTransaction, run } from './pool.js';

const AGENT_COLUMNS = 'agent_id, team_id, project_id, environment, auth_type, status, created_at, updated_at';
const KEY_COLUMNS = 'id, agent_id, hash, created_at, expires_at';

export function postgresAgentRepository(pool: Pool): AgentRepository {
  return {
    create: (agent, firstKey) =>
      inTransaction(pool, async (client) => {
        if (!changed(await insertAgent(client, agent))) return false;
        if (firstKey) await insertKey(client, firstKey);
        return true;
      }),
    get: async (agentId) =>
      (await run<AgentRecord>(pool, `SELECT ${AGENT_COLUMNS} FROM agents WHERE agent_id = $1`, [agentId])).rows[0] ??
      null,
    list: async (page) =>
      (
        await run<AgentRecord>(pool, `SELECT ${AGENT_COLUMNS} FROM agents WHERE agent_id > $1 ORDER BY agent_id LIMIT $2`, [
          page.after ?? '',
          page.limit,
        ])
      ).rows,
    listAll: async () => (await run<AgentRecord>(pool, `SELECT ${AGENT_COLUMNS} FROM agents ORDER BY agent_id`)).rows,
    // One statement: a change left undefined (NULL here) keeps the column's current value.
    update: async (agentId, changes, updatedAt) => {
      const { rows } = await run<AgentRecord>(
        pool,
        `UPDATE agents SET team_id = COALESCE($2, team_id), project_id = COALESCE($3, project_id),
         environment = COALESCE($4, environment), status = COALESCE($5, status), updated_at = $6
         WHERE agent_id = $1 RETURNING ${AGENT_COLUMNS}`,
        [agentId, changes.team_id, changes.project_id, changes.environment, changes.status, updatedAt].map(
          (value) => value ?? null,
        ),
      );
      return rows[0] ?? null;
    },
    // Keys and quota go with the agent through ON DELETE CASCADE, inside this one statement.
    delete: async (agentId) => changed(await run(pool, 'DELETE FROM agents WHERE agent_id = $1', [agentId])),
  };
}

export function postgresApiKeyRepository(pool: Pool): ApiKeyRepository {
  return {
    listForAgent: async (agentId) =>
      (
        await run<ApiKeyRecord>(
          pool,
          `SELECT ${KEY_COLUMNS} FROM api_keys WHERE agent_id = $1 ORDER BY created_at, seq`,
          [agentId],
        )
      ).rows,
    listAll: async () =>
      (await run<ApiKeyRecord>(pool, `SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY agent_id, created_at, seq`)).rows,
    rotate: (newKey, othersExpireAt) =>
      inTransaction(pool, async (client) => {
        // Locking the agent row serializes rotations of one agent (as SQLite's write lock
        // does), so a second rotation also caps the key the first one added.
        const agent = await run(client, 'SELECT 1 FROM agents WHERE agent_id = $1 FOR UPDATE', [newKey.agent_id]);
        if (!changed(agent)) return false;
        await run(
          client,
          `UPDATE api_keys SET expires_at = $2
           WHERE agent_id = $1 AND (expires_at IS NULL OR expires_at > $2)`,
          [newKey.agent_id, othersExpireAt],
        );
        await insertKey(client, newKey);
        return true;
      }),
  };
}

function insertAgent(client: PoolClient, agent: AgentRecord) {
  return run(
    client,
    `INSERT INTO agents (${AGENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (agent_id) DO NOTHING`,
    [
      agent.agent_id,
      agent.team_id,
      agent.project_id,
      agent.environment,
      agent.auth_type,
      agent.status,
      agent.created_at,
      agent.updated_at,
    ],
  );
}

function insertKey(client: PoolClient, key: ApiKeyRecord) {
  return run(client, `INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`, [
    key.id,
    key.agent_id,
    key.hash,
    key.created_at,
    key.expires_at,
  ]);
}
