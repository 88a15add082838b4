import { Type, type Static } from '@sinclair/typebox';
import { AGENT_ID_PATTERN, MAX_OVERLAP_SECONDS } from '../../control/index.js';
import { Identifier, StringEnum } from './common.js';

const Status = StringEnum(['active', 'disabled'] as const);
const AuthType = StringEnum(['jwt', 'api_key'] as const, { description: 'how the agent proves who it is' });

export const AgentIdParams = Type.Object({ agent_id: Type.String() }, { additionalProperties: false });
export type AgentIdParams = Static<typeof AgentIdParams>;

export const CreateAgentBody = Type.Object(
  {
    agent_id: Type.String({ pattern: AGENT_ID_PATTERN, description: 'no `:`: Basic credentials split on it' }),
    team_id: Identifier('team the agent belongs to'),
    project_id: Identifier('project the agent works for'),
    environment: Identifier('e.g. prod, staging'),
    auth_type: AuthType,
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
export type CreateAgentBody = Static<typeof CreateAgentBody>;

export const PatchAgentBody = Type.Object(
  {
    team_id: Type.Optional(Identifier('team the agent belongs to')),
    project_id: Type.Optional(Identifier('project the agent works for')),
    environment: Type.Optional(Identifier('e.g. prod, staging')),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
export type PatchAgentBody = Static<typeof PatchAgentBody>;

export const RotateKeyBody = Type.Object(
  {
    overlap_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_OVERLAP_SECONDS,
        description: 'how long the current keys stay valid, in seconds; 3600 when absent',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RotateKeyBody = Static<typeof RotateKeyBody>;

const AgentKey = Type.Object({
  key_id: Type.String(),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()], { description: 'null: no expiry' }),
});

const agentFields = {
  agent_id: Type.String(),
  team_id: Type.String(),
  project_id: Type.String(),
  environment: Type.String(),
  auth_type: AuthType,
  status: Status,
  created_at: Type.String(),
  updated_at: Type.String(),
  keys: Type.Array(AgentKey, { description: 'api key metadata; never the key or its hash' }),
};

export const Agent = Type.Object(agentFields, { description: 'an agent' });

export const AgentWithKey = Type.Object(
  {
    ...agentFields,
    api_key: Type.Optional(Type.String({ description: 'shown this once; absent for jwt agents' })),
  },
  { description: 'an agent with its new api key' },
);
