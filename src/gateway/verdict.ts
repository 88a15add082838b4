// One place turns a pipeline verdict into the exchange's audit fields and, for a refusal,
// the answer to send. Shared by plain requests (forward.ts) and tunnels (tunnel.ts).
import type { Destination } from '../core/index.js';
import type { AlertLimit } from '../quota/index.js';
import type { GatewayContext } from './context.js';
import type { Exchange } from './exchange.js';
import { authorize, type Verdict } from './pipeline.js';
import type { GatewayAnswer } from './respond.js';

const NO_BUNDLE = 'gateway has no verified policy bundle';

/**
 * Bind the exchange to the bundle in force and the request's target, then run the pipeline;
 * `done` gets the verdict. Returns instead the 503 to send when no verified bundle is in force
 * yet (the caller answers in its own medium: an HTTP response or a CONNECT socket).
 */
export function startDecision(
  ctx: GatewayContext,
  exchange: Exchange,
  request: {
    readonly authorization: string | undefined;
    readonly target: { ok: true; destination: Destination } | { ok: false; error: string };
    readonly badTarget: string;
  },
  done: (verdict: Verdict) => void,
): GatewayAnswer | null {
  const bundle = ctx.holder.current;
  if (bundle === null) {
    exchange.reason = NO_BUNDLE;
    return { status: 503, error: NO_BUNDLE, decision: 'deny', policyId: null, requestId: exchange.requestId };
  }
  exchange.bundleVersion = bundle.version;
  const { target } = request;
  if (target.ok) exchange.destination = target.destination;
  authorize(
    {
      bundle,
      guard: ctx.guard,
      quota: ctx.quota,
      authorization: request.authorization,
      destination: target.ok ? target.destination : null,
      badTarget: request.badTarget,
    },
    done,
  );
  return null;
}

/** Fill the exchange from the verdict; return the answer to send, or null to go on and dial. */
export function applyVerdict(ctx: GatewayContext, exchange: Exchange, verdict: Verdict): GatewayAnswer | null {
  exchange.identity = verdict.identity;
  if (verdict.ok) {
    exchange.decision = 'allow';
    exchange.policyId = verdict.policy.policy_id;
    exchange.reason = verdict.policy.reason;
    if (verdict.quota.kind === 'alert') {
      exchange.reason = `${exchange.reason}: ${verdict.quota.note}`;
      alertOverLimit(ctx, verdict.identity.agent_id, verdict.quota.limit, verdict.quota.note);
    }
    return null;
  }
  exchange.decision = verdict.decision;
  exchange.policyId = verdict.policyId;
  exchange.reason = verdict.reason;
  if (verdict.decision === 'rate_limited') ctx.metrics.quotaExceeded.inc({ mode: 'hard_stop' });
  return {
    status: verdict.status,
    error: verdict.reason,
    decision: verdict.decision === 'allow' ? null : verdict.decision,
    policyId: verdict.policyId,
    requestId: exchange.requestId,
    ...(verdict.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: verdict.retryAfterSeconds }),
  };
}

/** alert_only: counted here every time; the line is logged by the reporter, which throttles it. */
function alertOverLimit(ctx: GatewayContext, agentId: string, limit: AlertLimit, note: string): void {
  ctx.metrics.quotaExceeded.inc({ mode: 'alert_only' });
  ctx.reportQuotaAlert(agentId, limit, note);
}
