// Create or edit a policy draft. Lists are typed comma-separated; empty means "any". The API
// validates (wildcards, methods, ports…) and its message, naming the field, is shown as is.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { CheckboxField, ErrorMessage, SelectField, TextField, joinList, splitList, useFocusOnMount } from './components.js';
import { html } from './html.js';

const IDENTITY_FIELDS = [
  ['agents', 'Agents'],
  ['teams', 'Teams'],
  ['projects', 'Projects'],
  ['environments', 'Environments'],
];
const DESTINATION_FIELDS = [
  ['domains', 'Domains', 'exact names or *.example.com (subdomains only)'],
  ['methods', 'Methods', 'e.g. GET, POST; CONNECT for tunnels'],
  ['path_prefixes', 'Path prefixes', 'each starts with /'],
  ['ports', 'Ports', 'e.g. 443'],
];
const ACTIONS = [
  ['allow', 'allow'],
  ['deny', 'deny'],
];

function toForm(policy) {
  const form = {
    policy_id: policy?.policy_id ?? '',
    description: policy?.description ?? '',
    action: policy?.action ?? 'allow',
    priority: String(policy?.priority ?? 10),
    enabled: policy?.enabled ?? true,
  };
  for (const [name] of [...IDENTITY_FIELDS, ...DESTINATION_FIELDS]) form[`match.${name}`] = joinList(policy?.match?.[name]);
  return form;
}

/** Numbers where the text is one, the text otherwise: the API then names the bad value. */
const numberOrText = (text) => (/^-?\d+$/.test(text.trim()) ? Number(text) : text);

function toBody(form) {
  const match = {};
  for (const [name] of [...IDENTITY_FIELDS, ...DESTINATION_FIELDS]) {
    const items = splitList(form[`match.${name}`]);
    if (items) match[name] = name === 'ports' ? items.map(numberOrText) : items;
  }
  const body = { match, action: form.action, priority: numberOrText(form.priority), enabled: form.enabled };
  if (form.description.trim() !== '') body.description = form.description.trim();
  return body;
}

export function PolicyForm({ policy, onSaved, onCancel, onDeleted }) {
  const editing = policy !== null;
  const [form, setForm] = useState(() => toForm(policy));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const first = useFocusOnMount();
  const field = (name) => ({ name, value: form[name], onValue: (value) => setForm({ ...form, [name]: value }), error, errorId: 'policy-form-error' });
  const send = async (action) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  const path = `/policies/${encodeURIComponent(form.policy_id)}`;
  const submit = (event) => {
    event.preventDefault();
    void send(async () => {
      const saved = editing ? await api('PUT', path, toBody(form)) : await api('POST', '/policies', { policy_id: form.policy_id, ...toBody(form) });
      onSaved(saved);
    });
  };
  const remove = () => {
    if (!confirmDelete) return setConfirmDelete(true);
    void send(async () => {
      await api('DELETE', path);
      onDeleted(form.policy_id);
    });
  };
  return html`<form class="card form" onSubmit=${submit} aria-labelledby="policy-form-title">
    <h2 id="policy-form-title">${editing ? `Edit policy ${policy.policy_id}` : 'New policy'}</h2>
    <div class="grid">
      ${editing ? null : html`<${TextField} label="Policy ID" required inputRef=${first} ...${field('policy_id')} />`}
      <${SelectField} label="Action" options=${ACTIONS} ...${field('action')} />
      <${TextField} label="Priority" type="number" hint="higher wins; at equal priority deny wins" inputRef=${editing ? first : undefined} ...${field('priority')} />
      <${TextField} label="Description" ...${field('description')} />
    </div>
    <${CheckboxField} label="Enabled" checked=${form.enabled} onValue=${(value) => setForm({ ...form, enabled: value })} />
    <fieldset>
      <legend>Who: leave empty for anyone</legend>
      <div class="grid">${IDENTITY_FIELDS.map(([name, label]) => html`<${TextField} label=${label} hint="comma-separated" ...${field(`match.${name}`)} />`)}</div>
    </fieldset>
    <fieldset>
      <legend>Where: leave empty for any</legend>
      <div class="grid">${DESTINATION_FIELDS.map(([name, label, hint]) => html`<${TextField} label=${label} hint=${hint} ...${field(`match.${name}`)} />`)}</div>
    </fieldset>
    <${ErrorMessage} error=${error} id="policy-form-error" />
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>${editing ? 'Save draft' : 'Create draft'}</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
      ${editing
        ? html`<button type="button" class="danger push-right" onClick=${remove} disabled=${busy}>${confirmDelete ? 'Confirm delete' : 'Delete draft'}</button>`
        : null}
    </div>
    <p class="hint">Drafts take effect when published.</p>
  </form>`;
}
