// Every field of one audit event, in a modal dialog (Escape closes it; focus returns to the row).
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';

/** [["destination.host", "api.example.com"], …] in the event's own field order, nested objects flattened. */
export function flattenFields(value, prefix = '') {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value === null ? 'null' : Array.isArray(value) ? JSON.stringify(value) : String(value)]];
  return Object.entries(value).flatMap(([key, inner]) => flattenFields(inner, prefix ? `${prefix}.${key}` : key));
}

export function EventDetails({ event, onClose }) {
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current.showModal();
  }, []);
  return html`<dialog ref=${dialog} class="details" aria-labelledby="event-details-title" onClose=${onClose}>
    <div class="details-head">
      <h2 id="event-details-title">Decision ${event.request_id}</h2>
      <button type="button" onClick=${() => dialog.current.close()}>Close</button>
    </div>
    <dl>${flattenFields(event).map(([name, text]) => html`<div class="kv"><dt>${name}</dt><dd class="mono">${text}</dd></div>`)}</dl>
  </dialog>`;
}
