// The primary of a gateway cluster (`serve` or `gateway` with --workers N): forks N gateway
// workers on one port, relays bundles to them, takes their audit events and quota questions,
// restarts a worker that dies, and aggregates their metrics. Where bundles come from and where
// audit goes is the hub's business (the local control plane, or a remote one).
import cluster, { type Worker } from 'node:cluster';
import { getPriority, setPriority } from 'node:os';
import { unpackEvent, type WireEvent } from '../audit/index.js';
import { systemClock, type AuditEvent, type SignedBundle } from '../core/index.js';
import type { Config } from '../config/index.js';
import { renderAggregated, type Logger, type Metrics, type MetricsSnapshot } from '../observe/index.js';
import { isQuotaRequest, LeaseBroker, MemoryLimiter, type AlertLimit, type Limiter } from '../quota/index.js';
import { ConnectionCensus, LOAD_REPORT_MS } from './cluster-balance.js';
import { ACCEPTORS_PER_WORKER, bindListenHandle, type ListenHandle } from './listen-handle.js';
import { isWorkerMessage, type PrimaryToWorker, type WorkerToPrimary } from './cluster-messages.js';
import type { AuditPressure } from './serve-audit.js';
import { CHECK_EVERY_MS, WorkerPriority } from './worker-priority.js';

export interface ClusterHub {
  /** The verified bundle to hand a new worker; null while there is none yet. */
  currentBundle(): SignedBundle | null;
  onBundle(listener: (bundle: SignedBundle) => void): () => void;
  enqueueAudit(event: AuditEvent): boolean;
  reportQuotaAlert(agentId: string, limit: AlertLimit, note: string): void;
  /** A worker's hand-off queue dropped events: the node's /readyz `audit` says degraded. */
  noteWorkerAuditDrops(count: number): void;
  /** How hard-pressed the node's audit queue is (worker-priority.ts). */
  auditPressure(): AuditPressure;
}

export interface ClusterHandle {
  /** Resolves with the proxy port once every worker listens. */
  readonly listening: Promise<number>;
  readiness(): { ok: boolean; detail: string };
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Ask every worker to drain, wait for them, cut what is left after the grace. */
  stop(graceMs: number): Promise<void>;
}

interface WorkerState {
  port: number | null;
  bundleVersion: number;
  /** A bundle is being written to the worker's IPC pipe. */
  relaying: boolean;
  /** The newest bundle published meanwhile: sent when that write completes. */
  nextBundle: SignedBundle | null;
}

const RESTART_DELAY_MS = 1_000;
const METRICS_TIMEOUT_MS = 1_000;

