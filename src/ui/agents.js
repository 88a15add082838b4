// Agents: the registry with search, create (key shown once), disable/enable and key rotation.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, listAll, uiConfig } from './api.js';
import { AgentForm } from './agent-form.js';
import { Badge, ErrorMessage, Notice, TextField, useFocusOnMount } from './components.js';
import { html } from './html.js';
import { KeyReveal } from './key-reveal.js';

// SPEC §1: the gateway's default address, used when the server did not say where it listens.
const DEFAULT_PROXY_PORT = 3128;

function matchesSearch(agent, search) {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  return [agent.agent_id, agent.team_id, agent.project_id, agent.environment, agent.status, agent.auth_type].some((value) =>
    value.toLowerCase().includes(needle),
  );
}

function useProxyAddress() {
  const [address, setAddress] = useState(`${location.hostname}:${DEFAULT_PROXY_PORT}`);
  useEffect(() => {
    void uiConfig().then((config) => config.proxy_address && setAddress(config.proxy_address));
  }, []);
  return address;
}

export function AgentsPage() {
  const [agents, setAgents] = useState(null);
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState(null);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const proxyAddress = useProxyAddress();
  const heading = useFocusOnMount();
  const reload = () => listAll('/agents').then(setAgents, setError);
  useEffect(() => void reload(), []);

  const run = async (action) => {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    }
    await reload();
  };
  const created = (agent) => {
    setCreating(false);
    if (agent.api_key) setRevealed({ agentId: agent.agent_id, apiKey: agent.api_key, rotated: false });
    else setNotice(`Agent ${agent.agent_id} registered: it authenticates with JWTs from a registered issuer.`);
    void reload();
  };
  const toggle = (agent) =>
    run(async () => {
      const status = agent.status === 'active' ? 'disabled' : 'active';
      await api('PATCH', `/agents/${encodeURIComponent(agent.agent_id)}`, { status });
      setNotice(`Agent ${agent.agent_id} is now ${status}.`);
    });
  const rotate = (agent) =>
    run(async () => {
      const answer = await api('POST', `/agents/${encodeURIComponent(agent.agent_id)}/keys`);
      setRevealed({ agentId: agent.agent_id, apiKey: answer.api_key, rotated: true });
    });

  const shown = useMemo(() => (agents ?? []).filter((agent) => matchesSearch(agent, search)), [agents, search]);
  return html`<section>
    <div class="page-head">
      <h1 tabindex="-1" ref=${heading}>Agents</h1>
      <button type="button" class="primary" onClick=${() => setCreating(true)} disabled=${creating}>New agent</button>
    </div>
    ${revealed ? html`<${KeyReveal} ...${revealed} proxyAddress=${proxyAddress} onDone=${() => setRevealed(null)} />` : null}
    ${notice ? html`<${Notice} onDismiss=${() => setNotice(null)}>${notice}<//>` : null}
    ${creating ? html`<${AgentForm} onCreated=${created} onCancel=${() => setCreating(false)} />` : null}
    <${ErrorMessage} error=${error} />
    <div class="toolbar">
      <${TextField} label="Search agents" type="search" value=${search} onValue=${setSearch} placeholder="id, team, project, environment" />
      <span class="count" aria-live="polite">${agents ? `${shown.length} of ${agents.length} agents` : 'Loading…'}</span>
    </div>
    <${AgentTable} agents=${shown} onToggle=${toggle} onRotate=${rotate} />
  </section>`;
}

function AgentTable({ agents, onToggle, onRotate }) {
  if (agents.length === 0) return html`<p class="empty">No agents to show.</p>`;
  return html`<table>
    <caption class="visually-hidden">Agents</caption>
    <thead><tr><th scope="col">Agent</th><th scope="col">Team</th><th scope="col">Project</th><th scope="col">Environment</th>
      <th scope="col">Auth</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${agents.map((agent) => html`<${AgentRow} key=${agent.agent_id} agent=${agent} onToggle=${onToggle} onRotate=${onRotate} />`)}</tbody>
  </table>`;
}

function AgentRow({ agent, onToggle, onRotate }) {
  const active = agent.status === 'active';
  return html`<tr>
    <th scope="row" class="mono">${agent.agent_id}</th>
    <td>${agent.team_id}</td>
    <td>${agent.project_id}</td>
    <td>${agent.environment}</td>
    <td>${agent.auth_type === 'api_key' ? 'API key' : 'JWT'}</td>
    <td><${Badge} kind=${active ? 'allow' : 'muted'}>${agent.status}<//></td>
    <td class="row-actions">
      <button type="button" onClick=${() => onToggle(agent)} aria-label=${`${active ? 'Disable' : 'Enable'} ${agent.agent_id}`}>
        ${active ? 'Disable' : 'Enable'}
      </button>
      ${agent.auth_type === 'api_key'
        ? html`<button type="button" onClick=${() => onRotate(agent)} aria-label=${`Rotate key of ${agent.agent_id}`}>Rotate key</button>`
        : null}
    </td>
  </tr>`;
}
