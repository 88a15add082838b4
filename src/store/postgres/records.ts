// Issuers, quotas and bundles: single-table repositories.

import type { Pool } from 'pg';
import type { SignedBundle } from '../../core/index.js';
import type { BundleRepository, IssuerRecord, IssuerRepository, QuotaRecord, QuotaRepository } from '../types.js';
import { changed, inTransaction, run } from './pool.js';

const ISSUER_COLUMNS = 'id, issuer, audience, jwks_url, public_key_pem, hs256_secret, created_at';
const QUOTA_COLUMNS = 'agent_id, rps_limit, rpm_limit, mode, updated_at';

export function postgresIssuerRepository(pool: Pool): IssuerRepository {
  const select = `SELECT ${ISSUER_COLUMNS} FROM issuers`;
  return {
    // ON CONFLICT without a target covers both a taken id and a taken (issuer, audience) pair.
    create: async (issuer) =>
      changed(
        await run(pool, `INSERT INTO issuers (${ISSUER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, [
          issuer.id,
          issuer.issuer,
          issuer.audience,
          issuer.jwks_url,
          issuer.public_key_pem,
          issuer.hs256_secret,
          issuer.created_at,
        ]),
      ),
    get: async (id) => (await run<IssuerRecord>(pool, `${select} WHERE id = $1`, [id])).rows[0] ?? null,
    list: async (page) =>
      (await run<IssuerRecord>(pool, `${select} WHERE id > $1 ORDER BY id LIMIT $2`, [page.after ?? '', page.limit])).rows,
    listAll: async () => (await run<IssuerRecord>(pool, `${select} ORDER BY id`)).rows,
    delete: async (id) => changed(await run(pool, 'DELETE FROM issuers WHERE id = $1', [id])),
  };
}

export function postgresQuotaRepository(pool: Pool): QuotaRepository {
  return {
    get: async (agentId) =>
      (await run<QuotaRecord>(pool, `SELECT ${QUOTA_COLUMNS} FROM quotas WHERE agent_id = $1`, [agentId])).rows[0] ?? null,
    listAll: async () => (await run<QuotaRecord>(pool, `SELECT ${QUOTA_COLUMNS} FROM quotas ORDER BY agent_id`)).rows,
    put: (quota) =>
      inTransaction(pool, async (client) => {
        // The share lock holds off a concurrent delete of the agent until the quota is in.
        const agent = await run(client, 'SELECT 1 FROM agents WHERE agent_id = $1 FOR KEY SHARE', [quota.agent_id]);
        if (!changed(agent)) return false;
        await run(
          client,
          `INSERT INTO quotas (${QUOTA_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (agent_id) DO UPDATE SET rps_limit = excluded.rps_limit,
           rpm_limit = excluded.rpm_limit, mode = excluded.mode, updated_at = excluded.updated_at`,
          [quota.agent_id, quota.rps_limit, quota.rpm_limit, quota.mode, quota.updated_at],
        );
        return true;
      }),
    delete: async (agentId) => changed(await run(pool, 'DELETE FROM quotas WHERE agent_id = $1', [agentId])),
  };
}

interface BundleRow {
  manifest: string;
  signature: string;
  content: string;
}

export function postgresBundleRepository(pool: Pool): BundleRepository {
  const select = 'SELECT manifest, signature, content FROM bundles';
  return {
    insert: async (bundle) =>
      changed(
        await run(
          pool,
          `INSERT INTO bundles (version, manifest, signature, content, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (version) DO NOTHING`,
          [
            bundle.manifest.version,
            JSON.stringify(bundle.manifest),
            bundle.signature,
            JSON.stringify(bundle.content),
            bundle.manifest.created_at,
          ],
        ),
      ),
    latest: async () => fromBundleRow((await run<BundleRow>(pool, `${select} ORDER BY version DESC LIMIT 1`)).rows[0]),
    get: async (version) => fromBundleRow((await run<BundleRow>(pool, `${select} WHERE version = $1`, [version])).rows[0]),
  };
}

function fromBundleRow(row: BundleRow | undefined): SignedBundle | null {
  if (!row) return null;
  return {
    manifest: JSON.parse(row.manifest) as SignedBundle['manifest'],
    signature: row.signature,
    content: JSON.parse(row.content) as SignedBundle['content'],
  };
}
