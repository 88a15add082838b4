// The clawgress CLI: the only code that reads argv or exits.
import { readFileSync } from 'node:fs';
import { loadConfig, renderEffectiveConfig, renderHelp, type Role } from '../config/index.js';
import { runServe } from './serve.js';

const USAGE = `usage: clawgress <command> [settings]

commands:
  serve            gateway (explicit proxy) + admin API with embedded storage, on one machine
  config check     print the effective configuration of a role (secrets redacted) and exit
  help [command]   settings of a command
  version          print the version

Run \`clawgress serve --help\` for every setting.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`clawgress: ${message}\n`);
  process.exit(code);
}

function configCheck(argv: readonly string[]): void {
  const role = (argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve') as Role;
  const rest = argv[0] && !argv[0].startsWith('-') ? argv.slice(1) : argv;
  if (role !== 'serve') fail(`config check: unknown role \`${role}\` (known: serve)`);
  const result = loadConfig({ role, argv: rest, env: process.env });
  if (!result.ok) fail(result.error);
  process.stdout.write(`${renderEffectiveConfig(result)}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'serve') {
    if (rest.includes('--help') || rest.includes('-h')) return void process.stdout.write(`${renderHelp('serve')}\n`);
    return runServe(rest);
  }
  if (command === 'config' && rest[0] === 'check') return configCheck(rest.slice(1));
  if (command === 'help') return void process.stdout.write(`${rest[0] === 'serve' ? renderHelp('serve') : USAGE}\n`);
  if (command === 'version' || command === '--version') return void process.stdout.write(`${version()}\n`);
  if (command === undefined || command === '--help' || command === '-h') return void process.stdout.write(`${USAGE}\n`);
  fail(`unknown command \`${command}\`\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  fail(error instanceof Error ? error.message : String(error), 1);
});
