// A gateway worker of `serve --workers N`: it enforces bundles the primary relays (and
// verifies each one itself), sends its audit events to the primary, and asks the primary's
// limiter (or Redis) for rate-limit verdicts.
import { AuditQueue, packEvent } from '../audit/index.js';
import type { AuditEvent } from '../core/index.js';
import type { Config } from '../config/index.js';
import { createMetrics, snapshotMetrics, type Logger, type Metrics } from '../observe/index.js';
import { isPrimaryMessage, type WorkerToPrimary } from './cluster-messages.js';
import { createDropAlerter, DROP_ALERT_INTERVAL_MS, type DropAlerter } from './drop-alerter.js';
import { createLimiter, createServeGateway, type GatewaySecrets } from './serve-gateway.js';
import { onStopSignals } from './serve.js';

function send(message: WorkerToPrimary): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send || !process.connected) return reject(new Error('no ipc channel to the primary'));
    process.send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

// A worker's events wait this long to leave in one IPC message (not after a full batch: more
// are waiting then, and a pause after every 500 events could not keep up; see sink-lane.ts).
// Every message wakes the primary, and on a 2-core machine shared with its load each wake-up
// costs both processes more than the events it carries: at 20 ms instead of 5, serve spent
// 12% less CPU per request at c=50 (4 alternating pairs, 95-113 vs 112-133 us, primary 28-33
// vs 35-39 us) with higher throughput in each pair. An event reaches stdout and the store up
// to ~25 ms after its request ended; the hot path never waits for it.
const IPC_LINGER_MS = 20;

/** Audit events leave the worker in batches over IPC; the primary's queue writes them. */
function createPrimarySink(config: Config, metrics: Metrics, logger: Logger, warnDropped: DropAlerter): AuditQueue {
  return new AuditQueue({
    // One IPC message per few milliseconds of events, not per event-loop turn.
    sinks: [{ name: 'primary', lingerMs: IPC_LINGER_MS, write: (batch: readonly AuditEvent[]) => send({ type: 'clawgress:audit', events: batch.map(packEvent) }) }],
    capacity: config.auditQueueSize,
    batchSize: config.auditBatchSize,
    onDrop: (sink, reason, count) => {
      metrics.auditDropped.inc({ sink, reason }, count);
      // A worker's queue fills when the primary falls behind it: said here, where it happens.
      warnDropped(sink, reason, count);
    },
    onSinkError: (sink, error) => logger.error({ sink, err: error }, 'audit hand-off to the primary failed: will retry'),
  });
}

export async function runWorker(config: Config, logger: Logger, secrets: GatewaySecrets): Promise<void> {
  const metrics = createMetrics();
  // Each logged count also goes to the primary, whose /readyz then says the audit is degraded.
  const warnDropped = createDropAlerter(logger, 'worker', DROP_ALERT_INTERVAL_MS, (_sink, _reason, dropped) =>
    void send({ type: 'clawgress:audit-dropped', dropped }).catch(() => undefined));
  const audit = createPrimarySink(config, metrics, logger, warnDropped);
  metrics.setAuditDepthSource(() => audit.depth());
  const limiter = createLimiter(config, 'worker');
  const gateway = createServeGateway({
    config, logger, metrics, limiter,
    enqueueAudit: (event) => audit.enqueue(event),
    secrets,
    // The primary holds the one throttle, so two workers still log one line per window.
    reportQuotaAlert: (agentId, limit, note) => void send({ type: 'clawgress:quota-alert', agent_id: agentId, limit, note }).catch(() => undefined),
  });
  const stop = async (): Promise<void> => {
    await gateway.close(config.shutdownGrace);
    await audit.close(config.shutdownGrace);
    warnDropped.flush();
    await limiter.close();
  };
  let firstBundle: () => void = () => undefined;
  const bundled = new Promise<void>((resolve) => (firstBundle = resolve));
  const handles: object[] = [];
  let allHandles: (handles: object[]) => void = () => undefined;
  const handed = new Promise<object[]>((resolve) => (allHandles = resolve));
  process.on('message', (message: unknown, handle: unknown) => {
    if (!isPrimaryMessage(message)) return;
    if (message.type === 'clawgress:bundle') {
      const applied = gateway.applyBundle(message.bundle);
      if (applied.ok) void send({ type: 'clawgress:bundle-applied', version: applied.version }).catch(() => undefined);
      if (gateway.holder.current !== null) firstBundle();
    } else if (message.type === 'clawgress:listen-handle') {
      if (typeof handle === 'object' && handle !== null) handles.push(handle);
      if (handles.length === message.count) allHandles(handles);
    } else if (message.type === 'clawgress:load-query') {
      void send({ type: 'clawgress:load', round: message.round, connections: gateway.connections() }).catch(() => undefined);
    } else if (message.type === 'clawgress:shed') {
      gateway.shed(message.count);
    } else if (message.type === 'clawgress:metrics-request') {
      void snapshotMetrics(metrics).then((snapshot) => send({ type: 'clawgress:metrics', id: message.id, metrics: snapshot })).catch(() => undefined);
    } else {
      process.kill(process.pid, 'SIGTERM');
    }
  });
  // The primary is gone (crashed or killed): nobody would take our audit events any more.
  process.on('disconnect', () => {
    logger.error('lost the primary process: stopping');
    void gateway.close(0).finally(() => process.exit(1));
  });
  onStopSignals(logger, stop);
  // Ask only now that the listener above is attached, and listen only once a verified bundle
  // is in force, so this worker never answers a request without one.
  await send({ type: 'clawgress:bundle-request' });
  await bundled;
  await send({ type: 'clawgress:listen-request' });
  const address = await gateway.listenOnHandles(await handed);
  await send({ type: 'clawgress:listening', port: address.port });
}
