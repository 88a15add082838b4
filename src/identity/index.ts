// Identity: who is calling (SPEC §2). Pure: parses Proxy-Authorization, checks API-key hashes
// and verifies JWTs against the agents and issuers of one policy bundle.
export {
  parseProxyAuthorization,
  JWT_BASIC_USER,
  type Credential,
  type ParsedCredential,
} from './proxy-authorization.js';
export { generateApiKey, hashApiKey, API_KEY_PREFIX } from './api-key.js';
export { IdentityResolver, type IdentityResolverOptions } from './identity-resolver.js';
export { identityOf, type IdentityResult } from './identity-result.js';
export { findIssuerProblem } from './issuer-keys.js';
export { REASONS, MAX_HEADER_LENGTH } from './reasons.js';
