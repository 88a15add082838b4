// Host names and domain rules. Both sides of a comparison go through the WHATWG URL host
// parser (the one the gateway's own URL parsing uses), so `0x7f.1`, `EXAMPLE.com.` and
// `[0:0::1]` reach decide() as `127.0.0.1`, `example.com` and `::1`: a deny rule on an
// IP literal cannot be side-stepped by writing the same address another way.

// Characters that would change how `http://<host>/` is split into parts.
const HOST_STRUCTURE = /[\s/\\?#@[\]]/;
const IPV4_DOTTED = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
// WHATWG treats a name whose last label is a number as an IPv4 address (`1.2.3` is
// `1.2.0.3`), so such a name can never arrive as a host and is refused as a rule.
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/i;

export type DomainRule =
  | { readonly kind: 'exact'; readonly host: string }
  | { readonly kind: 'wildcard'; readonly suffix: string };

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function parsedHostname(urlHost: string): string | null {
  try {
    return new URL(`http://${urlHost}/`).hostname;
  } catch {
    return null;
  }
}

/** The canonical form of a host, or null when the URL parser refuses it. */
export function canonicalHost(host: string): string | null {
  const inner = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (inner === '' || HOST_STRUCTURE.test(inner)) return null;
  if (inner.includes(':')) {
    const v6 = parsedHostname(`[${inner}]`);
    return v6 === null ? null : v6.slice(1, -1);
  }
  const name = parsedHostname(inner);
  return name === null || name === '' ? null : withoutTrailingDot(name);
}

/** Lower-case, no trailing dot, IPv6 without brackets, IP literals in canonical form.
 *  A host the URL parser refuses is only lower-cased; callers that accept hosts from
 *  the wire validate them with destinationFromUrl / destinationFromAuthority first. */
export function normalizeHost(host: string): string {
  const canonical = canonicalHost(host);
  if (canonical !== null) return canonical;
  const inner = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return withoutTrailingDot(inner.toLowerCase());
}

export function isDnsName(name: string): boolean {
  const bare = withoutTrailingDot(name);
  if (bare.length === 0 || bare.length > 253) return false;
  const labels = bare.split('.');
  if (!labels.every((label) => DNS_LABEL.test(label))) return false;
  return !NUMERIC_LABEL.test(labels[labels.length - 1] ?? '');
}

function ipLiteral(rule: string): string | null {
  if (IPV4_DOTTED.test(rule)) return rule;
  if (!rule.includes(':')) return null;
  const canonical = canonicalHost(rule);
  return canonical !== null && canonical.includes(':') ? canonical : null;
}

/** Parses one entry of match.domains, or says what is wrong with it (the caller names the value). */
export function parseDomainRule(rule: string): DomainRule | { readonly error: string } {
  if (rule.includes('*')) {
    const name = rule.slice(2);
    if (!rule.startsWith('*.') || name.includes('*') || !isDnsName(name)) {
      return { error: 'is not a valid wildcard' };
    }
    return { kind: 'wildcard', suffix: withoutTrailingDot(name.toLowerCase()) };
  }
  const ip = ipLiteral(rule);
  if (ip !== null) return { kind: 'exact', host: ip };
  if (isDnsName(rule)) return { kind: 'exact', host: withoutTrailingDot(rule.toLowerCase()) };
  return { error: 'is not a valid domain name or ip address' };
}

/** `host:port`, with brackets around an IPv6 host so the port stays unambiguous. */
export function formatAuthority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
