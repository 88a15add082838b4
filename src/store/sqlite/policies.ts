import type Database from 'better-sqlite3';
import type { PolicyFields, PolicyRecord, PolicyRepository } from '../types.js';

interface PolicyRow {
  policy_id: string;
  version: number;
  match: string;
  action: PolicyRecord['action'];
  priority: number;
  enabled: number;
  description: string | null;
  updated_at: string;
}

const COLUMNS = 'policy_id, version, match, action, priority, enabled, description, updated_at';

export function sqlitePolicyRepository(db: Database.Database): PolicyRepository {
  const insert = db.prepare(
    `INSERT INTO policies (${COLUMNS}) VALUES
     (@policy_id, 1, @match, @action, @priority, @enabled, @description, @updated_at)
     ON CONFLICT (policy_id) DO NOTHING`,
  );
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM policies WHERE policy_id = ?`);
  const selectPage = db.prepare(
    `SELECT ${COLUMNS} FROM policies WHERE policy_id > ? ORDER BY policy_id LIMIT ?`,
  );
  const selectAll = db.prepare(`SELECT ${COLUMNS} FROM policies ORDER BY policy_id`);
  // The version bump happens in the statement itself, so two concurrent edits get two versions.
  const replace = db.prepare(
    `UPDATE policies SET version = version + 1, match = @match, action = @action, priority = @priority,
     enabled = @enabled, description = @description, updated_at = @updated_at
     WHERE policy_id = @policy_id RETURNING ${COLUMNS}`,
  );
  const deleteOne = db.prepare('DELETE FROM policies WHERE policy_id = ?');
  const readOne = (policyId: string) => fromRow(selectOne.get(policyId) as PolicyRow | undefined);

  return {
    create: async (policyId, fields, updatedAt) =>
      insert.run(toRow(policyId, fields, updatedAt)).changes > 0 ? readOne(policyId) : null,
    get: async (policyId) => readOne(policyId),
    list: async (page) => (selectPage.all(page.after ?? '', page.limit) as PolicyRow[]).map(fromRowStrict),
    listAll: async () => (selectAll.all() as PolicyRow[]).map(fromRowStrict),
    replace: async (policyId, fields, updatedAt) =>
      fromRow(replace.get(toRow(policyId, fields, updatedAt)) as PolicyRow | undefined),
    delete: async (policyId) => deleteOne.run(policyId).changes > 0,
  };
}

function toRow(policyId: string, fields: PolicyFields, updatedAt: string): Omit<PolicyRow, 'version'> {
  return {
    policy_id: policyId,
    match: JSON.stringify(fields.match),
    action: fields.action,
    priority: fields.priority,
    enabled: fields.enabled ? 1 : 0,
    description: fields.description,
    updated_at: updatedAt,
  };
}

function fromRow(row: PolicyRow | undefined): PolicyRecord | null {
  return row ? fromRowStrict(row) : null;
}

function fromRowStrict(row: PolicyRow): PolicyRecord {
  return { ...row, match: JSON.parse(row.match) as PolicyRecord['match'], enabled: row.enabled === 1 };
}
