// The one place that turns an error into an admin API answer. Known errors keep their
// status and a message naming the field; anything else is a 500 whose details go only to
// the log, so no internal text (or secret) ever reaches a client.

import { ERRORS, isClawgressError, type ErrorName, type ErrorSpec } from '../core/index.js';

export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly field?: string;
}

export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  /** True when the error is ours to investigate: log it with its details. */
  readonly internal: boolean;
}

interface AjvIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

interface FrameworkError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly validation?: readonly AjvIssue[];
  readonly validationContext?: string;
}

export function reply(name: ErrorName, error: string, field?: string): ErrorReply {
  const spec: ErrorSpec = ERRORS[name];
  const body: ErrorBody = field === undefined ? { error, code: spec.code } : { error, code: spec.code, field };
  return { status: spec.status ?? 500, body, internal: false };
}

const INTERNAL: ErrorReply = { ...reply('INTERNAL', 'internal error'), internal: true };

export function toErrorReply(error: unknown, context: { bodyLimitBytes: number }): ErrorReply {
  if (isClawgressError(error)) {
    if (error.status === undefined || error.status >= 500) return INTERNAL;
    const name = errorName(error.code);
    return name ? reply(name, error.message, error.field) : INTERNAL;
  }
  const framework = (error ?? {}) as FrameworkError;
  const first = framework.validation?.[0];
  if (first) return validationReply(first, framework.validationContext ?? 'body');
  return frameworkReply(framework, context) ?? INTERNAL;
}

function errorName(code: string): ErrorName | undefined {
  return (Object.keys(ERRORS) as ErrorName[]).find((name) => ERRORS[name].code === code);
}

/**
 * "body.match.domains: must be array", "body: unknown field `foo`". The message names the
 * request part; `field` leaves it out ("match.domains"), as the control plane's fields do.
 */
function validationReply(issue: AjvIssue, context: string): ErrorReply {
  const part = context === 'querystring' ? 'query' : context;
  const segments = issue.instancePath.split('/').slice(1).map(unescapePointer);
  const at = [part, ...segments].join('.');
  const fieldOf = (...more: string[]): string => [...segments, ...more].join('.') || part;
  if (issue.keyword === 'additionalProperties') {
    const name = String(issue.params.additionalProperty);
    return reply('VALIDATION', `${at}: unknown field \`${name}\``, fieldOf(name));
  }
  if (issue.keyword === 'required') {
    const name = String(issue.params.missingProperty);
    return reply('VALIDATION', `${at}: missing required field \`${name}\``, fieldOf(name));
  }
  return reply('VALIDATION', `${at}: ${issue.message ?? 'is invalid'}`, fieldOf());
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function frameworkReply(error: FrameworkError, context: { bodyLimitBytes: number }): ErrorReply | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply('VALIDATION', 'body: invalid json', 'body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply('VALIDATION', 'body: empty, but content-type is application/json', 'body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return reply('VALIDATION', 'body: size does not match content-length', 'body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply('PAYLOAD_TOO_LARGE', `body: over the limit of ${context.bodyLimitBytes} bytes`, 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply('UNSUPPORTED_MEDIA_TYPE', 'content-type: must be application/json', 'content-type');
  }
  // The JSON parser's own errors (bad syntax, a __proto__ key) are SyntaxErrors with status 400.
  if (error instanceof SyntaxError && error.statusCode === 400) return reply('VALIDATION', 'body: invalid json', 'body');
  if (error.statusCode === 404) return reply('NOT_FOUND', 'not found');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { ...reply('VALIDATION', 'bad request'), status: error.statusCode };
  }
  return null;
}
