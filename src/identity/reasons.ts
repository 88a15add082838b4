// Every reason string the identity module returns. They reach the audit log and the 407/403
// bodies, so they are part of the contract: tests assert them word for word.
// INVARIANT: no reason ever contains a credential (api key, password, jwt, secret).

export const MAX_HEADER_LENGTH = 8192; // characters

export const REASONS = {
  headerMissing: 'missing proxy-authorization header',
  headerTooLong: `proxy-authorization header is longer than ${MAX_HEADER_LENGTH} characters`,
  headerControlCharacters: 'proxy-authorization header contains control characters',
  headerMalformed: 'proxy-authorization header is not `<scheme> <credentials>`',
  schemeUnsupported: 'unsupported proxy-authorization scheme',
  basicEmpty: 'basic credentials are empty',
  basicBadBase64: 'basic credentials are not valid base64',
  basicBadUtf8: 'basic credentials are not valid utf-8',
  basicControlCharacters: 'basic credentials contain control characters',
  basicNoColon: 'basic credentials have no `:` between user and password',
  basicEmptyUser: 'basic credentials have an empty user',
  basicEmptyPassword: 'basic credentials have an empty password',
  basicEmptyJwt: 'basic credentials for user `jwt` have an empty token',
  bearerEmpty: 'bearer token is empty',
  bearerBadCharacters: 'bearer token contains characters outside token68',
  jwtMalformed: 'jwt is malformed',
  jwtNoIssuer: 'jwt has no `iss` claim',
  jwtNoExpiry: 'jwt has no `exp` claim',
  jwtExpired: 'jwt is expired',
  jwtNotYetValid: 'jwt is not yet valid',
  jwtBadSignature: 'jwt signature does not verify',
  jwtNoAgent: 'jwt has no `agent_id` or `sub` claim',
} as const;

const SHOWN_MAX = 128; // characters of an untrusted value shown in a reason
const SECRET_LOOKING = /^(cgk_|eyJ)/;
const CONTROL_CHARACTERS_GLOBAL = /\p{Cc}/gu;

/** C0, DEL and C1 controls: never valid in a credential, and they would break a one-line log. */
export function hasControlCharacters(value: string): boolean {
  return /\p{Cc}/u.test(value);
}

/** An untrusted value made safe for a one-line reason: control characters replaced, long values cut. */
export function shown(value: string): string {
  const printable = value.replace(CONTROL_CHARACTERS_GLOBAL, '?');
  return printable.length > SHOWN_MAX ? `${printable.slice(0, SHOWN_MAX)}…` : printable;
}

/** The Basic user field is where a misplaced api key or jwt most often lands; never echo one. */
export function shownAgentId(agentId: string): string {
  if (SECRET_LOOKING.test(agentId) || agentId.length > SHOWN_MAX) return '[redacted]';
  return shown(agentId);
}

export function unsupportedScheme(scheme: string): string {
  // Only a plausible scheme name is echoed: a lone word may be a secret pasted without a scheme.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(scheme)) return REASONS.schemeUnsupported;
  return `${REASONS.schemeUnsupported} \`${scheme}\``;
}

/** Same text for an unknown agent and a wrong key, so the answer does not reveal which agents exist. */
export function invalidApiKey(agentId: string): string {
  return `invalid api key for agent \`${shownAgentId(agentId)}\``;
}

export function agentRejectsJwts(agentId: string): string {
  return `agent \`${shown(agentId)}\` does not accept jwts`;
}

export function agentDisabled(agentId: string): string {
  return `agent \`${shown(agentId)}\` is disabled`;
}

export function unknownJwtAgent(agentId: string): string {
  return `jwt names unknown agent \`${shown(agentId)}\``;
}

export function jwtClaimNotString(claim: string): string {
  return `jwt claim \`${claim}\` is not a string`;
}

export function jwtClaimInvalid(claim: string): string {
  return `jwt claim \`${shown(claim)}\` is invalid`;
}

export function jwtClaimMismatch(claim: string, agentId: string): string {
  return `jwt claim \`${claim}\` does not match agent \`${shown(agentId)}\``;
}

export function unknownIssuer(issuer: string): string {
  return `jwt issuer \`${shown(issuer)}\` is not registered`;
}

export function audienceMismatch(issuer: string): string {
  return `jwt audience does not match issuer \`${shown(issuer)}\``;
}

export function algorithmNotAllowed(algorithm: string, issuer: string): string {
  return `jwt algorithm \`${shown(algorithm)}\` is not allowed for issuer \`${shown(issuer)}\``;
}

export function keyNotInJwks(issuer: string): string {
  return `jwt key is not in the jwks of issuer \`${shown(issuer)}\``;
}

export function jwksUnavailable(issuer: string): string {
  return `jwks of issuer \`${shown(issuer)}\` could not be fetched`;
}

export function jwtRejected(issuer: string): string {
  return `jwt does not verify against issuer \`${shown(issuer)}\``;
}

export function issuerKeyUnusable(issuer: string, problem: string): string {
  return `issuer \`${shown(issuer)}\`: ${problem}`;
}
