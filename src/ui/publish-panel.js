// Publish with a preview: the diff between the enabled drafts and the bundle in force,
// computed here from GET /policies and GET /bundles/current, confirmed before POST /publish.
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from './api.js';
import { ErrorMessage, useFocusOnMount } from './components.js';
import { html } from './html.js';
import { diffPolicies, summarizeMatch } from './policy-diff.js';

export function PublishPanel({ onPublished, onCancel }) {
  const [diff, setDiff] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const heading = useFocusOnMount();
  useEffect(() => {
    Promise.all([listAll('/policies'), api('GET', '/bundles/current')]).then(
      ([drafts, bundle]) => setDiff({ ...diffPolicies(drafts, bundle.content.policies), version: bundle.manifest.version }),
      setError,
    );
  }, []);
  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      onPublished(await api('POST', '/policies/publish'));
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return html`<section class="callout" aria-labelledby="publish-title">
    <h2 id="publish-title" tabindex="-1" ref=${heading}>Publish policies</h2>
    ${diff ? html`<${DiffView} diff=${diff} />` : html`<p>Comparing drafts with the bundle in force…</p>`}
    <${ErrorMessage} error=${error} />
    <div class="actions">
      <button type="button" class="primary" onClick=${publish} disabled=${busy || !diff}>Publish now</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </section>`;
}

function DiffView({ diff }) {
  const intro = html`<p>Compared with bundle version ${diff.version}, publishing will:</p>`;
  if (diff.empty) return html`<p>No policy changes since bundle version ${diff.version}. Publishing makes a new bundle with the same policies.</p>`;
  return html`${intro}
    <div class="diff">
      ${diff.added.length ? html`<${DiffGroup} title="Add" kind="added" items=${diff.added.map((p) => ({ id: p.policy_id, text: `${p.action} · priority ${p.priority} · ${summarizeMatch(p.match)}` }))} />` : null}
      ${diff.changed.length
        ? html`<${DiffGroup} title="Change" kind="changed" items=${diff.changed.map((c) => ({
            id: c.policy_id,
            text: `v${c.from_version} → v${c.to_version}`,
            lines: c.changes.length ? c.changes.map((x) => `${x.field}: ${x.before} → ${x.after}`) : ['new version, same rules'],
          }))} />`
        : null}
      ${diff.removed.length ? html`<${DiffGroup} title="Remove" kind="removed" items=${diff.removed.map((r) => ({ id: r.policy.policy_id, text: `draft ${r.why}` }))} />` : null}
    </div>`;
}

function DiffGroup({ title, kind, items }) {
  return html`<div class=${`diff-group diff-${kind}`}>
    <h3>${title} (${items.length})</h3>
    <ul>${items.map(
      (item) => html`<li><code>${item.id}</code> <span class="hint">${item.text}</span>
        ${item.lines ? html`<ul class="changes">${item.lines.map((line) => html`<li class="mono">${line}</li>`)}</ul>` : null}</li>`,
    )}</ul>
  </div>`;
}
