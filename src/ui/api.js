// The only way the UI talks to the server: /api/v1 with the admin token as a bearer header.
// The token lives in sessionStorage (gone when the tab closes) and never in a URL.

const TOKEN_KEY = 'clawgress.admin-token';
const PAGE_LIMIT = 1000;

export const savedToken = () => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

/** An error answer of the admin API: its message names the bad field. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `the server answered ${status}`);
    this.status = status;
    this.field = body?.field;
    this.code = body?.code;
  }
}

let unauthorizedHandler = () => {};
/** Told when a signed-in call gets 401: the token was revoked or the server restarted with a new one. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function notifyUnauthorized() {
  unauthorizedHandler();
}

export function authHeaders(token = savedToken()) {
  return { authorization: `Bearer ${token}` };
}

export async function api(method, path, body, options = {}) {
  const headers = authHeaders(options.token);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: options.signal,
    cache: 'no-store',
  });
  const data = await readJson(response);
  if (response.ok) return data;
  if (response.status === 401 && options.token === undefined) notifyUnauthorized();
  throw new ApiError(response.status, data);
}

async function readJson(response) {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Every item of a list route, following next_cursor. */
export async function listAll(path) {
  const items = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
    if (cursor) query.set('cursor', cursor);
    const page = await api('GET', `${path}?${query}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** What the page cannot learn from the API: the proxy address agents use. Holds no secret. */
export async function uiConfig() {
  try {
    const response = await fetch('/ui/config.json', { cache: 'no-store' });
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}
