import { useState } from 'preact/hooks';
import { api } from './api.js';
import { ErrorMessage, TextField, useFocusOnMount } from './components.js';
import { html } from './html.js';

/** Checks the token with one cheap authenticated call before keeping it. */
export function SignIn({ onSignedIn, notice }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const input = useFocusOnMount();
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('GET', '/agents?limit=1', undefined, { token: token.trim() });
      onSignedIn(token.trim());
    } catch (failure) {
      setError(failure.status === 401 ? new Error('That admin token was not accepted.') : failure);
      setBusy(false);
    }
  };
  return html`<main class="sign-in">
    <form class="card" method="post" onSubmit=${submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Clawgress</h1>
      <p class="hint">Sign in with the admin token that <code>clawgress serve</code> printed on its first start.</p>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <${TextField} label="Admin token" type="password" value=${token} onValue=${setToken} required inputRef=${input}
        name="token" error=${error ? { field: 'token' } : null} errorId="sign-in-error" />
      <${ErrorMessage} error=${error} id="sign-in-error" />
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
    </form>
  </main>`;
}
