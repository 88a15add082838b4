// The error catalogue: every error the product raises has a stable code listed here.
// docs/errors.md documents each code; src/core/errors.test.ts fails when the two disagree.

export interface ErrorSpec {
  readonly code: string;
  /** HTTP status when the error reaches the admin API; undefined for errors that never do. */
  readonly status?: number;
  readonly summary: string;
}

export const ERRORS = {
  CONFIG_INVALID: { code: 'CLAWGRESS_ERR_CONFIG_INVALID', summary: 'a setting has an invalid value' },
  CONFIG_UNKNOWN: { code: 'CLAWGRESS_ERR_CONFIG_UNKNOWN', summary: 'a setting name is not known' },
  VALIDATION: { code: 'CLAWGRESS_ERR_VALIDATION', status: 400, summary: 'a request body or parameter is invalid' },
  UNAUTHORIZED: { code: 'CLAWGRESS_ERR_UNAUTHORIZED', status: 401, summary: 'the admin token is missing or wrong' },
  FORBIDDEN: { code: 'CLAWGRESS_ERR_FORBIDDEN', status: 403, summary: 'the caller may not do this' },
  NOT_FOUND: { code: 'CLAWGRESS_ERR_NOT_FOUND', status: 404, summary: 'the named resource does not exist' },
  CONFLICT: { code: 'CLAWGRESS_ERR_CONFLICT', status: 409, summary: 'the resource exists already or is in use' },
  PAYLOAD_TOO_LARGE: { code: 'CLAWGRESS_ERR_PAYLOAD_TOO_LARGE', status: 413, summary: 'the request body is over the size limit' },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'CLAWGRESS_ERR_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    summary: 'the request body is not application/json',
  },
  BUNDLE_FORMAT: { code: 'CLAWGRESS_ERR_BUNDLE_FORMAT', summary: 'a policy bundle is not well-formed' },
  BUNDLE_SIGNATURE: { code: 'CLAWGRESS_ERR_BUNDLE_SIGNATURE', summary: 'a policy bundle signature does not verify' },
  BUNDLE_HASH: { code: 'CLAWGRESS_ERR_BUNDLE_HASH', summary: 'a policy bundle content does not match its signed hash' },
  BUNDLE_VERSION: { code: 'CLAWGRESS_ERR_BUNDLE_VERSION', summary: 'a policy bundle is not newer than the one in force' },
  INTERNAL: { code: 'CLAWGRESS_ERR_INTERNAL', status: 500, summary: 'an unexpected internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

export class ClawgressError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  /** The request field or setting the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(name: ErrorName, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    const spec: ErrorSpec = ERRORS[name];
    this.name = 'ClawgressError';
    this.code = spec.code;
    this.status = spec.status;
    this.field = options.field;
  }
}

export function isClawgressError(error: unknown): error is ClawgressError {
  return error instanceof ClawgressError;
}
