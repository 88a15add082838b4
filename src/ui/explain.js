// "Would agent X be allowed to GET this URL?" — POST /decisions/explain, against the bundle in force.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge, ErrorMessage, SelectField, TextField } from './components.js';
import { html } from './html.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT'].map((m) => [m, m]);

export function ExplainBox({ agentIds }) {
  const [query, setQuery] = useState({ agent_id: '', method: 'GET', url: '' });
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const field = (name) => ({ name, value: query[name], onValue: (value) => setQuery({ ...query, [name]: value }), error, errorId: 'explain-error' });
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setAnswer(null);
    try {
      setAnswer(await api('POST', '/decisions/explain', query));
    } catch (failure) {
      setError(failure);
    }
  };
  return html`<section class="card" aria-labelledby="explain-title">
    <h2 id="explain-title">Explain a decision</h2>
    <p class="hint">A dry run against the bundle in force: unpublished drafts do not count.</p>
    <form class="explain-form" onSubmit=${submit}>
      <${TextField} label="Agent" required list="explain-agents" ...${field('agent_id')} />
      <datalist id="explain-agents">${agentIds.map((id) => html`<option value=${id} />`)}</datalist>
      <${SelectField} label="Method" options=${METHODS} ...${field('method')} />
      <${TextField} label="URL" required placeholder="https://api.example.com/v1/items" ...${field('url')} />
      <button type="submit" class="primary">Explain</button>
    </form>
    <${ErrorMessage} error=${error} id="explain-error" />
    <div role="status" class="explain-answer">
      ${answer
        ? html`<${Badge} kind=${answer.decision} /><span>${answer.reason}</span>
            ${answer.policy_id ? html`<span class="hint">policy <code>${answer.policy_id}</code></span>` : null}`
        : null}
    </div>
  </section>`;
}
