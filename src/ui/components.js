// Small building blocks shared by the pages. Every control has a real <label>.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { html } from './html.js';

/** True when the API error names this form field (or a part of it, e.g. `match.ports.0`). */
export function isFieldInError(error, name) {
  const field = error?.field;
  return typeof field === 'string' && (field === name || field.startsWith(`${name}.`));
}

function fieldProps(props, hintId) {
  const invalid = isFieldInError(props.error, props.name);
  const describedBy = [props.hint ? hintId : null, invalid ? props.errorId : null].filter(Boolean).join(' ');
  return { 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': describedBy || undefined };
}

export function TextField(props) {
  const id = useId();
  const { label, value, onValue, type = 'text', hint, inputRef, ...rest } = props;
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} ref=${inputRef} type=${type} value=${value} onInput=${(e) => onValue(e.currentTarget.value)}
      required=${rest.required} readonly=${rest.readOnly} min=${rest.min} autocomplete=${rest.autocomplete ?? 'off'}
      placeholder=${rest.placeholder} list=${rest.list} spellcheck="false" ...${fieldProps(props, `${id}-hint`)} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
  </div>`;
}

export function SelectField(props) {
  const id = useId();
  const { label, value, onValue, options, hint } = props;
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(e) => onValue(e.currentTarget.value)} ...${fieldProps(props, `${id}-hint`)}>
      ${options.map(([optionValue, text]) => html`<option value=${optionValue}>${text}</option>`)}
    </select>
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
  </div>`;
}

export function CheckboxField({ label, checked, onValue }) {
  const id = useId();
  return html`<div class="field checkbox">
    <input id=${id} type="checkbox" checked=${checked} onChange=${(e) => onValue(e.currentTarget.checked)} />
    <label for=${id}>${label}</label>
  </div>`;
}

/** The error of a failed request, announced to screen readers. */
export function ErrorMessage({ error, id }) {
  if (!error) return null;
  return html`<p class="error" role="alert" id=${id}>${error.message}</p>`;
}

export function Notice({ children, onDismiss }) {
  return html`<div class="notice" role="status">
    <span>${children}</span>
    ${onDismiss ? html`<button type="button" class="link" onClick=${onDismiss}>Dismiss</button>` : null}
  </div>`;
}

export function Badge({ kind, children }) {
  return html`<span class=${`badge badge-${kind}`}>${children ?? kind}</span>`;
}

/** A read-only value with a Copy button; falls back to execCommand where the Clipboard API is off (plain http). */
export function CopyField({ label, value }) {
  const id = useId();
  const input = useRef(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      input.current.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return html`<div class="field copy-field">
    <label for=${id}>${label}</label>
    <div class="copy-row">
      <input id=${id} ref=${input} class="mono" readonly value=${value} onFocus=${(e) => e.currentTarget.select()} />
      <button type="button" onClick=${copy} aria-label=${`Copy ${label.replace(/^[A-Z][a-z]/, (start) => start.toLowerCase())}`}>Copy</button>
    </div>
    <span class="copied" role="status">${copied ? 'Copied' : ''}</span>
  </div>`;
}

/** Moves keyboard focus to the returned ref's element when it first appears. */
export function useFocusOnMount() {
  const ref = useRef(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** Splits "a, b c" into ["a", "b", "c"]; undefined when empty (the API reads absent as any). */
export function splitList(text) {
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}

export function joinList(items) {
  return (items ?? []).join(', ');
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString([], { hour12: false });
}
