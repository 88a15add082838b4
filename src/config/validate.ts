// Schema checks on parsed values, with ajv's errors turned into one-line reasons that use
// the setting's own units ("more than the maximum 1MiB", not "must be <= 1048576").
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Setting } from './types.js';
import { formatValue } from './values.js';

const ajv = new Ajv({ strict: true, allErrors: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(setting: Setting): ValidateFunction {
  let validate = validators.get(setting.key);
  if (validate === undefined) {
    validate = ajv.compile(setting.schema);
    validators.set(setting.key, validate);
  }
  return validate;
}

/** Null when the value fits the setting's schema, else the reason, naming the value as `shown`. */
export function checkSchema(setting: Setting, value: unknown, shown: string): string | null {
  const validate = validatorFor(setting);
  if (validate(value)) return null;
  const error = validate.errors?.[0];
  return error === undefined ? `${shown} is not valid` : describeSchemaError({ setting, error, shown });
}

function describeSchemaError(options: { setting: Setting; error: ErrorObject; shown: string }): string {
  const { setting, error, shown } = options;
  const params = error.params as { limit?: number; allowedValues?: readonly unknown[] };
  const limit = formatValue(setting.parse, params.limit);
  switch (error.keyword) {
    case 'minimum':
      return `${shown} is less than the minimum ${limit}`;
    case 'maximum':
      return `${shown} is more than the maximum ${limit}`;
    case 'enum':
      return `${shown} is not one of ${(params.allowedValues ?? []).join(', ')}`;
    case 'minLength':
      // Length only: the value itself may be a secret.
      return params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`;
    default:
      return `${shown}${error.instancePath}: ${error.message ?? 'is not valid'}`;
  }
}
