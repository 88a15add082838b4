// Checks the control plane makes itself: the admin API checks JSON shapes first, but the
// services are also called in process, so every rule that protects stored data lives here.

import { ClawgressError } from '../core/index.js';

/** Agent ids go into Basic credentials (`agent_id:key`), so `:` is never allowed. */
export const AGENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
const AGENT_ID = new RegExp(AGENT_ID_PATTERN);
export const MAX_TEXT_LENGTH = 256; // characters, for identity attributes and issuer names

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export function invalid(field: string, message: string): ClawgressError {
  return new ClawgressError('VALIDATION', `${field}: ${message}`, { field });
}

/** A value for a message: in backticks and cut short, so one bad field cannot flood a log. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(JSON.stringify(value));
  return `\`${text.length > 128 ? `${text.slice(0, 128)}…` : text}\``;
}

export function checkAgentId(agentId: unknown, field = 'agent_id'): string {
  if (typeof agentId !== 'string' || !AGENT_ID.test(agentId)) {
    throw invalid(
      field,
      `${shown(agentId)} must be 1 to 128 letters, digits, \`.\`, \`_\` or \`-\`, starting with a letter or digit`,
    );
  }
  return agentId;
}

export function checkText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string');
  if (value.length > MAX_TEXT_LENGTH) throw invalid(field, `must be at most ${MAX_TEXT_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(field, 'must not contain control characters');
  return value;
}

export function checkOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(field, `${shown(value)} is not one of ${allowed.map((a) => `\`${a}\``).join(', ')}`);
}

export function checkIntegerRange(field: string, value: unknown, range: { min: number; max: number }): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) {
    return value;
  }
  throw invalid(field, `${shown(value)} is not an integer from ${range.min} to ${range.max}`);
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  return checkIntegerRange('limit', limit, { min: 1, max: MAX_PAGE_LIMIT });
}
