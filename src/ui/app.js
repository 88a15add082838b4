// The operator UI: sign-in, then four pages chosen by the URL hash (#/agents, …). The hash
// holds only the page name: never the token, never data.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { forgetToken, onUnauthorized, savedToken, saveToken } from './api.js';
import { AgentsPage } from './agents.js';
import { DecisionsPage } from './decisions.js';
import { html } from './html.js';
import { PoliciesPage } from './policies.js';
import { QuotasPage } from './quotas.js';
import { SignIn } from './sign-in.js';

const PAGES = [
  { path: 'agents', title: 'Agents', Page: AgentsPage },
  { path: 'policies', title: 'Policies', Page: PoliciesPage },
  { path: 'decisions', title: 'Decisions', Page: DecisionsPage },
  { path: 'quotas', title: 'Quotas', Page: QuotasPage },
];

function currentPath() {
  const path = location.hash.replace(/^#\/?/, '');
  return PAGES.some((page) => page.path === path) ? path : 'agents';
}

function useHashPath() {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return path;
}

function Shell({ onSignOut }) {
  const path = useHashPath();
  const page = PAGES.find((candidate) => candidate.path === path);
  useEffect(() => {
    document.title = `${page.title} · Clawgress`;
  }, [page]);
  return html`
    <header class="topbar">
      <span class="brand">Clawgress</span>
      <nav aria-label="Main">
        ${PAGES.map(
          (item) => html`<a href=${`#/${item.path}`} aria-current=${item.path === path ? 'page' : undefined}>${item.title}</a>`,
        )}
      </nav>
      <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
    </header>
    <main id="main"><${page.Page} key=${page.path} /></main>
  `;
}

function App() {
  const [token, setToken] = useState(savedToken);
  const [notice, setNotice] = useState(null);
  const signOut = (message) => {
    forgetToken();
    setToken(null);
    setNotice(message);
  };
  useEffect(() => onUnauthorized(() => signOut('The admin token was not accepted any more: sign in again.')), []);
  if (!token) {
    const signIn = (newToken) => {
      saveToken(newToken);
      setNotice(null);
      setToken(newToken);
    };
    return html`<${SignIn} onSignedIn=${signIn} notice=${notice} />`;
  }
  return html`<${Shell} onSignOut=${() => signOut(null)} />`;
}

const root = document.getElementById('app');
root.textContent = ''; // the "loading" line: render() adds to a container, it does not replace
render(html`<${App} />`, root);
