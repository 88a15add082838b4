import type Database from 'better-sqlite3';
import type { QuotaRecord, QuotaRepository } from '../types.js';

const COLUMNS = 'agent_id, rps_limit, rpm_limit, mode, updated_at';

export function sqliteQuotaRepository(db: Database.Database): QuotaRepository {
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM quotas WHERE agent_id = ?`);
  const selectAll = db.prepare(`SELECT ${COLUMNS} FROM quotas ORDER BY agent_id`);
  const agentExists = db.prepare('SELECT 1 FROM agents WHERE agent_id = ?');
  const upsert = db.prepare(
    `INSERT INTO quotas (${COLUMNS}) VALUES (@agent_id, @rps_limit, @rpm_limit, @mode, @updated_at)
     ON CONFLICT (agent_id) DO UPDATE SET rps_limit = excluded.rps_limit,
     rpm_limit = excluded.rpm_limit, mode = excluded.mode, updated_at = excluded.updated_at`,
  );
  const deleteOne = db.prepare('DELETE FROM quotas WHERE agent_id = ?');

  const putTx = db.transaction((quota: QuotaRecord): boolean => {
    if (agentExists.get(quota.agent_id) === undefined) return false;
    upsert.run(quota);
    return true;
  });

  return {
    get: async (agentId) => (selectOne.get(agentId) as QuotaRecord | undefined) ?? null,
    listAll: async () => selectAll.all() as QuotaRecord[],
    put: async (quota) => putTx.immediate(quota),
    delete: async (agentId) => deleteOne.run(agentId).changes > 0,
  };
}
