import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './common.js';

export const AuditStreamQuery = Type.Object(
  {
    agent_id: Type.Optional(Type.String({ description: 'only events of this agent' })),
    decision: Type.Optional(StringEnum(['allow', 'deny', 'rate_limited', 'unauthenticated'] as const)),
  },
  { additionalProperties: false },
);
export type AuditStreamQuery = Static<typeof AuditStreamQuery>;

export const AuditStreamBody = Type.String({
  description:
    'text/event-stream: one `data: <audit event json>` frame per new event; `event: missed` with ' +
    '`{"missed": N}` when N events were dropped because the reader fell behind; a `: heartbeat` comment every 15 s',
});
