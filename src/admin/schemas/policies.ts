import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common.js';

const Names = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));

export const PolicyMatch = Type.Object(
  {
    agents: Names('agent ids; absent = any agent'),
    teams: Names('team ids; absent = any team'),
    projects: Names('project ids; absent = any project'),
    environments: Names('environments; absent = any'),
    domains: Names('exact names or `*.example.com` (subdomains only)'),
    methods: Names('http methods'),
    path_prefixes: Names('path prefixes, each starting with `/`'),
    ports: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }))),
  },
  { additionalProperties: false },
);

const Action = StringEnum(['allow', 'deny'] as const);

const policyBodyFields = {
  match: PolicyMatch,
  action: Action,
  priority: Type.Integer({ description: 'higher wins; at equal priority deny beats allow' }),
  enabled: Type.Optional(Type.Boolean({ description: 'true when absent' })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
};

export const PolicyIdParams = Type.Object({ policy_id: Type.String() }, { additionalProperties: false });
export type PolicyIdParams = Static<typeof PolicyIdParams>;

export const CreatePolicyBody = Type.Object(
  { policy_id: Type.String({ minLength: 1, maxLength: 128 }), ...policyBodyFields },
  { additionalProperties: false },
);
export type CreatePolicyBody = Static<typeof CreatePolicyBody>;

export const ReplacePolicyBody = Type.Object(policyBodyFields, { additionalProperties: false });
export type ReplacePolicyBody = Static<typeof ReplacePolicyBody>;

export const Policy = Type.Object(
  {
    policy_id: Type.String(),
    version: Type.Integer({ description: 'draft version; each change adds one' }),
    match: PolicyMatch,
    action: Action,
    priority: Type.Integer(),
    enabled: Type.Boolean(),
    description: Type.Optional(Type.String()),
    updated_at: Type.String(),
    published_version: Nullable(Type.Integer({ description: 'version in the bundle in force; null: not published' })),
  },
  { description: 'a policy draft' },
);

export const PublishResult = Type.Object({
  version: Type.Integer(),
  content_hash: Type.String(),
  created_at: Type.String(),
});
