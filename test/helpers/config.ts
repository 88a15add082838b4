// Loading a configuration in a unit test: flags, environment and config files given in
// memory, as `clawgress` would read them at start.
import { loadConfig } from '../../src/config/load.js';
import type { ConfigResult, Role } from '../../src/config/types.js';

/** An admin token long enough to pass validation. */
export const GOOD_TOKEN = 'k'.repeat(40);

/** A config file system of in-memory files; a missing file fails as fs does. */
function filesOf(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return content;
  };
}

/** The configuration of `role` (serve by default) from these flags, variables and files. */
export function loadWith(options: {
  role?: Role;
  argv?: readonly string[];
  env?: Record<string, string>;
  files?: Record<string, string>;
}): ConfigResult {
  return loadConfig({
    role: options.role ?? 'serve',
    argv: options.argv ?? [],
    env: options.env ?? {},
    readFile: filesOf(options.files ?? {}),
  });
}
