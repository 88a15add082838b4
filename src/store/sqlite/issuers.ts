import type Database from 'better-sqlite3';
import type { IssuerRecord, IssuerRepository } from '../types.js';

const COLUMNS = 'id, issuer, audience, jwks_url, public_key_pem, hs256_secret, created_at';

export function sqliteIssuerRepository(db: Database.Database): IssuerRepository {
  const insert = db.prepare(
    `INSERT INTO issuers (${COLUMNS}) VALUES
     (@id, @issuer, @audience, @jwks_url, @public_key_pem, @hs256_secret, @created_at)
     ON CONFLICT DO NOTHING`,
  );
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM issuers WHERE id = ?`);
  const selectPage = db.prepare(`SELECT ${COLUMNS} FROM issuers WHERE id > ? ORDER BY id LIMIT ?`);
  const selectAll = db.prepare(`SELECT ${COLUMNS} FROM issuers ORDER BY id`);
  const deleteOne = db.prepare('DELETE FROM issuers WHERE id = ?');

  return {
    // ON CONFLICT without a target covers both a taken id and a taken (issuer, audience) pair.
    create: async (issuer) => insert.run(issuer).changes > 0,
    get: async (id) => (selectOne.get(id) as IssuerRecord | undefined) ?? null,
    list: async (page) => selectPage.all(page.after ?? '', page.limit) as IssuerRecord[],
    listAll: async () => selectAll.all() as IssuerRecord[],
    delete: async (id) => deleteOne.run(id).changes > 0,
  };
}
