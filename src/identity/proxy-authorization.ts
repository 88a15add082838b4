// Proxy-Authorization parsing (SPEC §2). Three forms reach us:
//   Basic base64(agent_id:api_key)   what HTTPS_PROXY=http://agent_id:api_key@host makes
//   Basic base64("jwt:" + token)     for clients that only take user:pass
//   Bearer <jwt>
import { MAX_HEADER_LENGTH, REASONS, hasControlCharacters, unsupportedScheme } from './reasons.js';

export type Credential = { kind: 'api_key'; agent_id: string; key: string } | { kind: 'jwt'; token: string };

export type ParsedCredential = { ok: true; credential: Credential } | { ok: false; reason: string };

/** The Basic user that marks the password as a jwt; no agent can be named `jwt`. */
export const JWT_BASIC_USER = 'jwt';

// RFC 7235 token68, which every JWT (three base64url parts joined by dots) satisfies.
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const PADDED_BASE64 = /^([A-Za-z0-9+/]*)(={0,2})$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parse a Proxy-Authorization header; `reason` never contains the secret. */
export function parseProxyAuthorization(header: string | undefined): ParsedCredential {
  if (header === undefined) return rejected(REASONS.headerMissing);
  // Length first: nothing else should scan an oversized value.
  if (header.length > MAX_HEADER_LENGTH) return rejected(REASONS.headerTooLong);
  if (hasControlCharacters(header)) return rejected(REASONS.headerControlCharacters);
  const value = header.trim();
  if (value === '') return rejected(REASONS.headerMissing);
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  const credentials = space === -1 ? '' : value.slice(space + 1).trim();
  switch (scheme.toLowerCase()) {
    case 'basic':
      return parseBasic(credentials);
    case 'bearer':
      return parseBearer(credentials);
    default:
      // A lone word is more likely a pasted secret than a scheme: do not echo it.
      return rejected(space === -1 ? REASONS.headerMalformed : unsupportedScheme(scheme));
  }
}

function parseBasic(encoded: string): ParsedCredential {
  if (encoded === '') return rejected(REASONS.basicEmpty);
  const decoded = decodeBase64(encoded);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  if (hasControlCharacters(text)) return rejected(REASONS.basicControlCharacters);
  // Only the first colon splits: user ids have none, passwords may.
  const colon = text.indexOf(':');
  if (colon === -1) return rejected(REASONS.basicNoColon);
  const user = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (user === '') return rejected(REASONS.basicEmptyUser);
  if (user === JWT_BASIC_USER) {
    return password === '' ? rejected(REASONS.basicEmptyJwt) : accepted({ kind: 'jwt', token: password });
  }
  if (password === '') return rejected(REASONS.basicEmptyPassword);
  return accepted({ kind: 'api_key', agent_id: user, key: password });
}

function parseBearer(token: string): ParsedCredential {
  if (token === '') return rejected(REASONS.bearerEmpty);
  if (!TOKEN68.test(token)) return rejected(REASONS.bearerBadCharacters);
  return accepted({ kind: 'jwt', token });
}

/** Standard base64 (RFC 4648 §4); padding optional, but when present it must complete the last group. */
function decodeBase64(encoded: string): { ok: true; text: string } | { ok: false; reason: string } {
  const match = PADDED_BASE64.exec(encoded);
  const body = match?.[1];
  const padding = match?.[2] ?? '';
  if (body === undefined || body.length % 4 === 1) return rejected(REASONS.basicBadBase64);
  if (padding !== '' && (body.length + padding.length) % 4 !== 0) return rejected(REASONS.basicBadBase64);
  try {
    return { ok: true, text: strictUtf8.decode(Buffer.from(body, 'base64')) };
  } catch {
    return rejected(REASONS.basicBadUtf8);
  }
}

function accepted(credential: Credential): ParsedCredential {
  return { ok: true, credential };
}

function rejected(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
