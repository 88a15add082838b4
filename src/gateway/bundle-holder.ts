// The bundle in force. A new bundle is verified (signature, then version, then content) and
// compiled completely before one reference is swapped, so a request that read `current` at its
// start sees one whole bundle from first check to audit record, never half of two.
import type { Clock, Quota, SignedBundle } from '../core/index.js';
import { IdentityResolver } from '../identity/index.js';
import { compilePolicies, verifyBundle, type PolicyIndex } from '../policy/index.js';

export interface ActiveBundle {
  readonly version: number;
  readonly contentHash: string;
  readonly policies: PolicyIndex;
  readonly identities: IdentityResolver;
  readonly quotas: ReadonlyMap<string, Quota>;
  readonly signed: SignedBundle;
}

export type ApplyResult =
  | { ok: true; version: number }
  | { ok: false; code: 'format' | 'signature' | 'version' | 'hash'; error: string };

export interface BundleHolderOptions {
  readonly publicKeyPem: string;
  readonly keyHashSecret: Buffer;
  readonly clock: Clock;
  readonly jwtClockSkewSeconds: number;
}

export class BundleHolder {
  readonly #options: BundleHolderOptions;
  #current: ActiveBundle | null = null;

  constructor(options: BundleHolderOptions) {
    this.#options = options;
  }

  get current(): ActiveBundle | null {
    return this.#current;
  }

  /** Verify and, only if every check passes, swap. A refused bundle changes nothing. */
  apply(input: unknown): ApplyResult {
    const verified = verifyBundle(input, {
      publicKeyPem: this.#options.publicKeyPem,
      currentVersion: this.#current?.version ?? null,
    });
    if (!verified.ok) return verified;
    this.#current = this.#compile(verified.bundle);
    return { ok: true, version: verified.bundle.manifest.version };
  }

  #compile(signed: SignedBundle): ActiveBundle {
    const { content, manifest } = signed;
    return {
      version: manifest.version,
      contentHash: manifest.content_hash,
      policies: compilePolicies(content.policies),
      identities: new IdentityResolver({
        agents: content.agents,
        issuers: content.issuers,
        keyHashSecret: this.#options.keyHashSecret,
        clock: this.#options.clock,
        clockSkewSeconds: this.#options.jwtClockSkewSeconds,
      }),
      quotas: new Map(content.quotas.map((quota) => [quota.agent_id, quota])),
      signed,
    };
  }
}
