// Secrets of an all-in-one deployment, kept in the data dir with mode 0600:
//   signing-key.pem / signing-key.pub.pem  Ed25519 bundle signing key pair
//   key-hash.secret                         HMAC key for API-key hashes (32 random bytes)
//   admin-token.sha256                      hash of the admin token (the token itself is never stored)
// Each file is written to a temp name, fsynced and renamed, so a crash never leaves half a key.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeys } from '../policy/index.js';

export interface DeploymentSecrets {
  readonly signingPrivateKeyPem: string;
  readonly signingPublicKeyPem: string;
  readonly keyHashSecret: Buffer;
  readonly verifyAdminToken: (token: string) => boolean;
  /** Set only on the start that created the token: it is printed once, then never again. */
  readonly newAdminToken: string | null;
}

export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function loadSigningKeys(dataDir: string): { privateKeyPem: string; publicKeyPem: string } {
  const privatePath = join(dataDir, 'signing-key.pem');
  const publicPath = join(dataDir, 'signing-key.pub.pem');
  if (!existsSync(privatePath)) {
    const keys = generateSigningKeys();
    writeFileAtomic(publicPath, keys.publicKeyPem, 0o644);
    writeFileAtomic(privatePath, keys.privateKeyPem);
  }
  return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8') };
}

function loadKeyHashSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'key-hash.secret');
  if (!existsSync(path)) writeFileAtomic(path, randomBytes(32));
  return readFileSync(path);
}

/** The admin token: from the environment when given, else the stored hash, else a new one. */
function loadAdminToken(dataDir: string, fromEnv: string | null): { hash: Buffer; created: string | null } {
  if (fromEnv !== null) return { hash: sha256(fromEnv), created: null };
  const path = join(dataDir, 'admin-token.sha256');
  if (existsSync(path)) return { hash: Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'), created: null };
  const token = `cga_${randomBytes(32).toString('base64url')}`;
  writeFileAtomic(path, `${sha256(token).toString('hex')}\n`);
  return { hash: sha256(token), created: token };
}

export function loadDeploymentSecrets(dataDir: string, adminToken: string | null): DeploymentSecrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const signing = loadSigningKeys(dataDir);
  const admin = loadAdminToken(dataDir, adminToken);
  return {
    signingPrivateKeyPem: signing.privateKeyPem,
    signingPublicKeyPem: signing.publicKeyPem,
    keyHashSecret: loadKeyHashSecret(dataDir),
    // Compare hashes: constant time, and equal lengths whatever the caller sent.
    verifyAdminToken: (token) => timingSafeEqual(sha256(token), admin.hash),
    newAdminToken: admin.created,
  };
}

/** What a gateway worker needs, read from files the primary created before forking it. */
export function readGatewaySecrets(dataDir: string): { publicKeyPem: string; keyHashSecret: Buffer } {
  return {
    publicKeyPem: readFileSync(join(dataDir, 'signing-key.pub.pem'), 'utf8'),
    keyHashSecret: readFileSync(join(dataDir, 'key-hash.secret')),
  };
}
