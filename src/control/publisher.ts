// Owns the bundle in force. Publishes run one at a time (a promise chain), so versions are
// strictly increasing and each bundle is built from the registry as it is at that moment.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ClawgressError, type BundleContent, type Clock, type Policy, type SignedBundle } from '../core/index.js';
import { compilePolicies, signBundle, verifyBundle, type PolicyIndex } from '../policy/index.js';
import type { Store } from '../store/index.js';
import { enabledDraftPolicies, registryContent } from './bundle-content.js';
import type { BundleListener, PublishResult } from './types.js';

export interface PublisherOptions {
  readonly store: Store;
  readonly signingPrivateKeyPem: string;
  readonly clock: Clock;
  readonly onListenerError: (error: unknown) => void;
}

export class BundlePublisher {
  readonly #options: PublisherOptions;
  readonly #listeners = new Set<BundleListener>();
  #current: SignedBundle | null = null;
  #compiled: { version: number; index: PolicyIndex } | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #queuedRegistry: Promise<PublishResult> | null = null;

  constructor(options: PublisherOptions) {
    this.#options = options;
  }

  /**
   * Loads the newest stored bundle. On first start publishes version 1, which denies
   * everything; after a signing-key change re-signs the bundle in force as a new version,
   * so gateways always have a bundle that verifies.
   */
  async start(): Promise<void> {
    const latest = await this.#options.store.bundles.latest();
    if (!latest) {
      await this.#serially(() => this.#publishWith(async () => []));
      return;
    }
    this.#current = latest;
    const publicKeyPem = publicKeyOf(this.#options.signingPrivateKeyPem);
    if (!verifyBundle(latest, { publicKeyPem, currentVersion: null }).ok) await this.publishRegistry();
  }

  current(): SignedBundle {
    if (!this.#current) throw new ClawgressError('INTERNAL', 'control plane: no bundle loaded: call start first');
    return this.#current;
  }

  /** The compiled policy index of the bundle in force, compiled once per version. */
  currentIndex(): PolicyIndex {
    const bundle = this.current();
    if (this.#compiled?.version !== bundle.manifest.version) {
      this.#compiled = { version: bundle.manifest.version, index: compilePolicies(bundle.content.policies) };
    }
    return this.#compiled.index;
  }

  onBundle(listener: BundleListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Publishes the enabled policy drafts with the current registry. */
  publishDrafts(): Promise<PublishResult> {
    return this.#serially(() => this.#publishWith(() => enabledDraftPolicies(this.#options.store)));
  }

  /**
   * Publishes a registry change (agents, keys, issuers, quotas) without any pending policy draft.
   * Changes that arrive while a registry publish is queued (not yet started) share it: it reads
   * the store when it starts, so it carries all of them, and every caller still returns only
   * once its change is in force. A burst of 1,000 agent creations then makes a handful of
   * bundles, not 1,000 for every gateway to verify and compile.
   */
  publishRegistry(): Promise<PublishResult> {
    if (this.#queuedRegistry !== null) return this.#queuedRegistry;
    const run = this.#serially(() => {
      this.#queuedRegistry = null; // from here on, a new change needs the next publish
      return this.#publishWith(async () => (await this.#options.store.bundles.latest())?.content.policies ?? []);
    });
    this.#queuedRegistry = run;
    return run;
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    // The chain must survive a failed publish, or every later publish would fail too.
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #publishWith(policies: () => Promise<readonly Policy[]>): Promise<PublishResult> {
    const { store, clock, signingPrivateKeyPem } = this.#options;
    const nowMs = clock.now();
    const content: BundleContent = { policies: await policies(), ...(await registryContent(store, nowMs)) };
    const version = ((await store.bundles.latest())?.manifest.version ?? 0) + 1;
    const createdAt = new Date(nowMs).toISOString();
    const bundle = signBundle({ content, version, createdAt, privateKeyPem: signingPrivateKeyPem });
    if (!(await store.bundles.insert(bundle))) {
      throw new ClawgressError('CONFLICT', `bundle version \`${version}\` was published by another writer: retry`);
    }
    this.#current = bundle;
    this.#notify(bundle);
    return { version, content_hash: bundle.manifest.content_hash, created_at: createdAt };
  }

  #notify(bundle: SignedBundle): void {
    for (const listener of this.#listeners) {
      try {
        listener(bundle);
      } catch (error) {
        // A broken subscriber must not undo a publish that is already stored.
        this.#options.onListenerError(error);
      }
    }
  }
}

function publicKeyOf(privateKeyPem: string): string {
  try {
    return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    // Node's parse error is dropped, not wrapped: no part of a key may reach a message.
    throw new TypeError('control plane: the signing key is not a private key pem');
  }
}
