import { randomBytes, randomUUID } from 'node:crypto';

/** Request ids are UUIDv4: unique across gateways without coordination. */
export function newRequestId(): string {
  return randomUUID();
}

/** A random secret of `bytes` bytes, base64url without padding. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
