// Shape checks for what a bundle carries. A bundle comes from disk or the network, so
// every field is checked before anything trusts its type. Messages name the field and
// never echo a secret (issuer keys, key hashes).

import type { BundleManifest } from '../core/index.js';
import { checkPolicy, quote } from './check-policy.js';

type Problem = string | null;
type Check = (value: unknown, at: string) => Problem;

const CONTENT_HASH = /^sha256:[0-9a-f]{64}$/;
const MANIFEST_FIELDS = new Set(['version', 'created_at', 'content_hash']);
const KEY_SOURCES = ['jwks_url', 'public_key_pem', 'hs256_secret'] as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, at: string): Problem {
  return typeof value === 'string' && value !== '' ? null : `${at}: not a non-empty string`;
}

function oneOf(allowed: readonly string[]): Check {
  return (value, at) => (allowed.includes(value as string) ? null : `${at}: ${quote(value)} is not one of ${allowed.join(', ')}`);
}

function nonNegativeNumber(value: unknown, at: string): Problem {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? null : `${at}: ${quote(value)} is not a non-negative number`;
}

function timestamp(value: unknown, at: string): Problem {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : `${at}: not an rfc 3339 timestamp`;
}

/** Runs the checks for each named field of a record, in order; the first problem wins. */
function fields(record: unknown, at: string, checks: Readonly<Record<string, Check>>): Problem {
  if (!isRecord(record)) return `${at}: not an object`;
  for (const [name, check] of Object.entries(checks)) {
    const problem = check(record[name], `${at}.${name}`);
    if (problem !== null) return problem;
  }
  return null;
}

/** Each item must pass check; the value of idField (if given) must be unique. */
function listOf(check: Check, idField?: string): Check {
  return (value, at) => {
    if (!Array.isArray(value)) return `${at}: not a list`;
    const seen = new Set<unknown>();
    for (const [i, item] of (value as unknown[]).entries()) {
      const problem = check(item, `${at}[${i}]`);
      if (problem !== null) return problem;
      const id = idField === undefined ? undefined : (item as Record<string, unknown>)[idField];
      if (seen.has(id)) return `${at}[${i}]: ${idField} ${quote(id)} appears twice`;
      if (idField !== undefined) seen.add(id);
    }
    return null;
  };
}

function keyHash(value: unknown, at: string): Problem {
  return fields(value, at, {
    hash: nonEmptyString,
    expires_at: (expiresAt, field) => (expiresAt === null ? null : timestamp(expiresAt, field)),
  });
}

const agent: Check = (value, at) =>
  fields(value, at, {
    agent_id: nonEmptyString,
    team_id: nonEmptyString,
    project_id: nonEmptyString,
    environment: nonEmptyString,
    auth_type: oneOf(['jwt', 'api_key']),
    status: oneOf(['active', 'disabled']),
    key_hashes: listOf(keyHash),
  });

const issuer: Check = (value, at) => {
  const problem = fields(value, at, { id: nonEmptyString, issuer: nonEmptyString, audience: nonEmptyString });
  if (problem !== null) return problem;
  const record = value as Record<string, unknown>;
  const sources = KEY_SOURCES.filter((source) => record[source] !== undefined);
  if (sources.length !== 1) return `${at}: needs exactly one of ${KEY_SOURCES.join(', ')}`;
  return nonEmptyString(record[sources[0] as string], `${at}.${sources[0]}`);
};

const quota: Check = (value, at) =>
  fields(value, at, {
    agent_id: nonEmptyString,
    rps_limit: nonNegativeNumber,
    rpm_limit: nonNegativeNumber,
    mode: oneOf(['hard_stop', 'alert_only']),
  });

const policy: Check = (value, at) => {
  if (!isRecord(value)) return `${at}: not an object`;
  const problem = checkPolicy(value as never);
  return problem === null ? null : `${at}: policy ${quote(value.policy_id)}: ${problem}`;
};

/** Null when content is a well-formed BundleContent, else the first problem. */
export function checkContentProblem(content: unknown): Problem {
  return fields(content, 'content', {
    policies: listOf(policy, 'policy_id'),
    agents: listOf(agent, 'agent_id'),
    issuers: listOf(issuer, 'id'),
    quotas: listOf(quota, 'agent_id'),
  });
}

/** Null when manifest is a well-formed BundleManifest, else the first problem.
 *  Unknown fields are refused: everything in the manifest is signed, so it must all be understood. */
export function checkManifestProblem(manifest: unknown): Problem {
  const problem = fields(manifest, 'manifest', {
    version: (value, at) => (Number.isSafeInteger(value) && (value as number) >= 1 ? null : `${at}: ${quote(value)} is not a positive integer`),
    created_at: timestamp,
    content_hash: (value, at) => (typeof value === 'string' && CONTENT_HASH.test(value) ? null : `${at}: not \`sha256:\` and 64 hex digits`),
  });
  if (problem !== null) return problem;
  const extra = Object.keys(manifest as BundleManifest).find((key) => !MANIFEST_FIELDS.has(key));
  return extra === undefined ? null : `manifest: ${quote(extra)} is not a known field`;
}
