import type Database from 'better-sqlite3';
import type {
  AgentChanges,
  AgentRecord,
  AgentRepository,
  ApiKeyRecord,
  ApiKeyRepository,
  PageRequest,
} from '../types.js';

const AGENT_COLUMNS = 'agent_id, team_id, project_id, environment, auth_type, status, created_at, updated_at';

export function sqliteAgentRepository(db: Database.Database): AgentRepository {
  const insertAgent = db.prepare(
    `INSERT INTO agents (${AGENT_COLUMNS}) VALUES
     (@agent_id, @team_id, @project_id, @environment, @auth_type, @status, @created_at, @updated_at)
     ON CONFLICT (agent_id) DO NOTHING`,
  );
  const insertKey = prepareInsertKey(db);
  const selectOne = db.prepare(`SELECT ${AGENT_COLUMNS} FROM agents WHERE agent_id = ?`);
  const selectPage = db.prepare(
    `SELECT ${AGENT_COLUMNS} FROM agents WHERE agent_id > ? ORDER BY agent_id LIMIT ?`,
  );
  const selectAll = db.prepare(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY agent_id`);
  const updateOne = db.prepare(
    `UPDATE agents SET team_id = @team_id, project_id = @project_id, environment = @environment,
     status = @status, updated_at = @updated_at WHERE agent_id = @agent_id`,
  );
  const deleteOne = db.prepare('DELETE FROM agents WHERE agent_id = ?');

  const createTx = db.transaction((agent: AgentRecord, firstKey?: ApiKeyRecord): boolean => {
    if (insertAgent.run(agent).changes === 0) return false;
    if (firstKey) insertKey.run(firstKey);
    return true;
  });
  const updateTx = db.transaction((agentId: string, changes: AgentChanges, updatedAt: string) => {
    const current = selectOne.get(agentId) as AgentRecord | undefined;
    if (!current) return null;
    const next: AgentRecord = { ...current, ...definedOnly(changes), updated_at: updatedAt };
    updateOne.run(next);
    return next;
  });

  return {
    create: async (agent, firstKey) => createTx.immediate(agent, firstKey),
    get: async (agentId) => (selectOne.get(agentId) as AgentRecord | undefined) ?? null,
    list: async (page: PageRequest) => selectPage.all(page.after ?? '', page.limit) as AgentRecord[],
    listAll: async () => selectAll.all() as AgentRecord[],
    update: async (agentId, changes, updatedAt) => updateTx.immediate(agentId, changes, updatedAt),
    // Keys and quota go with the agent through ON DELETE CASCADE, inside this one statement.
    delete: async (agentId) => deleteOne.run(agentId).changes > 0,
  };
}

export function sqliteApiKeyRepository(db: Database.Database): ApiKeyRepository {
  const insertKey = prepareInsertKey(db);
  const KEY_COLUMNS = 'id, agent_id, hash, created_at, expires_at';
  const selectForAgent = db.prepare(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE agent_id = ? ORDER BY created_at, rowid`,
  );
  const selectAll = db.prepare(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY agent_id, created_at, rowid`);
  const agentExists = db.prepare('SELECT 1 FROM agents WHERE agent_id = ?');
  const capOthers = db.prepare(
    `UPDATE api_keys SET expires_at = @cap
     WHERE agent_id = @agent_id AND (expires_at IS NULL OR expires_at > @cap)`,
  );

  const rotateTx = db.transaction((newKey: ApiKeyRecord, othersExpireAt: string): boolean => {
    if (agentExists.get(newKey.agent_id) === undefined) return false;
    capOthers.run({ agent_id: newKey.agent_id, cap: othersExpireAt });
    insertKey.run(newKey);
    return true;
  });

  return {
    listForAgent: async (agentId) => selectForAgent.all(agentId) as ApiKeyRecord[],
    listAll: async () => selectAll.all() as ApiKeyRecord[],
    rotate: async (newKey, othersExpireAt) => rotateTx.immediate(newKey, othersExpireAt),
  };
}

function prepareInsertKey(db: Database.Database): Database.Statement {
  return db.prepare(
    `INSERT INTO api_keys (id, agent_id, hash, created_at, expires_at)
     VALUES (@id, @agent_id, @hash, @created_at, @expires_at)`,
  );
}

/** Drops keys whose value is undefined, so a partial change never blanks a column. */
function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
