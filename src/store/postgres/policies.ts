import type { Pool } from 'pg';
import type { PolicyFields, PolicyRecord, PolicyRepository } from '../types.js';
import { changed, run } from './pool.js';

interface PolicyRow extends Omit<PolicyRecord, 'match'> {
  match: string;
}

const COLUMNS = 'policy_id, version, match, action, priority, enabled, description, updated_at';

export function postgresPolicyRepository(pool: Pool): PolicyRepository {
  const select = `SELECT ${COLUMNS} FROM policies`;
  const many = async (text: string, values: unknown[] = []) => (await run<PolicyRow>(pool, text, values)).rows.map(fromRow);
  const one = async (text: string, values: unknown[]) => (await many(text, values))[0] ?? null;

  return {
    create: (policyId, fields, updatedAt) =>
      one(
        `INSERT INTO policies (${COLUMNS}) VALUES ($1, 1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (policy_id) DO NOTHING RETURNING ${COLUMNS}`,
        toValues(policyId, fields, updatedAt),
      ),
    get: (policyId) => one(`${select} WHERE policy_id = $1`, [policyId]),
    list: (page) => many(`${select} WHERE policy_id > $1 ORDER BY policy_id LIMIT $2`, [page.after ?? '', page.limit]),
    listAll: () => many(`${select} ORDER BY policy_id`),
    // The version bump happens in the statement itself, so two concurrent edits get two versions.
    replace: (policyId, fields, updatedAt) =>
      one(
        `UPDATE policies SET version = version + 1, match = $2, action = $3, priority = $4,
         enabled = $5, description = $6, updated_at = $7
         WHERE policy_id = $1 RETURNING ${COLUMNS}`,
        toValues(policyId, fields, updatedAt),
      ),
    delete: async (policyId) => changed(await run(pool, 'DELETE FROM policies WHERE policy_id = $1', [policyId])),
  };
}

function toValues(policyId: string, fields: PolicyFields, updatedAt: string): unknown[] {
  return [
    policyId,
    JSON.stringify(fields.match),
    fields.action,
    fields.priority,
    fields.enabled,
    fields.description,
    updatedAt,
  ];
}

function fromRow(row: PolicyRow): PolicyRecord {
  return { ...row, match: JSON.parse(row.match) as PolicyRecord['match'] };
}
