import type Database from 'better-sqlite3';
import type { SignedBundle } from '../../core/index.js';
import type { BundleRepository } from '../types.js';

interface BundleRow {
  manifest: string;
  signature: string;
  content: string;
}

export function sqliteBundleRepository(db: Database.Database): BundleRepository {
  const insert = db.prepare(
    `INSERT INTO bundles (version, manifest, signature, content, created_at)
     VALUES (@version, @manifest, @signature, @content, @created_at)
     ON CONFLICT (version) DO NOTHING`,
  );
  const selectLatest = db.prepare('SELECT manifest, signature, content FROM bundles ORDER BY version DESC LIMIT 1');
  const selectOne = db.prepare('SELECT manifest, signature, content FROM bundles WHERE version = ?');

  return {
    insert: async (bundle) =>
      insert.run({
        version: bundle.manifest.version,
        manifest: JSON.stringify(bundle.manifest),
        signature: bundle.signature,
        content: JSON.stringify(bundle.content),
        created_at: bundle.manifest.created_at,
      }).changes > 0,
    latest: async () => fromRow(selectLatest.get() as BundleRow | undefined),
    get: async (version) => fromRow(selectOne.get(version) as BundleRow | undefined),
  };
}

function fromRow(row: BundleRow | undefined): SignedBundle | null {
  if (!row) return null;
  return {
    manifest: JSON.parse(row.manifest) as SignedBundle['manifest'],
    signature: row.signature,
    content: JSON.parse(row.content) as SignedBundle['content'],
  };
}
