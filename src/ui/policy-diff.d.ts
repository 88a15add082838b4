// Types for the node tests of policy-diff.js (the browser needs none).
export interface PolicyLike {
  policy_id: string;
  version: number;
  enabled?: boolean;
  action: string;
  priority: number;
  description?: string;
  match?: Record<string, unknown[] | undefined>;
}
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}
export interface PolicyDiff {
  added: PolicyLike[];
  changed: { policy_id: string; from_version: number; to_version: number; changes: FieldChange[] }[];
  removed: { policy: PolicyLike; why: 'disabled' | 'deleted' }[];
  empty: boolean;
}
export function describeValue(value: unknown): string;
export function policyChanges(before: PolicyLike, after: PolicyLike): FieldChange[];
export function diffPolicies(drafts: readonly PolicyLike[], published: readonly PolicyLike[]): PolicyDiff;
export function summarizeMatch(match?: Record<string, unknown[] | undefined>): string;