export function startCluster(options: { config: Config; logger: Logger; metrics: Metrics; hub: ClusterHub; limiter: Limiter }): ClusterHandle {
  const { config, logger } = options;
  const states = new Map<Worker, WorkerState>();
  const priority = new WorkerPriority({
    base: getPriority(),
    pressure: () => options.hub.auditPressure(),
    setNiceness: setPriority,
    now: () => systemClock.monotonic(),
    logger,
  });
  const priorityTimer = setInterval(() => priority.check(), CHECK_EVERY_MS).unref();
  // Every listening worker is asked its connection count at once (cluster-balance.ts).
  const census = new ConnectionCensus<Worker>();
  const censusTimer = setInterval(() => countConnections(states, census), LOAD_REPORT_MS).unref();
  // A worker's drops make its workers yield at once, as the node's own queue filling does.
  const hub: ClusterHub = {
    ...options.hub,
    noteWorkerAuditDrops: (count) => {
      priority.noteDrops();
      options.hub.noteWorkerAuditDrops(count);
    },
  };
  const metricsReplies = new Map<number, (snapshot: MetricsSnapshot) => void>();
  let stopping = false;
  // Workers ask the primary only with the memory backend (with Redis they ask Redis).
  const broker = options.limiter instanceof MemoryLimiter ? new LeaseBroker({ limiter: options.limiter, now: () => systemClock.monotonic() }) : null;
  // Bound before any worker asks; a port that cannot be bound stops the node, as a worker
  // failing to listen did when each bound its own.
  const listenHandle = bindListenHandle(config.gatewayListen);
  listenHandle.catch((error: unknown) => {
    logger.fatal({ err: error }, 'the gateway port could not be bound');
    process.exit(1);
  });
  const unsubscribe = hub.onBundle((bundle) => {
    for (const [worker, state] of states) relayBundle(worker, state, bundle);
  });
  const listening = new Promise<number>((resolve) => {
    cluster.on('message', (worker: Worker, message: unknown) => {
      if (isQuotaRequest(message)) {
        if (broker !== null && worker.isConnected()) worker.send(broker.answer(worker.id, message));
      } else if (isWorkerMessage(message)) {
        onWorkerMessage({ hub, logger, states, census, metricsReplies, worker, listenHandle }, message);
      }
      const ports = [...states.values()].map((s) => s.port);
      if (ports.length === config.workers && ports.every((p) => p !== null)) resolve(ports[0] as number);
    });
  });
  cluster.on('exit', (worker, code, signal) => {
    const port = states.get(worker)?.port;
    states.delete(worker);
    broker?.forget(worker.id);
    if (worker.process.pid !== undefined) priority.remove(worker.process.pid);
    if (stopping) return;
    if (port === null || port === undefined) {
      logger.fatal({ code, signal }, 'a gateway worker failed to start');
      process.exit(1);
    }
    logger.error({ code, signal, pid: worker.process.pid }, 'gateway worker exited: starting a new one');
    setTimeout(() => !stopping && fork(states, priority), RESTART_DELAY_MS);
  });
  // Workers accept connections themselves, on descriptors of the socket bound above
  // (listen-handle.ts), and even out their shares afterwards (cluster-balance.ts). Node's
  // round-robin would have the primary accept each one and hand it over IPC, one acknowledged
  // hand-off per worker at a time: with workers busy serving, 2,000 new connections waited
  // seconds for their turn (p90 3.2 s in `npm run bench`). Nothing here listens through the
  // cluster module any more; the policy stays off for anything that would.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < config.workers; i++) fork(states, priority);
  return {
    listening,
    readiness: () => workersReady(states, config.workers),
    metrics: () => collectMetrics(options.metrics, states, metricsReplies),
    stop: async (graceMs) => {
      stopping = true;
      clearInterval(priorityTimer);
      clearInterval(censusTimer);
      unsubscribe();
      await stopWorkers(states, graceMs);
      (await listenHandle).close();
    },
  };
}

function fork(states: Map<Worker, WorkerState>, priority: WorkerPriority): void {
  const worker = cluster.fork();
  states.set(worker, { port: null, bundleVersion: 0, relaying: false, nextBundle: null });
  const pid = worker.process.pid;
  if (pid !== undefined) priority.add(pid);
}

/** One bundle write per worker at a time; bundles published meanwhile collapse into the
 *  newest (each is a whole snapshot). Queueing every one instead let a burst of admin
 *  changes (2,000 publishes of a 1 MB bundle) pile gigabytes into the IPC write queues. */
function relayBundle(worker: Worker, state: WorkerState, bundle: SignedBundle): void {
  if (state.relaying) {
    state.nextBundle = bundle;
    return;
  }
  if (!worker.isConnected()) return;
  state.relaying = true;
  worker.send({ type: 'clawgress:bundle', bundle } satisfies PrimaryToWorker, undefined, {}, () => {
    state.relaying = false;
    const next = state.nextBundle;
    state.nextBundle = null;
    if (next !== null) relayBundle(worker, state, next);
  });
}

/** Starts a round of the census over the workers that listen; one alone has nobody to
 *  balance with. */
function countConnections(states: Map<Worker, WorkerState>, census: ConnectionCensus<Worker>): void {
  const listening = [...states].filter(([worker, state]) => state.port !== null && worker.isConnected()).map(([worker]) => worker);
  if (listening.length < 2) return;
  const round = census.begin(listening);
  for (const worker of listening) tell(worker, { type: 'clawgress:load-query', round });
}

/** `handle`: a listening socket to pass along with the message (listen-handle.ts). */
function tell(worker: Worker, message: PrimaryToWorker, handle?: ListenHandle): void {
  if (worker.isConnected()) worker.send(message, handle as never);
}

