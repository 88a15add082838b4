// Requests become Destinations here, in the one form decide() compares against.
// Error messages never repeat the URL: its userinfo or query string may carry a secret.

import type { Destination, Scheme } from '../core/index.js';
import { canonicalHost } from './host.js';
import { normalizePath } from './path.js';

export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DEFAULT_PORTS: Readonly<Record<Scheme, number>> = { http: 80, https: 443 };
// authority-form (RFC 9112 §3.2.3): a host or bracketed IPv6 literal, then a required port.
const AUTHORITY = /^(\[[^\]]*\]|[^:[\]]+):(\d{1,5})$/;

export type DestinationResult =
  | { ok: true; destination: Destination; query: string }
  | { ok: false; error: string };

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function schemeOf(url: URL): Scheme | null {
  if (url.protocol === 'http:') return 'http';
  if (url.protocol === 'https:') return 'https';
  return null;
}

function checkMethod(method: string): string | null {
  return HTTP_TOKEN.test(method) ? null : `method: \`${method.slice(0, 32)}\` is not an http method token`;
}

/** An absolute URL's parts, the method aside: the same for every request to that URL text, so
 *  a gateway may keep it (gateway/target-cache.ts). `query` is the query string with its `?`
 *  (empty when there is none). */
export type UrlTarget =
  | { readonly ok: true; readonly scheme: Scheme; readonly host: string; readonly port: number; readonly path: string; readonly query: string }
  | { readonly ok: false; readonly error: string };

export function parseUrlTarget(url: string): UrlTarget {
  const parsed = parseUrl(url);
  if (parsed === null) return { ok: false, error: 'url: not a valid absolute url' };
  const scheme = schemeOf(parsed);
  if (scheme === null) return { ok: false, error: `url: scheme \`${parsed.protocol.slice(0, 16)}\` is not http or https` };
  const host = canonicalHost(parsed.hostname);
  if (host === null) return { ok: false, error: 'url: has no valid host' };
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : Number(parsed.port);
  if (port < 1) return { ok: false, error: `url: port \`${port}\` is not in 1-65535` };
  const path = normalizePath(parsed.pathname);
  if (path === null) return { ok: false, error: 'url: path has a bad percent escape' };
  return { ok: true, scheme, host, port, path, query: parsed.search };
}

/** `query` is the query string with its `?` (empty when there is none): send `path + query`. */
export function destinationFromUrl(method: string, url: string): DestinationResult {
  return destinationFromTarget(method, parseUrlTarget(url));
}

/** destinationFromUrl with the URL already parsed by parseUrlTarget; a bad method is told first. */
export function destinationFromTarget(method: string, target: UrlTarget): DestinationResult {
  const methodError = checkMethod(method);
  if (methodError !== null) return { ok: false, error: methodError };
  if (!target.ok) return target;
  const destination: Destination = { scheme: target.scheme, host: target.host, port: target.port, method: method.toUpperCase(), path: target.path };
  return { ok: true, destination, query: target.query };
}

/** The Destination of `CONNECT host:port`: method `CONNECT`, path ``, scheme `https`
 *  (a tunnel's inner protocol is unknown; https is what tunnels almost always carry). */
export function destinationFromAuthority(authority: string): { ok: true; destination: Destination } | { ok: false; error: string } {
  const parts = AUTHORITY.exec(authority);
  const host = parts?.[1] === undefined ? null : canonicalHost(parts[1]);
  const port = Number(parts?.[2]);
  if (host === null || !(port >= 1 && port <= 65535)) {
    // userinfo in an authority is malformed anyway, and may be a credential: never echo it.
    if (authority.includes('@')) return { ok: false, error: 'authority: not a valid host:port' };
    return { ok: false, error: `authority: \`${authority.slice(0, 300)}\` is not a valid host:port` };
  }
  return { ok: true, destination: { scheme: 'https', host, port, method: 'CONNECT', path: '' } };
}
