import { systemClock, type Clock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { AgentRegistry } from './agents.js';
import { auditFilter, createAuditFeed } from './audit.js';
import { exportAudit } from './audit-export.js';
import { explainDecision } from './explain.js';
import { createIssuerService } from './issuers.js';
import { createPolicyService } from './policies.js';
import { createQuotaService } from './quotas.js';
import { BundlePublisher } from './publisher.js';
import type { ControlPlane } from './types.js';

export interface ControlPlaneOptions {
  readonly store: Store;
  /** Ed25519 private key (PKCS#8 PEM) that signs every bundle. */
  readonly signingPrivateKeyPem: string;
  /** Secret under which API keys are hashed (HMAC-SHA256); gateways hold the same secret. */
  readonly keyHashSecret: Buffer;
  readonly clock?: Clock;
  /** Told when a bundle or audit subscriber throws; the publish or write itself stands. */
  readonly onListenerError?: (error: unknown) => void;
}

/** Builds the control plane and makes sure a signed bundle exists (version 1 on first start). */
export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { store, keyHashSecret } = options;
  const clock = options.clock ?? systemClock;
  const publisher = new BundlePublisher({
    store,
    clock,
    signingPrivateKeyPem: options.signingPrivateKeyPem,
    onListenerError: options.onListenerError ?? (() => undefined),
  });
  await publisher.start();
  const publishRegistry = () => publisher.publishRegistry();
  const currentBundle = () => publisher.current();
  const agents = new AgentRegistry({ store, clock, keyHashSecret, publishRegistry });
  const auditFeed = createAuditFeed({ store, onListenerError: options.onListenerError ?? (() => undefined) });
  return {
    agents,
    keys: { rotate: (agentId, rotateOptions) => agents.rotate(agentId, rotateOptions) },
    issuers: createIssuerService({ store, clock, publishRegistry }),
    quotas: createQuotaService({ store, clock, publishRegistry }),
    policies: createPolicyService({ store, clock, currentBundle }),
    publish: () => publisher.publishDrafts(),
    currentBundle,
    onBundle: (listener) => publisher.onBundle(listener),
    explain: async (input) =>
      explainDecision({ currentBundle, currentIndex: () => publisher.currentIndex() }, input),
    ...auditFeed,
    queryAudit: async (query) => store.audit.query(auditFilter(query)),
    exportAudit: (query) => exportAudit({ store, clock, query }),
  };
}