/** A worker's event, unpacked; one the primary cannot read is lost, and said so. */
function enqueueFromWorker(ctx: { hub: ClusterHub; logger: Logger; worker: Worker }, wire: WireEvent): void {
  let event: AuditEvent;
  try {
    event = unpackEvent(wire);
  } catch (error) {
    ctx.logger.error({ err: error, worker: ctx.worker.id }, 'an audit event from a gateway worker could not be read: it is lost');
    return;
  }
  ctx.hub.enqueueAudit(event);
}

function onWorkerMessage(
  ctx: {
    hub: ClusterHub;
    logger: Logger;
    states: Map<Worker, WorkerState>;
    census: ConnectionCensus<Worker>;
    metricsReplies: Map<number, (s: MetricsSnapshot) => void>;
    worker: Worker;
    listenHandle: Promise<ListenHandle>;
  },
  message: WorkerToPrimary,
): void {
  const state = ctx.states.get(ctx.worker);
  switch (message.type) {
    case 'clawgress:bundle-request': {
      const bundle = ctx.hub.currentBundle();
      // None yet: the worker gets the first one with everybody else, when it arrives.
      if (bundle !== null && state) relayBundle(ctx.worker, state, bundle);
      return;
    }
    case 'clawgress:listen-request':
      void ctx.listenHandle.then((handle) => {
        for (let i = 0; i < ACCEPTORS_PER_WORKER; i++) tell(ctx.worker, { type: 'clawgress:listen-handle', count: ACCEPTORS_PER_WORKER }, handle);
      });
      return;
    case 'clawgress:listening':
      if (state) state.port = message.port;
      return;
    case 'clawgress:bundle-applied':
      if (state) state.bundleVersion = Math.max(state.bundleVersion, message.version);
      return;
    case 'clawgress:audit':
      // Drops (the node's queue full) are counted by the queue itself.
      for (const wire of message.events) enqueueFromWorker(ctx, wire);
      return;
    case 'clawgress:quota-alert':
      return ctx.hub.reportQuotaAlert(message.agent_id, message.limit, message.note);
    case 'clawgress:audit-dropped':
      if (Number.isSafeInteger(message.dropped) && message.dropped > 0) ctx.hub.noteWorkerAuditDrops(message.dropped);
      return;
    case 'clawgress:metrics':
      ctx.metricsReplies.get(message.id)?.(message.metrics as MetricsSnapshot);
      return;
    case 'clawgress:load': {
      const sheds = ctx.census.answer(ctx.worker, message.round, message.connections);
      for (const [worker, count] of sheds ?? []) tell(worker, { type: 'clawgress:shed', count });
      return;
    }
  }
}

function workersReady(states: Map<Worker, WorkerState>, expected: number): { ok: boolean; detail: string } {
  const behind = [...states.values()].filter((s) => s.port === null || s.bundleVersion < 1);
  const versions = [...states.values()].map((s) => s.bundleVersion).join(',');
  return { ok: states.size === expected && behind.length === 0, detail: `${states.size}/${expected} workers, bundle versions [${versions}]` };
}

let nextMetricsId = 0;

async function collectMetrics(
  metrics: Metrics,
  states: Map<Worker, WorkerState>,
  replies: Map<number, (snapshot: MetricsSnapshot) => void>,
): Promise<{ contentType: string; body: string }> {
  const asks = [...states.keys()].map((worker) => new Promise<MetricsSnapshot | null>((resolve) => {
    const id = nextMetricsId++;
    const timer = setTimeout(() => {
      replies.delete(id);
      resolve(null);
    }, METRICS_TIMEOUT_MS);
    replies.set(id, (snapshot) => {
      clearTimeout(timer);
      replies.delete(id);
      resolve(snapshot);
    });
    tell(worker, { type: 'clawgress:metrics-request', id });
  }));
  const snapshots = (await Promise.all(asks)).filter((s): s is MetricsSnapshot => s !== null);
  return renderAggregated(metrics, snapshots);
}

async function stopWorkers(states: Map<Worker, WorkerState>, graceMs: number): Promise<void> {
  const exits = [...states.keys()].map((worker) => new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    tell(worker, { type: 'clawgress:shutdown' });
  }));
  const deadline = setTimeout(() => {
    for (const worker of states.keys()) worker.process.kill('SIGKILL');
  }, graceMs + 5_000);
  await Promise.all(exits);
  clearTimeout(deadline);
}
