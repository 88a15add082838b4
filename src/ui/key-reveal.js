// The one moment an API key is visible: after creating an api_key agent or rotating its key.
// Dismissing it drops the key from memory; nothing stores it.
import { CopyField, useFocusOnMount } from './components.js';
import { html } from './html.js';

/** HTTPS_PROXY=http://agent:key@host:port, with both parts percent-encoded for the URL. */
export function proxyLine(agentId, apiKey, proxyAddress) {
  return `HTTPS_PROXY=http://${encodeURIComponent(agentId)}:${encodeURIComponent(apiKey)}@${proxyAddress}`;
}

export function KeyReveal({ agentId, apiKey, proxyAddress, rotated, onDone }) {
  const heading = useFocusOnMount();
  return html`<section class="callout" aria-labelledby="key-reveal-title">
    <h2 id="key-reveal-title" tabindex="-1" ref=${heading}>${rotated ? 'New API key' : 'API key'} for ${agentId}</h2>
    <p>Copy it now: it is shown only this once and cannot be read back.
      ${rotated ? ' The previous key stays valid for one hour.' : ''}</p>
    <${CopyField} label="API key" value=${apiKey} />
    <${CopyField} label="Proxy setting" value=${proxyLine(agentId, apiKey, proxyAddress)} />
    <button type="button" onClick=${onDone}>Done, I saved the key</button>
  </section>`;
}
