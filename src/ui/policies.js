// Policies: drafts with their published state, the bundle in force, edit, publish with a
// diff, and the explain box.
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from './api.js';
import { Badge, ErrorMessage, Notice, useFocusOnMount } from './components.js';
import { ExplainBox } from './explain.js';
import { html } from './html.js';
import { summarizeMatch } from './policy-diff.js';
import { PolicyForm } from './policy-form.js';
import { PublishPanel } from './publish-panel.js';

const shortHash = (hash) => `${hash.replace(/^sha256:/, '').slice(0, 12)}…`;

/** Draft vs published, in words: what a gateway enforces is the published version. */
export function publishState(policy) {
  if (policy.published_version === policy.version) return { kind: 'allow', text: `published v${policy.version}` };
  if (policy.published_version === null) return { kind: 'warn', text: `draft v${policy.version}, not published` };
  return { kind: 'warn', text: `draft v${policy.version}, v${policy.published_version} published` };
}

export function PoliciesPage() {
  const [policies, setPolicies] = useState(null);
  const [bundle, setBundle] = useState(null);
  const [agentIds, setAgentIds] = useState([]);
  const [editing, setEditing] = useState(undefined); // undefined: closed; null: new; a policy: edit
  const [publishing, setPublishing] = useState(false);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const heading = useFocusOnMount();
  const reload = () =>
    Promise.all([listAll('/policies'), api('GET', '/bundles/current')]).then(([drafts, current]) => {
      setPolicies(drafts);
      setBundle(current.manifest);
    }, setError);
  useEffect(() => {
    void reload();
    listAll('/agents').then((agents) => setAgentIds(agents.map((agent) => agent.agent_id)), setError);
  }, []);

  const done = (message) => {
    setEditing(undefined);
    setPublishing(false);
    setNotice(message);
    void reload();
  };
  const open = (policy) => {
    setPublishing(false);
    setEditing(policy);
  };
  const startPublish = () => {
    setEditing(undefined);
    setPublishing(true);
  };
  return html`<section>
    <div class="page-head">
      <h1 tabindex="-1" ref=${heading}>Policies</h1>
      <button type="button" onClick=${() => open(null)}>New policy</button>
      <button type="button" class="primary" onClick=${startPublish} disabled=${publishing}>Publish…</button>
    </div>
    <${BundleLine} bundle=${bundle} />
    ${notice ? html`<${Notice} onDismiss=${() => setNotice(null)}>${notice}<//>` : null}
    <${ErrorMessage} error=${error} />
    ${publishing
      ? html`<${PublishPanel} onCancel=${() => setPublishing(false)}
          onPublished=${(result) => done(`Published bundle version ${result.version} (hash ${shortHash(result.content_hash)}).`)} />`
      : null}
    ${editing !== undefined
      ? html`<${PolicyForm} key=${editing?.policy_id ?? 'new'} policy=${editing} onCancel=${() => setEditing(undefined)}
          onSaved=${(saved) => done(`Draft ${saved.policy_id} saved as version ${saved.version}: publish to put it in force.`)}
          onDeleted=${(id) => done(`Draft ${id} deleted: publish to remove it from the bundle in force.`)} />`
      : null}
    ${policies ? html`<${PolicyTable} policies=${policies} onEdit=${open} />` : html`<p>Loading…</p>`}
    <${ExplainBox} agentIds=${agentIds} />
  </section>`;
}

function BundleLine({ bundle }) {
  if (!bundle) return null;
  const published = new Date(bundle.created_at).toLocaleString();
  return html`<p class="bundle-line">
    ${'Bundle in force: '}<strong>version ${bundle.version}</strong>${' · hash '}<code title=${bundle.content_hash}>${shortHash(bundle.content_hash)}</code>
    ${' · published '}<time datetime=${bundle.created_at}>${published}</time>
  </p>`;
}

function PolicyTable({ policies, onEdit }) {
  if (policies.length === 0) return html`<p class="empty">No policies yet: every request is denied (default-deny).</p>`;
  const sorted = [...policies].sort((a, b) => b.priority - a.priority || (a.policy_id < b.policy_id ? -1 : 1));
  return html`<table>
    <caption class="visually-hidden">Policies, highest priority first</caption>
    <thead><tr><th scope="col">Policy</th><th scope="col">Priority</th><th scope="col">Action</th><th scope="col">Enabled</th>
      <th scope="col">Status</th><th scope="col">Matches</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${sorted.map((policy) => {
      const state = publishState(policy);
      return html`<tr key=${policy.policy_id}>
        <th scope="row" class="mono">${policy.policy_id}${policy.description ? html`<div class="hint">${policy.description}</div>` : null}</th>
        <td class="num">${policy.priority}</td>
        <td><${Badge} kind=${policy.action} /></td>
        <td>${policy.enabled ? 'yes' : 'no'}</td>
        <td><${Badge} kind=${state.kind}>${state.text}<//></td>
        <td class="mono small">${summarizeMatch(policy.match)}</td>
        <td class="row-actions"><button type="button" onClick=${() => onEdit(policy)} aria-label=${`Edit ${policy.policy_id}`}>Edit</button></td>
      </tr>`;
    })}</tbody>
  </table>`;
}
