// Two validators: bodies are never coerced ("priority": "10" is a 400), while query strings
// and path parameters are text on the wire and are coerced to the schema's types.
// Nothing is removed: an unknown field is an error, never silently dropped.

import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const shared: Options = {
  removeAdditional: false,
  useDefaults: false,
  // allErrors is off on purpose: with it on, a crafted body can make validation slow.
  allErrors: false,
  allowUnionTypes: true,
};

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = new Ajv({ ...shared, coerceTypes: false });
  const textAjv = new Ajv({ ...shared, coerceTypes: true });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    return ajv.compile(schema as object);
  };
}
