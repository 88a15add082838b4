// JWT issuers. Like agents, a change takes effect at once through a registry publish.
// INVARIANT: no message or view ever carries an hs256 secret.

import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { ClawgressError, type Clock } from '../core/index.js';
import type { IssuerRecord, Store } from '../store/index.js';
import { readPage } from './paging.js';
import type { IssuerInput, IssuerKeyType, IssuerService, IssuerView } from './types.js';
import { checkText, invalid, shown } from './validate.js';

const KEY_TYPES: readonly IssuerKeyType[] = ['jwks_url', 'public_key_pem', 'hs256_secret'];
export const MIN_HS256_SECRET_LENGTH = 32; // characters
const MAX_KEY_SOURCE_LENGTH = 16_384; // characters: a 4096-bit RSA PEM is about 800

export interface IssuerServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly publishRegistry: () => Promise<unknown>;
}

export function createIssuerService(options: IssuerServiceOptions): IssuerService {
  const { store, clock, publishRegistry } = options;
  const notFound = (id: string) => new ClawgressError('NOT_FOUND', `issuer ${shown(id)} not found`);
  return {
    async create(input) {
      const record = issuerRecord(input, new Date(clock.now()).toISOString());
      if (!(await store.issuers.create(record))) {
        const message = `issuer ${shown(record.issuer)} with audience ${shown(record.audience)} exists already`;
        throw new ClawgressError('CONFLICT', message);
      }
      await publishRegistry();
      return issuerView(record);
    },
    list: (list) =>
      readPage({ list, fetch: (page) => store.issuers.list(page), idOf: (i) => i.id, view: (rows) => rows.map(issuerView) }),
    async get(id) {
      const record = await store.issuers.get(id);
      if (!record) throw notFound(id);
      return issuerView(record);
    },
    async delete(id) {
      if (!(await store.issuers.delete(id))) throw notFound(id);
      await publishRegistry();
    },
  };
}

function issuerRecord(input: IssuerInput, createdAt: string): IssuerRecord {
  const issuer = checkText('issuer', input.issuer);
  const audience = checkText('audience', input.audience);
  const given = KEY_TYPES.filter((type) => input[type] !== undefined);
  const [keyType] = given;
  if (given.length !== 1 || keyType === undefined) {
    // No single field is wrong here, so the message names all three.
    const message = 'exactly one of `jwks_url`, `public_key_pem` or `hs256_secret` must be given';
    throw new ClawgressError('VALIDATION', message);
  }
  const value = input[keyType];
  if (typeof value !== 'string' || value.length > MAX_KEY_SOURCE_LENGTH) {
    throw invalid(keyType, `must be a string of at most ${MAX_KEY_SOURCE_LENGTH} characters`);
  }
  KEY_CHECKS[keyType](value);
  return {
    id: randomUUID(),
    issuer,
    audience,
    jwks_url: keyType === 'jwks_url' ? value : null,
    public_key_pem: keyType === 'public_key_pem' ? value : null,
    hs256_secret: keyType === 'hs256_secret' ? value : null,
    created_at: createdAt,
  };
}

const KEY_CHECKS: Readonly<Record<IssuerKeyType, (value: string) => void>> = {
  jwks_url: checkJwksUrl,
  public_key_pem: checkPublicKeyPem,
  hs256_secret: (secret) => {
    if (secret.length < MIN_HS256_SECRET_LENGTH) {
      throw invalid('hs256_secret', `must be at least ${MIN_HS256_SECRET_LENGTH} characters`);
    }
  },
};

function checkJwksUrl(url: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw invalid('jwks_url', `${shown(url)} is not an http or https url`);
  }
}

function checkPublicKeyPem(pem: string): void {
  // createPublicKey derives a public key from a private one too: refuse to store a private key.
  if (/PRIVATE KEY/.test(pem)) throw invalid('public_key_pem', 'is a private key: give the public key only');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw invalid('public_key_pem', 'is not a pem-encoded public key');
  }
  const problem = publicKeyProblem(key);
  if (problem !== null) throw invalid('public_key_pem', problem);
}

function publicKeyProblem(key: KeyObject): string | null {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return (details.modulusLength ?? 0) >= 2048 ? null : 'rsa key must be at least 2048 bits';
    case 'ec':
      return details.namedCurve === 'prime256v1' ? null : `ec curve ${shown(details.namedCurve)} is not p-256`;
    case 'ed25519':
      return null;
    default:
      return `key type ${shown(key.asymmetricKeyType)} is not rsa, ec p-256 or ed25519`;
  }
}

function issuerView(record: IssuerRecord): IssuerView {
  const keyType: IssuerKeyType =
    record.jwks_url !== null ? 'jwks_url' : record.public_key_pem !== null ? 'public_key_pem' : 'hs256_secret';
  return {
    id: record.id,
    issuer: record.issuer,
    audience: record.audience,
    key_type: keyType,
    ...(record.jwks_url === null ? {} : { jwks_url: record.jwks_url }),
    ...(record.public_key_pem === null ? {} : { public_key_pem: record.public_key_pem }),
    created_at: record.created_at,
  };
}
