// The audit log of `serve`: where the node's events converge (the single process, or the
// cluster primary) they are sealed into the hash chain and queued for the store and stdout.
// Checkpoints are signed with the deployment's Ed25519 bundle signing key (signing-key.pem;
// verify with signing-key.pub.pem); the chain heads are kept in <data dir>/audit-chain.json,
// so a restart opens a new segment linked to where the last one stopped.

import { join } from 'node:path';
import { Gauge } from 'prom-client';
import { systemClock, type AuditRecord } from '../core/index.js';
import {
  AuditChain,
  AuditHealth,
  ChainedAuditQueue,
  createChainStateWriter,
  createCheckpointSigner,
  createJsonLinesSink,
  readChainState,
  type AuditSink,
} from '../audit/index.js';
import type { Config } from '../config/index.js';
import type { ControlPlane } from '../control/index.js';
import type { Logger, Metrics, ReadinessCheck } from '../observe/index.js';
import { createDropAlerter } from './drop-alerter.js';

// Long enough that a batch carries a few hundred events under load, short enough that one
// batch's SQLite work (~1 ms at 20k events/s) is a short burst: at 20 ms each burst took the
// core from a gateway worker for ~4 ms and showed in the proxy's p99 (c=50: 16-21 ms vs
// 10-12 ms at 5 ms, same CPU per request; measured with wrk through serve).
const SINK_LINGER_MS = 5;
/** A periodic checkpoint every this many events of a gateway, and on a timer. */
const CHECKPOINT_EVERY_EVENTS = 1_000;
const CHECKPOINT_INTERVAL_MS = 10_000;
/** The chain state file (audit-chain.json) is written at most this often; a shutdown's at once. */
const CHAIN_STATE_SPACING_MS = 1_000;
/** How long a drop keeps /readyz saying the audit trail is degraded. */
const DEGRADED_WINDOW_MS = 60_000;
/** The name /readyz and clawgress_audit_degraded give the workers' hand-off queues. */
const WORKER_HANDOFF = 'workers';

export interface ServeAuditLog {
  readonly queue: ChainedAuditQueue;
  /** `audit` in /readyz: always ready (enforcement goes on), `degraded: …` when a sink fails or drops. */
  readonly readiness: ReadinessCheck;
  /** Drops that happened before the node's queue (a worker's hand-off), under `workers`. */
  noteWorkerDrops(count: number): void;
  /** How hard-pressed the queue is (cli/worker-priority.ts). */
  pressure(): AuditPressure;
}

export interface AuditPressure {
  /** The share of the queue in use (its deepest sink), 0..1. */
  readonly backlog: number;
  /** Events the queue dropped since it started, every sink and reason. */
  readonly dropped: number;
}

export function createServeAuditLog(options: {
  config: Config;
  metrics: Metrics;
  logger: Logger;
  control: ControlPlane;
  signingPrivateKeyPem: string;
}): ServeAuditLog {
  const { config, control } = options;
  // Under load, one transaction and one stdout write carry a batch of records (sink-lane.ts).
  const sinks: AuditSink[] = [{ name: 'store', lingerMs: SINK_LINGER_MS, write: async (batch: readonly AuditRecord[]) => void (await control.appendAudit(batch)) }];
  if (config.auditStdout) sinks.push(stdoutSink());
  return createNodeAuditLog({ ...options, sinks });
}

export function stdoutSink(): AuditSink {
  return { ...createJsonLinesSink(process.stdout, 'stdout'), lingerMs: SINK_LINGER_MS };
}

/** The audit log of a node whose events converge here (serve, or a split-deployment gateway):
 *  sealed into the node's chain, checkpointed, and queued for the given sinks. */
export function createNodeAuditLog(options: {
  config: Config;
  metrics: Metrics;
  logger: Logger;
  signingPrivateKeyPem: string;
  sinks: readonly AuditSink[];
}): ServeAuditLog {
  const { config, metrics, logger, sinks } = options;
  const warnDropped = createDropAlerter(logger, 'node');
  let dropped = 0;
  const health = new AuditHealth({ clock: systemClock, windowMs: DEGRADED_WINDOW_MS, sinks: sinks.map((sink) => sink.name) });
  const statePath = join(config.dataDir, 'audit-chain.json');
  const restored = readChainState(statePath);
  if (restored.problem !== null) logger.warn(`${restored.problem}: the new audit chain segment links to no earlier one`);
  const queue = new ChainedAuditQueue({
    sinks,
    capacity: config.auditQueueSize,
    batchSize: config.auditBatchSize,
    chain: new AuditChain({ clock: systemClock, signer: createCheckpointSigner(options.signingPrivateKeyPem), checkpointEvery: CHECKPOINT_EVERY_EVENTS, restored: restored.state }),
    gatewayIds: [config.gatewayId],
    checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
    saveState: createChainStateWriter(statePath, { spacingMs: CHAIN_STATE_SPACING_MS }),
    onStateError: (error) => logger.error({ err: error }, 'audit chain state could not be saved: the next start may not link to this segment'),
    onSealError: (error) => logger.error({ err: error }, 'audit event could not be sealed: queued unchained'),
    onDrop: (sink, reason, count) => {
      dropped += count;
      metrics.auditDropped.inc({ sink, reason }, count);
      health.noteDropped(sink, count);
      warnDropped(sink, reason, count);
    },
    onWritten: (sink, count) => {
      health.noteWritten(sink);
      metrics.auditWritten.inc({ sink }, count);
    },
    onSinkError: (sink, error) => {
      health.noteFailed(sink);
      metrics.auditSinkErrors.inc({ sink });
      logger.error({ sink, err: error }, 'audit sink write failed: will retry');
    },
  });
  metrics.setAuditDepthSource(() => queue.depth());
  registerDegradedGauge(metrics, health);
  return {
    queue,
    readiness: { name: 'audit', check: () => ({ ok: true, detail: health.status().detail }) },
    noteWorkerDrops: (count) => health.noteDropped(WORKER_HANDOFF, count),
    pressure: () => ({ backlog: queue.depth() / config.auditQueueSize, dropped }),
  };
}

function registerDegradedGauge(metrics: Metrics, health: AuditHealth): void {
  new Gauge({
    name: 'clawgress_audit_degraded',
    help: 'Whether an audit sink is failing or dropped events in the last 60 s (1) or not (0), by sink',
    labelNames: ['sink'] as const,
    registers: [metrics.registry],
    collect() {
      for (const [sink, state] of Object.entries(health.status().sinks)) {
        this.set({ sink }, state.failingSince !== null || state.droppedRecently > 0 ? 1 : 0);
      }
    },
  });
}
