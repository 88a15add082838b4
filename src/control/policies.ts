// Policy drafts. Edits never reach gateways by themselves: only publish() puts the enabled
// drafts into a bundle. A view shows the version in force beside the draft version.

import { ClawgressError, type Clock, type SignedBundle } from '../core/index.js';
import { checkPolicy } from '../policy/index.js';
import type { PolicyFields, PolicyRecord, Store } from '../store/index.js';
import { readPage } from './paging.js';
import type { PolicyBody, PolicyService, PolicyView } from './types.js';
import { shown } from './validate.js';

export interface PolicyServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly currentBundle: () => SignedBundle;
}

export function createPolicyService(options: PolicyServiceOptions): PolicyService {
  const { store, clock } = options;
  const now = (): string => new Date(clock.now()).toISOString();
  const notFound = (policyId: string) => new ClawgressError('NOT_FOUND', `policy ${shown(policyId)} not found`);
  const views = (records: readonly PolicyRecord[]): PolicyView[] => {
    const published = publishedVersions(options.currentBundle());
    return records.map((record) => policyView(record, published.get(record.policy_id) ?? null));
  };
  const oneView = (record: PolicyRecord): PolicyView => views([record])[0] as PolicyView;

  return {
    async create(input) {
      const fields = checkedFields(input.policy_id, input);
      const created = await store.policies.create(input.policy_id, fields, now());
      if (!created) throw new ClawgressError('CONFLICT', `policy ${shown(input.policy_id)} exists already`);
      return oneView(created);
    },
    list: (list) =>
      readPage({ list, fetch: (page) => store.policies.list(page), idOf: (p) => p.policy_id, view: views }),
    async get(policyId) {
      const record = await store.policies.get(policyId);
      if (!record) throw notFound(policyId);
      return oneView(record);
    },
    async replace(policyId, body) {
      const replaced = await store.policies.replace(policyId, checkedFields(policyId, body), now());
      if (!replaced) throw notFound(policyId);
      return oneView(replaced);
    },
    async delete(policyId) {
      if (!(await store.policies.delete(policyId))) throw notFound(policyId);
    },
  };
}

/** The stored fields of a valid draft; a VALIDATION error naming the field otherwise. */
function checkedFields(policyId: string, body: PolicyBody): PolicyFields {
  const fields: PolicyFields = {
    match: body.match,
    action: body.action,
    priority: body.priority,
    enabled: body.enabled ?? true,
    description: body.description ?? null,
  };
  const { description, ...rest } = fields;
  const problem = checkPolicy({
    policy_id: policyId,
    version: 1,
    ...rest,
    ...(description === null ? {} : { description }),
  });
  if (problem !== null) {
    // checkPolicy names the field before the first colon: "match.domains: ...".
    throw new ClawgressError('VALIDATION', problem, { field: problem.split(':', 1)[0] ?? 'policy' });
  }
  return fields;
}

function publishedVersions(bundle: SignedBundle): Map<string, number> {
  return new Map(bundle.content.policies.map((policy) => [policy.policy_id, policy.version]));
}

function policyView(record: PolicyRecord, publishedVersion: number | null): PolicyView {
  const { description, ...rest } = record;
  return { ...rest, ...(description === null ? {} : { description }), published_version: publishedVersion };
}
