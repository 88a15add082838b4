// The clawgress CLI: the only code that reads argv or exits.
import { readFileSync } from 'node:fs';
import { loadConfig, renderEffectiveConfig, renderHelp, type Role } from '../config/index.js';

// Each command loads only its own modules: a gateway worker never loads the admin API, the
// stores, the PKI code or the audit verifier (less memory per worker, faster start).
const ROLES: Record<string, () => Promise<(argv: readonly string[]) => Promise<void>>> = {
  serve: async () => (await import('./serve.js')).runServe,
  gateway: async () => (await import('./gateway.js')).runGateway,
  'control-plane': async () => (await import('./control-plane.js')).runControlPlane,
};

const USAGE = `usage: clawgress <command> [settings]

commands:
  serve            gateway (explicit proxy) + admin API with embedded storage, on one machine
  control-plane    admin API, UI and the mTLS gateway API of a split deployment
  gateway          an enforcement node of a split deployment (--control-plane https://…)
  pki init|issue   the CA and certificates for gateway <-> control-plane mTLS
  audit verify     prove an audit log's hash chains intact, or name the first broken record
  audit prune      retention: drop whole months of a postgresql audit log, recorded as a checkpoint
  config check     print the effective configuration of a role (secrets redacted) and exit
  help [command]   settings of a command
  version          print the version

Run \`clawgress <serve|gateway|control-plane> --help\` for every setting.`;

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
  if (!['serve', 'gateway', 'control-plane'].includes(role)) fail(`config check: unknown role \`${role}\` (known: serve, gateway, control-plane)`);
  const result = loadConfig({ role, argv: rest, env: process.env });
  if (!result.ok) fail(result.error);
  process.stdout.write(`${renderEffectiveConfig(result)}\n`);
}

async function runPkiCommand(argv: readonly string[]): Promise<void> {
  const { runPki, UsageError } = await import('./pki.js');
  try {
    process.stdout.write(`${await runPki(argv)}\n`);
  } catch (error) {
    if (error instanceof UsageError) fail(error.message);
    throw error;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  const role = command === undefined ? undefined : ROLES[command];
  if (role !== undefined) {
    if (rest.includes('--help') || rest.includes('-h')) return void process.stdout.write(`${renderHelp(command as Role)}\n`);
    return (await role())(rest);
  }
  if (command === 'pki') return runPkiCommand(rest);
  if (command === 'audit') return void (process.exitCode = await (await import('./audit-verify.js')).runAudit(rest));
  if (command === 'config' && rest[0] === 'check') return configCheck(rest.slice(1));
  if (command === 'help') {
    const topic = rest[0];
    if (topic === 'pki') return void process.stdout.write(`${(await import('./pki.js')).PKI_USAGE}\n`);
    if (topic === 'audit') return void process.stdout.write(`${(await import('./audit-verify.js')).AUDIT_USAGE}\n`);
    return void process.stdout.write(`${topic !== undefined && topic in ROLES ? renderHelp(topic as Role) : USAGE}\n`);
  }
  if (command === 'version' || command === '--version') return void process.stdout.write(`${version()}\n`);
  if (command === undefined || command === '--help' || command === '-h') return void process.stdout.write(`${USAGE}\n`);
  fail(`unknown command \`${command}\`\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  fail(error instanceof Error ? error.message : String(error), 1);
});
