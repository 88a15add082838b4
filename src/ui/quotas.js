// Quotas: per-agent rate limits, editable; they take effect at once (no publish).
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from './api.js';
import { ErrorMessage, Notice, SelectField, TextField, useFocusOnMount } from './components.js';
import { html } from './html.js';

const MODES = [
  ['hard_stop', 'hard stop: answer 429'],
  ['alert_only', 'alert only: let through, mark'],
];
const EMPTY = { agent_id: '', rps_limit: '', rpm_limit: '', mode: 'hard_stop' };

/** Numbers where the text is one, the text otherwise: the API then names the bad value. */
const numberOrText = (text) => (/^\d+$/.test(String(text).trim()) ? Number(text) : text);

export function QuotasPage() {
  const [agents, setAgents] = useState(null);
  const [quotas, setQuotas] = useState(new Map());
  const [form, setForm] = useState(EMPTY);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const heading = useFocusOnMount();
  const reload = () =>
    Promise.all([listAll('/agents'), listAll('/quotas')]).then(([agentList, quotaList]) => {
      setAgents(agentList);
      setQuotas(new Map(quotaList.map((quota) => [quota.agent_id, quota])));
    }, setError);
  useEffect(() => void reload(), []);

  const run = async (action, message) => {
    setError(null);
    try {
      await action();
      setNotice(message);
      await reload();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    }
  };
  const save = async (event) => {
    event.preventDefault();
    const body = { rps_limit: numberOrText(form.rps_limit), rpm_limit: numberOrText(form.rpm_limit), mode: form.mode };
    const path = `/quotas/${encodeURIComponent(form.agent_id)}`;
    if (await run(() => api('PUT', path, body), `Quota of ${form.agent_id} saved: it applies at once.`)) setForm(EMPTY);
  };
  const remove = (agentId) => run(() => api('DELETE', `/quotas/${encodeURIComponent(agentId)}`), `Quota of ${agentId} removed: no limit.`);
  const edit = (agentId) => {
    const quota = quotas.get(agentId);
    setForm(quota ? { ...quota, rps_limit: String(quota.rps_limit), rpm_limit: String(quota.rpm_limit) } : { ...EMPTY, agent_id: agentId });
    document.getElementById('quota-form')?.querySelector('input, select')?.focus();
  };
  const field = (name) => ({ name, value: form[name], onValue: (value) => setForm({ ...form, [name]: value }), error, errorId: 'quota-error' });
  const agentOptions = [['', 'Choose an agent…'], ...(agents ?? []).map((agent) => [agent.agent_id, agent.agent_id])];
  return html`<section>
    <div class="page-head"><h1 tabindex="-1" ref=${heading}>Quotas</h1></div>
    <p class="hint">Rate limits per agent, across every gateway. Changes apply at once, without a publish.</p>
    ${notice ? html`<${Notice} onDismiss=${() => setNotice(null)}>${notice}<//>` : null}
    <form id="quota-form" class="card form" onSubmit=${save} aria-labelledby="quota-form-title" novalidate>
      <h2 id="quota-form-title">Set a quota</h2>
      <div class="grid">
        <${SelectField} label="Agent" options=${agentOptions} ...${field('agent_id')} />
        <${TextField} label="Requests per second" type="number" min="1" required ...${field('rps_limit')} />
        <${TextField} label="Requests per minute" type="number" min="1" required ...${field('rpm_limit')} />
        <${SelectField} label="Mode" options=${MODES} ...${field('mode')} />
      </div>
      <${ErrorMessage} error=${error} id="quota-error" />
      <div class="actions"><button type="submit" class="primary" disabled=${form.agent_id === ''}>Save quota</button></div>
    </form>
    ${agents ? html`<${QuotaTable} agents=${agents} quotas=${quotas} onEdit=${edit} onRemove=${remove} />` : html`<p>Loading…</p>`}
  </section>`;
}

function QuotaTable({ agents, quotas, onEdit, onRemove }) {
  if (agents.length === 0) return html`<p class="empty">No agents yet.</p>`;
  return html`<table>
    <caption class="visually-hidden">Quotas per agent</caption>
    <thead><tr><th scope="col">Agent</th><th scope="col" class="num">Per second</th><th scope="col" class="num">Per minute</th>
      <th scope="col">Mode</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${agents.map((agent) => {
      const quota = quotas.get(agent.agent_id);
      const id = agent.agent_id;
      return html`<tr key=${id}>
        <th scope="row" class="mono">${id}</th>
        <td class="num">${quota ? quota.rps_limit : '—'}</td>
        <td class="num">${quota ? quota.rpm_limit : '—'}</td>
        <td>${quota ? quota.mode.replace('_', ' ') : html`<span class="hint">no limit</span>`}</td>
        <td class="row-actions">
          <button type="button" onClick=${() => onEdit(id)} aria-label=${`${quota ? 'Edit quota of' : 'Set quota of'} ${id}`}>${quota ? 'Edit' : 'Set quota'}</button>
          ${quota ? html`<button type="button" onClick=${() => onRemove(id)} aria-label=${`Remove quota of ${id}`}>Remove</button>` : null}
        </td>
      </tr>`;
    })}</tbody>
  </table>`;
}
