// Semantic validation of one policy record. The admin API has checked JSON types already,
// but bundles arrive from disk and network, so the checks below hold for any value.

import type { Policy, PolicyMatch } from '../core/index.js';
import { HTTP_TOKEN } from './destination.js';
import { parseDomainRule } from './host.js';
import { normalizePath } from './path.js';

export const DEFAULT_DENY_ID = 'default-deny';
const POLICY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// Printable ASCII only: a request path never carries a raw space, control or non-ASCII
// character (the URL parser percent-encodes them), so such a prefix could never match.
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

type MatchField = keyof PolicyMatch;

interface ListRule {
  /** Null when the entry is valid, else why not (without the field name). */
  readonly check: (entry: unknown) => string | null;
  /** Two entries with the same key are duplicates. */
  readonly key: (entry: never) => unknown;
}

/** A value for a message: in backticks, cut short so one bad field cannot flood a log line. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(JSON.stringify(value));
  return `\`${text.length > 200 ? `${text.slice(0, 200)}…` : text}\``;
}

function checkNonEmptyString(entry: unknown): string | null {
  if (typeof entry !== 'string') return `${quote(entry)} is not a string`;
  return entry === '' ? 'an empty string is not a valid entry' : null;
}

function checkDomain(entry: unknown): string | null {
  if (typeof entry !== 'string') return `${quote(entry)} is not a string`;
  const rule = parseDomainRule(entry);
  return 'error' in rule ? `${quote(entry)} ${rule.error}` : null;
}

function domainKey(entry: string): string {
  const rule = parseDomainRule(entry);
  if ('error' in rule) return entry;
  return rule.kind === 'exact' ? rule.host : `*.${rule.suffix}`;
}

function checkMethod(entry: unknown): string | null {
  if (typeof entry === 'string' && HTTP_TOKEN.test(entry)) return null;
  return `${quote(entry)} is not an http method token`;
}

function checkPathPrefix(entry: unknown): string | null {
  if (typeof entry !== 'string') return `${quote(entry)} is not a string`;
  if (!entry.startsWith('/')) return `${quote(entry)} must start with \`/\``;
  if (entry.includes('?') || entry.includes('#')) return `${quote(entry)} must not contain \`?\` or \`#\``;
  if (!PRINTABLE_ASCII.test(entry)) return `${quote(entry)} must percent-encode spaces, control and non-ascii characters`;
  const normalised = normalizePath(entry);
  if (normalised === null) return `${quote(entry)} has a bad percent escape`;
  // Paths are normalised before matching, so a prefix in any other form would never match.
  return normalised === entry ? null : `${quote(entry)} is not normalised: use ${quote(normalised)}`;
}

function checkPort(entry: unknown): string | null {
  if (typeof entry !== 'number') return `${quote(entry)} is not a number`;
  const valid = Number.isInteger(entry) && entry >= 1 && entry <= 65535;
  return valid ? null : `${quote(entry)} is not a port number (1-65535)`;
}

const IDENTITY_RULE: ListRule = { check: checkNonEmptyString, key: (entry: string) => entry };

/** Checked in this order, so the first problem reported is stable. */
const MATCH_RULES: ReadonlyMap<MatchField, ListRule> = new Map<MatchField, ListRule>([
  ['agents', IDENTITY_RULE],
  ['teams', IDENTITY_RULE],
  ['projects', IDENTITY_RULE],
  ['environments', IDENTITY_RULE],
  ['domains', { check: checkDomain, key: domainKey }],
  ['methods', { check: checkMethod, key: (entry: string) => entry.toUpperCase() }],
  ['path_prefixes', { check: checkPathPrefix, key: (entry: string) => entry }],
  ['ports', { check: checkPort, key: (entry: number) => entry }],
]);

function checkList(field: MatchField, value: unknown, rule: ListRule): string | null {
  if (!Array.isArray(value) || value.length === 0) return `match.${field}: must be a non-empty list`;
  const seen = new Set<unknown>();
  for (const entry of value as unknown[]) {
    const problem = rule.check(entry);
    if (problem !== null) return `match.${field}: ${problem}`;
    const key = rule.key(entry as never);
    if (seen.has(key)) return `match.${field}: ${quote(entry)} is listed twice`;
    seen.add(key);
  }
  return null;
}

function checkMatch(match: unknown): string | null {
  if (typeof match !== 'object' || match === null || Array.isArray(match)) return 'match: not an object';
  const record = match as Record<string, unknown>;
  // A misspelt selector (`domain`) would silently match everything: refuse unknown keys.
  const unknown = Object.keys(record).find((key) => !MATCH_RULES.has(key as MatchField));
  if (unknown !== undefined) return `match: ${quote(unknown)} is not a known selector`;
  for (const [field, rule] of MATCH_RULES) {
    const problem = record[field] === undefined ? null : checkList(field, record[field], rule);
    if (problem !== null) return problem;
  }
  return null;
}

function checkHeader(policy: Policy): string | null {
  const { policy_id: id, version, priority, action, enabled, description } = policy;
  if (typeof id !== 'string' || !POLICY_ID.test(id)) {
    return `policy_id: ${quote(id)} must be 1 to 128 letters, digits, \`.\`, \`_\`, \`:\` or \`-\`, starting with a letter or digit`;
  }
  if (id === DEFAULT_DENY_ID) return `policy_id: ${quote(id)} is reserved`;
  if (!Number.isSafeInteger(version) || version < 0) return `version: ${quote(version)} is not a non-negative integer`;
  if (!Number.isSafeInteger(priority)) return `priority: ${quote(priority)} is not an integer`;
  if (action !== 'allow' && action !== 'deny') return `action: ${quote(action)} is not \`allow\` or \`deny\``;
  if (typeof enabled !== 'boolean') return `enabled: ${quote(enabled)} is not a boolean`;
  if (description !== undefined && typeof description !== 'string') return `description: ${quote(description)} is not a string`;
  return null;
}

export function checkPolicy(policy: Policy): string | null {
  if (typeof policy !== 'object' || policy === null) return 'policy: not an object';
  return checkHeader(policy) ?? checkMatch(policy.match);
}

/** The stored form of a valid policy: methods upper-case, domains lower-case without a
 *  trailing dot, IP literals canonical. Matching gives the same answers before and after. */
export function normalizePolicy(policy: Policy): Policy {
  const { domains, methods } = policy.match;
  const match: PolicyMatch = {
    ...policy.match,
    ...(domains === undefined ? {} : { domains: domains.map(domainKey) }),
    ...(methods === undefined ? {} : { methods: methods.map((method) => method.toUpperCase()) }),
  };
  return { ...policy, match };
}
