// What a publish would change: the enabled drafts against the policies in the bundle in force.
// Pure, so it is tested in node as well as used in the browser.

const MATCH_FIELDS = ['agents', 'teams', 'projects', 'environments', 'domains', 'methods', 'path_prefixes', 'ports'];

export function describeValue(value) {
  if (value === undefined || value === null) return '(any)';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** Each field whose value differs, as {field, before, after} strings. */
export function policyChanges(before, after) {
  const changes = [];
  const compare = (field, a, b) => {
    if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) changes.push({ field, before: describeValue(a), after: describeValue(b) });
  };
  compare('action', before.action, after.action);
  compare('priority', before.priority, after.priority);
  for (const name of MATCH_FIELDS) compare(`match.${name}`, before.match?.[name], after.match?.[name]);
  if ((before.description ?? '') !== (after.description ?? '')) {
    changes.push({ field: 'description', before: before.description || '(none)', after: after.description || '(none)' });
  }
  return changes;
}

const byId = (a, b) => (a.policy_id < b.policy_id ? -1 : a.policy_id > b.policy_id ? 1 : 0);

/**
 * drafts: GET /policies items; published: the bundle's content.policies. Publishing takes the
 * enabled drafts, so a disabled or deleted draft leaves the bundle.
 */
export function diffPolicies(drafts, published) {
  const next = drafts.filter((draft) => draft.enabled).sort(byId);
  const before = new Map(published.map((policy) => [policy.policy_id, policy]));
  const after = new Set(next.map((policy) => policy.policy_id));
  const draftIds = new Set(drafts.map((draft) => draft.policy_id));
  const added = next.filter((policy) => !before.has(policy.policy_id));
  const changed = next
    .filter((policy) => before.has(policy.policy_id) && before.get(policy.policy_id).version !== policy.version)
    .map((policy) => {
      const old = before.get(policy.policy_id);
      return { policy_id: policy.policy_id, from_version: old.version, to_version: policy.version, changes: policyChanges(old, policy) };
    });
  const removed = [...published]
    .sort(byId)
    .filter((policy) => !after.has(policy.policy_id))
    .map((policy) => ({ policy, why: draftIds.has(policy.policy_id) ? 'disabled' : 'deleted' }));
  return { added, changed, removed, empty: added.length + changed.length + removed.length === 0 };
}

/** A one-line summary of what a policy matches, e.g. "GET api.example.com /v1 · agents: a1". */
export function summarizeMatch(match = {}) {
  const parts = [];
  if (match.methods) parts.push(match.methods.join(' '));
  parts.push(match.domains ? match.domains.join(' ') : 'any host');
  if (match.ports) parts.push(`:${match.ports.join(',')}`);
  if (match.path_prefixes) parts.push(match.path_prefixes.join(' '));
  for (const name of ['agents', 'teams', 'projects', 'environments']) {
    if (match[name]) parts.push(`· ${name}: ${match[name].join(', ')}`);
  }
  return parts.join(' ');
}
