// `clawgress pki init|issue`: the CA and certificates for gateway <-> control-plane mTLS.
//   clawgress pki init  --dir DIR [--name NAME] [--days 3650]
//   clawgress pki issue --dir DIR --name NAME (--server | --client) [--dns a,b] [--ip x,y] [--days 825]
// Keys are written with mode 0600 and never overwritten.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCertificateAuthority, issueCertificate } from '../pki/index.js';
import { writeFileAtomic } from './secrets.js';

export const PKI_USAGE = `usage:
  clawgress pki init  --dir DIR [--name NAME] [--days 3650]
  clawgress pki issue --dir DIR --name NAME (--server | --client) [--dns NAME,...] [--ip ADDR,...] [--days 825]`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class UsageError extends Error {}

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function days(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) throw new UsageError(`--days: \`${value}\` is not a whole number of days from 1 to 36500`);
  return n;
}

function refuseOverwrite(...paths: string[]): void {
  for (const path of paths) if (existsSync(path)) throw new UsageError(`${path} exists already: refusing to overwrite it`);
}

async function init(args: string[]): Promise<string> {
  const { values } = parseArgs({ args, strict: true, options: { dir: { type: 'string' }, name: { type: 'string' }, days: { type: 'string' } } });
  if (values.dir === undefined) throw new UsageError('pki init: --dir is required');
  const certPath = join(values.dir, 'ca.pem');
  const keyPath = join(values.dir, 'ca.key.pem');
  refuseOverwrite(certPath, keyPath);
  mkdirSync(values.dir, { recursive: true, mode: 0o700 });
  const ca = await createCertificateAuthority({ commonName: values.name ?? 'clawgress CA', days: days(values.days, 3650) });
  writeFileAtomic(keyPath, ca.keyPem);
  writeFileAtomic(certPath, ca.certPem, 0o644);
  return `wrote ${certPath} and ${keyPath} (keep the key offline or at least private)`;
}

async function issue(args: string[]): Promise<string> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      dir: { type: 'string' }, name: { type: 'string' }, server: { type: 'boolean' }, client: { type: 'boolean' },
      dns: { type: 'string' }, ip: { type: 'string' }, days: { type: 'string' },
    },
  });
  if (values.dir === undefined || values.name === undefined) throw new UsageError('pki issue: --dir and --name are required');
  if (!NAME.test(values.name)) throw new UsageError(`pki issue: --name \`${values.name}\` must be letters, digits, '.', '_' or '-'`);
  if (values.server === values.client) throw new UsageError('pki issue: give exactly one of --server or --client');
  const ips = list(values.ip);
  const badIp = ips.find((ip) => isIP(ip) === 0);
  if (badIp !== undefined) throw new UsageError(`pki issue: --ip \`${badIp}\` is not an IP address`);
  const caCert = join(values.dir, 'ca.pem');
  const caKey = join(values.dir, 'ca.key.pem');
  if (!existsSync(caCert) || !existsSync(caKey)) throw new UsageError(`pki issue: no CA in ${values.dir}: run \`clawgress pki init --dir ${values.dir}\` first`);
  const certPath = join(values.dir, `${values.name}.pem`);
  const keyPath = join(values.dir, `${values.name}.key.pem`);
  refuseOverwrite(certPath, keyPath);
  const pair = await issueCertificate({
    ca: { certPem: readFileSync(caCert, 'utf8'), keyPem: readFileSync(caKey, 'utf8') },
    commonName: values.name,
    kind: values.server ? 'server' : 'client',
    dnsNames: list(values.dns),
    ips,
    days: days(values.days, 825),
  });
  writeFileAtomic(keyPath, pair.keyPem);
  writeFileAtomic(certPath, pair.certPem, 0o644);
  return `wrote ${certPath} and ${keyPath} (${values.server ? 'server' : 'client'} certificate, CN=${values.name})`;
}

export async function runPki(argv: readonly string[]): Promise<string> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'init') return await init(rest);
    if (sub === 'issue') return await issue(rest);
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    if (error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`pki ${sub}: ${error.message.split('\n')[0]?.replace(/\.$/, '').toLowerCase()}`);
    }
    throw error;
  }
  throw new UsageError(PKI_USAGE);
}
