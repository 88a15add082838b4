// Policy: validate policies, compile them to an index, decide requests, and sign and verify
// bundles. Pure: no I/O, no clock, no logging. The CONNECT rule is in decide.ts and README.md.

export { checkPolicy, normalizePolicy, DEFAULT_DENY_ID } from './check-policy.js';
export { compilePolicies, type PolicyIndex } from './compile.js';
export { decide } from './decide.js';
export { destinationFromUrl, destinationFromAuthority, destinationFromTarget, parseUrlTarget, type DestinationResult, type UrlTarget } from './destination.js';
export { normalizePath } from './path.js';
export { normalizeHost } from './host.js';
export { contentHash, generateSigningKeys, signBundle, verifyBundle, type BundleVerification } from './bundle.js';
