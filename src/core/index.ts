export type * from './types.js';
export { AUDIT_SCHEMA_VERSION } from './types.js';
export { type Clock, systemClock, ManualClock } from './clock.js';
export { canonicalJson } from './canonical-json.js';
export { recordJson, rememberRecordJson } from './record-json.js';
export { newRequestId, newSecret } from './ids.js';
export { ERRORS, ClawgressError, isClawgressError, type ErrorName, type ErrorSpec } from './errors.js';
