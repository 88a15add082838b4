// The cluster primary of `serve --workers N`: the control side (admin API, store, audit
// queue) plus the shared rate-limit counters, and N forked gateway workers on one port.
import cluster, { type Worker } from 'node:cluster';
import { formatHostPort, type Config } from '../config/index.js';
import { createMetrics, renderAggregated, type Logger, type Metrics, type MetricsSnapshot } from '../observe/index.js';
import { systemClock } from '../core/index.js';
import { quotaAlertLogger } from '../gateway/index.js';
import { answerQuotaRequest, isQuotaRequest, type AlertLimit, type Limiter } from '../quota/index.js';
import { isWorkerMessage, type PrimaryToWorker, type WorkerToPrimary } from './cluster-messages.js';
import { adminPort, onStopSignals } from './serve.js';
import { printBanner, startControlSide, stopControlSide, type ControlSide } from './serve-control.js';
import { createLimiter } from './serve-gateway.js';

interface WorkerState {
  port: number | null;
  bundleVersion: number;
}

const RESTART_DELAY_MS = 1_000;
const METRICS_TIMEOUT_MS = 1_000;

export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const metrics = createMetrics();
  const states = new Map<Worker, WorkerState>();
  const metricsReplies = new Map<number, (snapshot: MetricsSnapshot) => void>();
  const side = await startControlSide({
    config, logger, metrics,
    readiness: [{ name: 'gateway_workers', check: () => workersReady(states, config.workers, side?.control.currentBundle().manifest.version ?? 0) }],
    renderMetrics: () => collectMetrics(metrics, states, metricsReplies),
  });
  const limiter = createLimiter(config, 'primary');
  const reportQuotaAlert = quotaAlertLogger(logger.child({ component: 'gateway' }), systemClock);
  metrics.bundleVersion.set(side.control.currentBundle().manifest.version);
  const unsubscribe = side.control.onBundle((bundle) => {
    metrics.bundleVersion.set(bundle.manifest.version);
    for (const worker of states.keys()) tell(worker, { type: 'clawgress:bundle', bundle });
  });
  let stopping = false;
  const allListening = new Promise<number>((resolve) => {
    cluster.on('message', (worker: Worker, message: unknown) => {
      onWorkerMessage({ side, limiter, reportQuotaAlert, states, metricsReplies, worker, message });
      const ports = [...states.values()].map((s) => s.port);
      if (ports.length === config.workers && ports.every((p) => p !== null)) resolve(ports[0] as number);
    });
  });
  cluster.on('exit', (worker, code, signal) => {
    const port = states.get(worker)?.port;
    const wasListening = port !== null && port !== undefined;
    states.delete(worker);
    if (stopping) return;
    if (!wasListening) {
      logger.fatal({ code, signal }, 'a gateway worker failed to start');
      process.exit(1);
    }
    logger.error({ code, signal, pid: worker.process.pid }, 'gateway worker exited: starting a new one');
    setTimeout(() => !stopping && fork(states), RESTART_DELAY_MS);
  });
  for (let i = 0; i < config.workers; i++) fork(states);
  const proxyPort = await allListening;
  printBanner({
    proxy: formatHostPort({ host: config.gatewayListen.host, port: proxyPort }),
    admin: formatHostPort({ host: config.adminListen.host, port: adminPort(side.admin.server.address(), config) }),
    newAdminToken: side.secrets.newAdminToken,
    dataDir: config.dataDir,
    workers: config.workers,
  });
  onStopSignals(logger, async () => {
    stopping = true;
    unsubscribe();
    await side.admin.close();
    await stopWorkers(states, config.shutdownGrace);
    await limiter.close();
    await stopControlSide(side, config.shutdownGrace);
  });
}

function fork(states: Map<Worker, WorkerState>): void {
  states.set(cluster.fork(), { port: null, bundleVersion: 0 });
}

function tell(worker: Worker, message: PrimaryToWorker): void {
  if (worker.isConnected()) worker.send(message);
}

function onWorkerMessage(ctx: {
  side: ControlSide;
  limiter: Limiter;
  reportQuotaAlert: (agentId: string, limit: AlertLimit, note: string) => void;
  states: Map<Worker, WorkerState>;
  metricsReplies: Map<number, (snapshot: MetricsSnapshot) => void>;
  worker: Worker;
  message: unknown;
}): void {
  const { worker, message } = ctx;
  if (isQuotaRequest(message)) {
    void answerQuotaRequest(ctx.limiter, message).then((reply) => worker.isConnected() && worker.send(reply));
    return;
  }
  if (!isWorkerMessage(message)) return;
  handleWorkerMessage(ctx, message);
}

function handleWorkerMessage(
  ctx: {
    side: ControlSide;
    states: Map<Worker, WorkerState>;
    metricsReplies: Map<number, (s: MetricsSnapshot) => void>;
    worker: Worker;
    reportQuotaAlert: (agentId: string, limit: AlertLimit, note: string) => void;
  },
  message: WorkerToPrimary,
): void {
  const state = ctx.states.get(ctx.worker);
  switch (message.type) {
    case 'clawgress:bundle-request':
      return tell(ctx.worker, { type: 'clawgress:bundle', bundle: ctx.side.control.currentBundle() });
    case 'clawgress:listening':
      if (state) state.port = message.port;
      return;
    case 'clawgress:bundle-applied':
      if (state) state.bundleVersion = Math.max(state.bundleVersion, message.version);
      return;
    case 'clawgress:audit':
      // Drops (primary queue full) are counted by the queue itself.
      for (const event of message.events) ctx.side.audit.enqueue(event);
      return;
    case 'clawgress:quota-alert':
      return ctx.reportQuotaAlert(message.agent_id, message.limit, message.note);
    case 'clawgress:metrics':
      ctx.metricsReplies.get(message.id)?.(message.metrics as MetricsSnapshot);
      return;
  }
}

function workersReady(states: Map<Worker, WorkerState>, expected: number, published: number): { ok: boolean; detail: string } {
  const behind = [...states.values()].filter((s) => s.port === null || s.bundleVersion < 1);
  const ok = states.size === expected && behind.length === 0;
  const versions = [...states.values()].map((s) => s.bundleVersion).join(',');
  return { ok, detail: `${states.size}/${expected} workers, bundle versions [${versions}], published ${published}` };
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

/** Ask every worker to drain, wait for them to exit, and cut what is left after the grace. */
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
