// Text -> typed value for each parse kind, and typed value -> text for help and listings.
// Parsing only checks form; ranges live in each setting's schema (see validate.ts).
import { isIP } from 'node:net';
import type { HostPort, ParseKind } from './types.js';

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

const KIB = 1024;
const BYTE_UNITS: Record<string, number> = { '': 1, B: 1, KiB: KIB, MiB: KIB ** 2, GiB: KIB ** 3 };
const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * `shown` is how a failure names the value: "`text`", or "the value" for secrets, which
 * must never reach an error message.
 */
export function parseValue(kind: ParseKind, text: string, shown: string): Parsed {
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'int':
      return parseInteger(text, shown);
    case 'bool':
      return parseBoolean(text, shown);
    case 'list':
      return { ok: true, value: splitList(text) };
    case 'host-port':
      return parseHostPort(text, shown);
    case 'cidr-list':
      return parseCidrList(text);
    case 'duration-ms':
      return parseWithUnit({ text, units: DURATION_UNITS, pattern: /^(\d+)(ms|s|m|h)?$/ }) ??
        fail(`${shown} is not a duration (e.g. 500ms, 10s, 2m, 1h or plain ms)`);
    case 'bytes':
      return parseWithUnit({ text, units: BYTE_UNITS, pattern: /^(\d+)(B|KiB|MiB|GiB)?$/ }) ??
        fail(`${shown} is not a size (e.g. 16384, 16KiB, 1MiB)`);
  }
}

function fail(reason: string): Parsed {
  return { ok: false, reason };
}

function parseInteger(text: string, shown: string): Parsed {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) return fail(`${shown} is not an integer`);
  return { ok: true, value };
}

function parseBoolean(text: string, shown: string): Parsed {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  return fail(`${shown} is not true or false`);
}

/** Empty entries are dropped, so `""` is the empty list and a trailing comma is harmless. */
function splitList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function parseWithUnit(options: { text: string; units: Record<string, number>; pattern: RegExp }): Parsed | null {
  const match = options.pattern.exec(options.text);
  if (match === null) return null;
  const value = Number(match[1]) * (options.units[match[2] ?? ''] ?? Number.NaN);
  return Number.isSafeInteger(value) ? { ok: true, value } : null;
}

function parseHostPort(text: string, shown: string): Parsed {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const [, bracketed, plain, portText] = match ?? [];
  const port = Number(portText);
  const hostOk = bracketed !== undefined ? isIP(bracketed) === 6 : plain !== undefined && isHostOrIPv4(plain);
  if (match === null || !hostOk || port > 65535) {
    const hint = (text.match(/:/g) ?? []).length > 1 && !text.startsWith('[') ? ' (IPv6 goes in brackets: [::1]:3128)' : '';
    return fail(`${shown} is not HOST:PORT${hint}`);
  }
  const value: HostPort = { host: bracketed ?? plain ?? '', port };
  return { ok: true, value };
}

function isHostOrIPv4(host: string): boolean {
  // A dotted run of digits is an IPv4 address or nothing, never a host name.
  if (/^[\d.]+$/.test(host)) return isIP(host) === 4;
  return HOSTNAME.test(host);
}

function parseCidrList(text: string): Parsed {
  const entries = splitList(text);
  const bad = entries.find((entry) => !isCidr(entry));
  return bad === undefined ? { ok: true, value: entries } : fail(`\`${bad}\` is not a CIDR`);
}

export function isCidr(entry: string): boolean {
  const match = /^([^/%]+)\/(\d{1,3})$/.exec(entry);
  if (match === null) return false;
  const family = isIP(match[1] ?? '');
  const maxPrefix = family === 4 ? 32 : 128;
  return family !== 0 && Number(match[2]) <= maxPrefix;
}

export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** The largest unit that divides `count` exactly, e.g. 16384 -> `16KiB`, 90000 -> `90s`. */
function formatWithUnit(count: number, units: readonly (readonly [string, number])[]): string {
  const unit = units.find(([, size]) => count !== 0 && count % size === 0);
  return unit === undefined ? String(count) : `${count / unit[1]}${unit[0]}`;
}

export function formatBytes(bytes: number): string {
  return formatWithUnit(bytes, [['GiB', KIB ** 3], ['MiB', KIB ** 2], ['KiB', KIB]]);
}

export function formatDuration(ms: number): string {
  return formatWithUnit(ms, [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]]);
}

/** The value as a user would write it in a flag or config file; null is the empty string. */
export function formatValue(kind: ParseKind, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (kind) {
    case 'host-port':
      return formatHostPort(value as HostPort);
    case 'duration-ms':
      return formatDuration(value as number);
    case 'bytes':
      return formatBytes(value as number);
    case 'list':
    case 'cidr-list':
      return (value as readonly string[]).join(',');
    default:
      return String(value);
  }
}
