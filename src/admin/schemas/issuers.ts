import { Type, type Static } from '@sinclair/typebox';
import { Identifier, StringEnum } from './common.js';

export const IssuerIdParams = Type.Object({ id: Type.String() }, { additionalProperties: false });
export type IssuerIdParams = Static<typeof IssuerIdParams>;

export const CreateIssuerBody = Type.Object(
  {
    issuer: Identifier('the `iss` claim'),
    audience: Identifier('the `aud` claim expected'),
    jwks_url: Type.Optional(Type.String({ description: 'http(s) url of the JWKS' })),
    public_key_pem: Type.Optional(Type.String({ description: 'RSA, EC P-256 or Ed25519 public key' })),
    hs256_secret: Type.Optional(Type.String({ minLength: 32, description: 'at least 32 characters; never shown again' })),
  },
  { additionalProperties: false, description: 'exactly one of jwks_url, public_key_pem, hs256_secret' },
);
export type CreateIssuerBody = Static<typeof CreateIssuerBody>;

export const Issuer = Type.Object(
  {
    id: Type.String(),
    issuer: Type.String(),
    audience: Type.String(),
    key_type: StringEnum(['jwks_url', 'public_key_pem', 'hs256_secret'] as const),
    jwks_url: Type.Optional(Type.String()),
    public_key_pem: Type.Optional(Type.String()),
    created_at: Type.String(),
  },
  { description: 'a jwt issuer; an hs256 secret is never returned' },
);
