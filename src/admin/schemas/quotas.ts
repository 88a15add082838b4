import { Type, type Static } from '@sinclair/typebox';
import { MAX_RPM_LIMIT, MAX_RPS_LIMIT } from '../../control/index.js';
import { StringEnum } from './common.js';

export const QuotaBody = Type.Object(
  {
    rps_limit: Type.Integer({ minimum: 1, maximum: MAX_RPS_LIMIT, description: 'requests in any 1-second window' }),
    rpm_limit: Type.Integer({ minimum: 1, maximum: MAX_RPM_LIMIT, description: 'requests in any 60-second window' }),
    mode: StringEnum(['hard_stop', 'alert_only'] as const, {
      description: 'hard_stop answers 429 with Retry-After; alert_only lets the request through and marks it',
    }),
  },
  { additionalProperties: false },
);
export type QuotaBody = Static<typeof QuotaBody>;

export const Quota = Type.Object({
  agent_id: Type.String(),
  rps_limit: Type.Integer(),
  rpm_limit: Type.Integer(),
  mode: StringEnum(['hard_stop', 'alert_only'] as const),
  updated_at: Type.String(),
});
