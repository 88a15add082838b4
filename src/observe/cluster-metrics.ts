// Worker processes each keep their own registry; the primary answers /metrics with the sum
// over all of them (gauges use their declared aggregator, e.g. bundle version = min).
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Metrics } from './metrics.js';

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** What a worker sends the primary when asked. */
export function snapshotMetrics(metrics: Metrics): Promise<MetricsSnapshot> {
  return metrics.registry.getMetricsAsJSON() as Promise<MetricsSnapshot>;
}

export async function renderAggregated(primary: Metrics, workers: readonly MetricsSnapshot[]): Promise<{ contentType: string; body: string }> {
  const own = await snapshotMetrics(primary);
  const registry = AggregatorRegistry.aggregate([own, ...workers]);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
