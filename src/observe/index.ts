// Observe: the process log (pino, secrets redacted), Prometheus metrics and health surfaces.
export { createLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { createHealth, type Health, type HealthAnswer, type HealthOptions, type ReadinessCheck } from './health.js';
export { createHealthServer } from './health-server.js';
export { renderAggregated, snapshotMetrics, type MetricsSnapshot } from './cluster-metrics.js';
