// Recent decisions: history from GET /audit, then live from the event stream; filtered on
// the server by agent and decision; a per-minute chart; click a row for every field.
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from './api.js';
import { followAuditStream } from './audit-stream.js';
import { Badge, ErrorMessage, Notice, SelectField, TextField, formatTime, useFocusOnMount } from './components.js';
import { DecisionChart } from './decision-chart.js';
import { mergeEvents } from './decision-counts.js';
import { EventDetails } from './event-details.js';
import { html } from './html.js';

const HELD_EVENTS = 1000;
const SHOWN_ROWS = 200;
const CHART_MINUTES = 10;
const FLUSH_MS = 150; // batch live events into one render
const STATE_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };
const DECISION_OPTIONS = [['', 'Any decision'], ['allow', 'allow'], ['deny', 'deny'], ['rate_limited', 'rate limited'], ['unauthenticated', 'unauthenticated']];

function useNow(intervalMs) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const activeFilters = (filters) => Object.fromEntries(Object.entries(filters).filter(([, value]) => value));

/** History plus the live stream for one filter; starts over when the filter changes. */
function useDecisions(filters) {
  const [events, setEvents] = useState([]);
  const [state, setState] = useState('connecting');
  const [missed, setMissed] = useState(0);
  const [error, setError] = useState(null);
  useEffect(() => {
    const controller = new AbortController();
    const add = (batch) => setEvents((current) => mergeEvents(current, batch, HELD_EVENTS));
    const live = batchLiveEvents(add);
    const loadHistory = async () => {
      try {
        const query = new URLSearchParams({ limit: '500', ...activeFilters(filters) });
        add((await api('GET', `/audit?${query}`, undefined, { signal: controller.signal })).items);
      } catch (failure) {
        if (!controller.signal.aborted) setError(failure);
      }
    };
    setEvents([]);
    setMissed(0);
    void followAuditStream({
      filters: activeFilters(filters),
      signal: controller.signal,
      onState: (next) => {
        setState(next);
        // The stream is open before history is read, so no event falls between the two.
        if (next === 'live') void loadHistory();
      },
      onEvent: live.push,
      onMissed: (count) => setMissed((total) => total + count),
    });
    return () => {
      controller.abort();
      live.cancel();
    };
  }, [filters.agent_id, filters.decision]);
  return { events, state, missed, error };
}

/** Collects live events and hands them over together, at most every FLUSH_MS: one render per burst. */
function batchLiveEvents(add) {
  let pending = [];
  let timer = null;
  const flush = () => {
    timer = null;
    add(pending);
    pending = [];
  };
  return {
    push: (event) => {
      pending.push(event);
      timer ??= setTimeout(flush, FLUSH_MS);
    },
    cancel: () => clearTimeout(timer),
  };
}

export function DecisionsPage() {
  const [filters, setFilters] = useState({ agent_id: '', decision: '' });
  const [agentText, setAgentText] = useState('');
  const [agentIds, setAgentIds] = useState([]);
  const [selected, setSelected] = useState(null);
  const { events, state, missed, error } = useDecisions(filters);
  // The tick re-renders an idle page so the chart's window moves on. A render for new events
  // reads the clock itself: with the tick's time, an event from a minute begun since the last
  // tick was "from the future" and left out of the chart and its totals for up to 5 s.
  useNow(5_000);
  const heading = useFocusOnMount();
  useEffect(() => void listAll('/agents').then((agents) => setAgentIds(agents.map((a) => a.agent_id)), () => {}), []);
  const applyAgent = (event) => {
    event.preventDefault();
    setFilters({ ...filters, agent_id: agentText.trim() });
  };
  const clear = () => {
    setAgentText('');
    setFilters({ agent_id: '', decision: '' });
  };
  return html`<section>
    <div class="page-head">
      <h1 tabindex="-1" ref=${heading}>Recent decisions</h1>
      <span class=${`live-state live-${state}`} role="status">${STATE_TEXT[state]}</span>
    </div>
    <form class="toolbar filters" onSubmit=${applyAgent} aria-label="Filters">
      <${TextField} label="Agent" value=${agentText} onValue=${setAgentText} list="decision-agents" placeholder="any agent" />
      <datalist id="decision-agents">${agentIds.map((id) => html`<option value=${id} />`)}</datalist>
      <${SelectField} label="Decision" value=${filters.decision} options=${DECISION_OPTIONS} onValue=${(decision) => setFilters({ ...filters, agent_id: agentText.trim(), decision })} />
      <button type="submit">Apply</button>
      <button type="button" onClick=${clear}>Clear filters</button>
    </form>
    <${ErrorMessage} error=${error} />
    ${missed > 0 ? html`<${Notice}>${missed} events were not shown: this page fell behind the stream.<//>` : null}
    <${DecisionChart} events=${events} nowMs=${Date.now()} minutes=${CHART_MINUTES} />
    <${EventTable} events=${events.slice(0, SHOWN_ROWS)} onSelect=${setSelected} />
    ${selected ? html`<${EventDetails} event=${selected} onClose=${() => setSelected(null)} />` : null}
  </section>`;
}

function EventTable({ events, onSelect }) {
  if (events.length === 0) return html`<p class="empty">No decisions yet for this filter. New ones appear here as they happen.</p>`;
  return html`<table class="events">
    <caption class="visually-hidden">Decisions, newest first; choose a time to see every field</caption>
    <thead><tr><th scope="col">Time</th><th scope="col">Agent</th><th scope="col">Decision</th><th scope="col">Request</th>
      <th scope="col">Policy</th><th scope="col" class="num">Status</th><th scope="col" class="num">Latency</th></tr></thead>
    <tbody>${events.map((event) => html`<${EventRow} key=${event.request_id} event=${event} onSelect=${onSelect} />`)}</tbody>
  </table>`;
}

function EventRow({ event, onSelect }) {
  const { destination: d } = event;
  const port = (d.scheme === 'https' && d.port === 443) || (d.scheme === 'http' && d.port === 80) ? '' : `:${d.port}`;
  return html`<tr class="clickable" onClick=${() => onSelect(event)}>
    <td><button type="button" class="link mono" aria-label=${`Details of ${event.request_id} at ${formatTime(event.timestamp)}`}>${formatTime(event.timestamp)}</button></td>
    <td class="mono">${event.identity?.agent_id ?? '—'}</td>
    <td><${Badge} kind=${event.decision}>${event.decision.replace('_', ' ')}<//></td>
    <td class="mono request">${d.method} ${d.host}${port}${d.path}</td>
    <td class="mono">${event.policy_id ?? '—'}</td>
    <td class="num">${event.status ?? '—'}</td>
    <td class="num">${event.latency_ms.toFixed(1)} ms</td>
  </tr>`;
}
