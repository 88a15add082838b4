import { useState } from 'preact/hooks';
import { api } from './api.js';
import { ErrorMessage, SelectField, TextField, useFocusOnMount } from './components.js';
import { html } from './html.js';

const EMPTY = { agent_id: '', team_id: '', project_id: '', environment: '', auth_type: 'api_key' };
const AUTH_TYPES = [
  ['api_key', 'API key'],
  ['jwt', 'JWT'],
];

/** Registers an agent; the API answers with its key once (api_key agents). */
export function AgentForm({ onCreated, onCancel }) {
  const [agent, setAgent] = useState(EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const first = useFocusOnMount();
  const set = (name) => (value) => setAgent((current) => ({ ...current, [name]: value }));
  const field = (name) => ({ name, value: agent[name], onValue: set(name), error, errorId: 'agent-form-error', required: true });
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api('POST', '/agents', agent));
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return html`<form class="card form" onSubmit=${submit} aria-labelledby="agent-form-title">
    <h2 id="agent-form-title">New agent</h2>
    <div class="grid">
      <${TextField} label="Agent ID" inputRef=${first} hint="letters, digits, . _ - (no colon)" ...${field('agent_id')} />
      <${TextField} label="Team" ...${field('team_id')} />
      <${TextField} label="Project" ...${field('project_id')} />
      <${TextField} label="Environment" placeholder="prod" ...${field('environment')} />
      <${SelectField} label="Authentication" options=${AUTH_TYPES} ...${field('auth_type')} />
    </div>
    <${ErrorMessage} error=${error} id="agent-form-error" />
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>Create agent</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}
