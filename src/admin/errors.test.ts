import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClawgressError } from '../core/index.js';
import { toErrorReply } from './errors.js';

const context = { bodyLimitBytes: 1024 };
const validation = (issue: object, validationContext = 'body') =>
  Object.assign(new Error('ajv'), { statusCode: 400, code: 'FST_ERR_VALIDATION', validation: [issue], validationContext });
const fastifyError = (code: string, statusCode: number) => Object.assign(new Error('Framework text'), { code, statusCode });

describe('toErrorReply', () => {
  const cases: Array<[string, unknown, number, object, boolean]> = [
    ['a not-found error keeps its status and message', new ClawgressError('NOT_FOUND', 'agent `a` not found'), 404, { error: 'agent `a` not found', code: 'CLAWGRESS_ERR_NOT_FOUND' }, false],
    ['a validation error keeps its field', new ClawgressError('VALIDATION', 'limit: bad', { field: 'limit' }), 400, { error: 'limit: bad', code: 'CLAWGRESS_ERR_VALIDATION', field: 'limit' }, false],
    ['an error without an http status is internal', new ClawgressError('BUNDLE_SIGNATURE', 'bundle: bad signature'), 500, { error: 'internal error', code: 'CLAWGRESS_ERR_INTERNAL' }, true],
    ['an unknown error is internal and hides its text', new Error('password=hunter2'), 500, { error: 'internal error', code: 'CLAWGRESS_ERR_INTERNAL' }, true],
    ['a thrown non-error is internal', 'boom', 500, { error: 'internal error', code: 'CLAWGRESS_ERR_INTERNAL' }, true],
    [
      'an unknown nested field names its parent path',
      validation({ keyword: 'additionalProperties', instancePath: '/match', params: { additionalProperty: 'domain' } }),
      400,
      { error: 'body.match: unknown field `domain`', code: 'CLAWGRESS_ERR_VALIDATION', field: 'match.domain' },
      false,
    ],
    [
      'a missing field is named',
      validation({ keyword: 'required', instancePath: '', params: { missingProperty: 'action' } }),
      400,
      { error: 'body: missing required field `action`', code: 'CLAWGRESS_ERR_VALIDATION', field: 'action' },
      false,
    ],
    [
      'a query parameter reads as query',
      validation({ keyword: 'type', instancePath: '/limit', params: {}, message: 'must be integer' }, 'querystring'),
      400,
      { error: 'query.limit: must be integer', code: 'CLAWGRESS_ERR_VALIDATION', field: 'limit' },
      false,
    ],
    [
      'a json pointer escape is undone',
      validation({ keyword: 'type', instancePath: '/a~1b/c~0d', params: {}, message: 'must be string' }),
      400,
      { error: 'body.a/b.c~d: must be string', code: 'CLAWGRESS_ERR_VALIDATION', field: 'a/b.c~d' },
      false,
    ],
    ['invalid json', fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), 400, { error: 'body: invalid json', code: 'CLAWGRESS_ERR_VALIDATION', field: 'body' }, false],
    ['a body over the limit', fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), 413, { error: 'body: over the limit of 1024 bytes', code: 'CLAWGRESS_ERR_PAYLOAD_TOO_LARGE', field: 'body' }, false],
    ['a body that is not json', fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 415, { error: 'content-type: must be application/json', code: 'CLAWGRESS_ERR_UNSUPPORTED_MEDIA_TYPE', field: 'content-type' }, false],
    ['another client error keeps its status without the framework text', fastifyError('FST_ERR_SOMETHING', 405), 405, { error: 'bad request', code: 'CLAWGRESS_ERR_VALIDATION' }, false],
  ];
  for (const [name, error, status, body, internal] of cases) {
    it(name, () => assert.deepEqual(toErrorReply(error, context), { status, body, internal }));
  }
});
