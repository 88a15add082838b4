// Loading a role's settings, and the settings that name files (certificates, keys): a failure
// is one line naming the setting, and the process refuses to start (exit 2).
import { readFileSync } from 'node:fs';
import { loadConfig, type Config, type Role } from '../config/index.js';
import { applyHeapGrowth } from './heap-growth.js';

type Loaded = Extract<ReturnType<typeof loadConfig>, { ok: true }>;

/** The role's validated settings, or one line naming the bad one and exit 2. */
export function loadConfigOrExit(role: Role, argv: readonly string[]): Loaded {
  const loaded = loadConfig({ role, argv, env: process.env });
  if (!loaded.ok) {
    process.stderr.write(`clawgress: ${loaded.error}\n`);
    process.exit(2);
  }
  // Every process of every role (cluster workers load their config here too).
  applyHeapGrowth(loaded.config.heapGrowth);
  return loaded;
}

export function requireSettings(config: Config, names: readonly (keyof Config)[], flags: Record<string, string>): void {
  for (const name of names) {
    if (config[name] === null || config[name] === undefined) {
      process.stderr.write(`clawgress: missing setting ${flags[name] ?? name}\n`);
      process.exit(2);
    }
  }
}

export function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    process.stderr.write(`clawgress: cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
    process.exit(2);
  }
}
