// The decision pipeline, in the order of src/gateway/README.md:
//   credentials 407 → disabled 403 → policy 403 → quota 429 → address guard 403 → dial.
// Each phase is synchronous when its answer is in memory; only an uncached JWT or a DNS
// lookup continues asynchronously. The verdict is delivered through a callback so the
// common path allocates no promise.
import type { Destination, Identity, PolicyDecision } from '../core/index.js';
import type { IdentityResult } from '../identity/index.js';
import { decide } from '../policy/index.js';
import { PASS, quotaOutcome, type FailMode, type Limiter, type QuotaOutcome } from '../quota/index.js';
import type { AddressGuard, GuardResult, ResolvedAddress } from './address-guard.js';
import type { ActiveBundle } from './bundle-holder.js';
import type { DenialKind } from './respond.js';

export type Verdict =
  | {
      readonly ok: true;
      readonly identity: Identity;
      readonly policy: PolicyDecision;
      readonly address: ResolvedAddress;
      /** `pass`, or `alert` when the request goes through over an alert_only limit. */
      readonly quota: QuotaOutcome;
    }
  | {
      readonly ok: false;
      readonly identity: Identity | null;
      readonly decision: DenialKind | 'allow';
      readonly status: number;
      readonly policyId: string | null;
      readonly reason: string;
      readonly retryAfterSeconds?: number;
    };

export interface QuotaEnforcement {
  readonly limiter: Limiter;
  readonly failMode: FailMode;
}

export interface PipelineInput {
  readonly bundle: ActiveBundle;
  readonly guard: AddressGuard;
  readonly quota: QuotaEnforcement;
  readonly authorization: string | undefined;
  /** Null when the request target could not be parsed: identity is still checked first. */
  readonly destination: Destination | null;
  readonly badTarget: string;
}

export function authorize(input: PipelineInput, done: (verdict: Verdict) => void): void {
  const identity = input.bundle.identities.resolve(input.authorization);
  if (identity instanceof Promise) {
    identity.then(
      (result) => afterIdentity(input, result, done),
      () => done(unauthenticated('credentials could not be verified')),
    );
  } else {
    afterIdentity(input, identity, done);
  }
}

function afterIdentity(input: PipelineInput, result: IdentityResult, done: (verdict: Verdict) => void): void {
  if (!result.ok) {
    if (result.outcome === 'unauthenticated') return done(unauthenticated(result.reason));
    return done(denied(result.identity, { status: 403, policyId: null, reason: result.reason }));
  }
  const identity = result.identity;
  if (input.destination === null) {
    return done(denied(identity, { status: 400, policyId: null, reason: input.badTarget }));
  }
  const policy = decide(input.bundle.policies, identity, input.destination);
  if (policy.decision === 'deny') {
    return done(denied(identity, { status: 403, policyId: policy.policy_id, reason: policy.reason }));
  }
  const host = input.destination.host;
  const quota = input.bundle.quotas.get(identity.agent_id);
  // Fast path: an agent without a quota never touches the limiter.
  if (quota === undefined) return afterQuota(input.guard, host, { identity, policy, quota: PASS }, done);
  const verdict = input.quota.limiter.take(identity.agent_id, { rps: quota.rps_limit, rpm: quota.rpm_limit });
  if (verdict instanceof Promise) {
    verdict.then(
      (v) => afterQuota(input.guard, host, { identity, policy, quota: quotaOutcome(quota, v, input.quota.failMode) }, done),
      (error: unknown) => {
        const unavailable = { kind: 'unavailable' as const, error: String(error) };
        afterQuota(input.guard, host, { identity, policy, quota: quotaOutcome(quota, unavailable, input.quota.failMode) }, done);
      },
    );
  } else {
    afterQuota(input.guard, host, { identity, policy, quota: quotaOutcome(quota, verdict, input.quota.failMode) }, done);
  }
}

interface Admitted {
  readonly identity: Identity;
  readonly policy: PolicyDecision;
  readonly quota: QuotaOutcome;
}

function afterQuota(guard: AddressGuard, host: string, admitted: Admitted, done: (verdict: Verdict) => void): void {
  const { identity, quota } = admitted;
  if (quota.kind === 'refuse') {
    return done({
      ok: false, identity, decision: 'rate_limited', status: 429, policyId: null,
      reason: quota.reason, retryAfterSeconds: quota.retryAfterSeconds,
    });
  }
  const guarded = guard.check(host);
  if (guarded instanceof Promise) {
    guarded.then(
      (g) => done(afterGuard(admitted, g)),
      () => done(afterGuard(admitted, { ok: false, kind: 'unresolvable', reason: 'address check failed' })),
    );
  } else {
    done(afterGuard(admitted, guarded));
  }
}

function afterGuard(admitted: Admitted, guarded: GuardResult): Verdict {
  const { identity, policy } = admitted;
  if (guarded.ok) return { ok: true, identity, policy, address: guarded.address, quota: admitted.quota };
  if (guarded.kind === 'internal') return denied(identity, { status: 403, policyId: null, reason: guarded.reason });
  // Policy allowed it but the name does not resolve: a dial failure, not a denial.
  return { ok: false, identity, decision: 'allow', status: 502, policyId: policy.policy_id, reason: guarded.reason };
}

function unauthenticated(reason: string): Verdict {
  return { ok: false, identity: null, decision: 'unauthenticated', status: 407, policyId: null, reason };
}

function denied(identity: Identity, options: { status: number; policyId: string | null; reason: string }): Verdict {
  return { ok: false, identity, decision: 'deny', ...options };
}
