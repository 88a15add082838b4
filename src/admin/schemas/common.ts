// Shapes shared by every route. One schema both validates requests and documents them in
// the OpenAPI document, so the two cannot disagree.

import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_PAGE_LIMIT } from '../../control/index.js';

/** A string enum as plain `enum` (not anyOf), so a bad value reads "must be equal to one of the allowed values". */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'what went wrong, naming the field' }),
    code: Type.String({ description: 'stable error code, CLAWGRESS_ERR_…' }),
    field: Type.Optional(Type.String({ description: 'the request field at fault' })),
  },
  { additionalProperties: false, description: 'an error' },
);

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, description: 'page size, 100 when absent' })),
    cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  },
  { additionalProperties: false },
);

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    next_cursor: Nullable(Type.String({ description: 'pass as cursor for the next page; null on the last page' })),
  });
}

/** Every route answers errors in one shape. */
export function withErrors<R extends Record<number, TSchema>>(responses: R) {
  return { ...responses, '4xx': ErrorResponse, '5xx': ErrorResponse };
}

export const NoContent = Type.Null({ description: 'no content' });

export const Identifier = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
