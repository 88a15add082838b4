// The decision pipeline, in the order of src/gateway/README.md:
//   credentials 407 → disabled 403 → policy 403 → (quota 429) → address guard 403 → dial.
// Each phase is synchronous when its answer is in memory; only an uncached JWT or a DNS
// lookup continues asynchronously. The verdict is delivered through a callback so the
// common path allocates no promise.
import type { Destination, Identity, PolicyDecision } from '../core/index.js';
import type { IdentityResult } from '../identity/index.js';
import { decide } from '../policy/index.js';
import type { AddressGuard, GuardResult, ResolvedAddress } from './address-guard.js';
import type { ActiveBundle } from './bundle-holder.js';
import type { DenialKind } from './respond.js';

export type Verdict =
  | { readonly ok: true; readonly identity: Identity; readonly policy: PolicyDecision; readonly address: ResolvedAddress }
  | {
      readonly ok: false;
      readonly identity: Identity | null;
      readonly decision: DenialKind | 'allow';
      readonly status: number;
      readonly policyId: string | null;
      readonly reason: string;
    };

export interface PipelineInput {
  readonly bundle: ActiveBundle;
  readonly guard: AddressGuard;
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
  const guarded = input.guard.check(input.destination.host);
  if (guarded instanceof Promise) {
    guarded.then(
      (g) => done(afterGuard(identity, policy, g)),
      () => done(afterGuard(identity, policy, { ok: false, kind: 'unresolvable', reason: 'address check failed' })),
    );
  } else {
    done(afterGuard(identity, policy, guarded));
  }
}

function afterGuard(identity: Identity, policy: PolicyDecision, guarded: GuardResult): Verdict {
  if (guarded.ok) return { ok: true, identity, policy, address: guarded.address };
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
