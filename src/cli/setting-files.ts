// Settings that name files (certificates, keys): required ones checked, files read, and a
// failure reported as one line naming the setting, like every other bad setting.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';

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
