import type { Metrics } from './metrics.js';

/** One condition for readiness, e.g. "a verified policy bundle is loaded". */
export interface ReadinessCheck {
  name: string;
  check(): { ok: boolean; detail?: string };
}

export interface HealthAnswer {
  status: number;
  body: unknown;
}

/** The health surfaces, answered the same by the admin app and by the standalone server. */
export interface Health {
  liveness(): HealthAnswer;
  readiness(): HealthAnswer;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface HealthOptions {
  metrics: Metrics;
  checks: readonly ReadinessCheck[];
  /** Replaces the registry's own text, e.g. with metrics aggregated across worker processes. */
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
}

export function createHealth(options: HealthOptions): Health {
  const { metrics, checks } = options;
  return {
    liveness: () => ({ status: 200, body: { status: 'ok' } }),
    readiness: () => answerReadiness(checks),
    metrics: options.renderMetrics ?? (async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() })),
  };
}

// Every check is listed: a passing one as its detail or `ok`, a failing one as its detail
// or `not ok`, so an operator sees all of them on one page.
function answerReadiness(checks: readonly ReadinessCheck[]): HealthAnswer {
  const results: Record<string, string> = {};
  let ready = true;
  for (const check of checks) {
    const result = runCheck(check);
    ready &&= result.ok;
    results[check.name] = result.detail ?? (result.ok ? 'ok' : 'not ok');
  }
  if (ready) return { status: 200, body: { status: 'ready', checks: results } };
  return { status: 503, body: { status: 'not_ready', checks: results } };
}

// A check that throws is a failing check, not a failing probe.
function runCheck(check: ReadinessCheck): { ok: boolean; detail?: string } {
  try {
    return check.check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, detail: `check failed: ${message}` };
  }
}
