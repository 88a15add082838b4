// The last verified bundle on disk, so a gateway restarted while the control plane is down
// enforces it at once. Written to a temp file, fsynced, renamed over the old one and the
// directory fsynced: a crash leaves the old bundle or the new one, never half of one.
// What is read back is verified again before it is applied (the file is not trusted).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type CachedBundle = { ok: true; bundle: unknown } | { ok: false; missing: boolean; error: string };

export function readCachedBundle(path: string): CachedBundle {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, error: missing ? `no cached bundle at ${path}` : `cannot read ${path}: ${(error as Error).message}` };
  }
  try {
    return { ok: true, bundle: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, missing: false, error: `cached bundle ${path} is not valid json` };
  }
}

export function writeCachedBundle(path: string, bundle: unknown): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(bundle));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
