// One Exchange per request or tunnel: it carries what the audit record needs and records it
// exactly once, however the request ends (answered, forwarded, failed, client gone).
import type { AuditEvent, Clock, DecisionKind, Destination, Identity } from '../core/index.js';
import { newRequestId } from '../core/index.js';
import { buildAuditEvent } from '../audit/index.js';
import type { Metrics } from '../observe/index.js';

export interface ExchangeSinks {
  readonly clock: Clock;
  readonly gatewayId: string;
  readonly metrics: Metrics;
  readonly enqueue: (event: AuditEvent) => boolean;
}

const UNKNOWN_DESTINATION: Destination = { scheme: 'http', host: '', port: 0, method: '', path: '' };

export class Exchange {
  readonly requestId: string;
  readonly #sinks: ExchangeSinks;
  readonly #startWall: number;
  readonly #startMono: number;
  #addedMs = -1;
  #recorded = false;

  identity: Identity | null = null;
  destination: Destination = UNKNOWN_DESTINATION;
  // Until a verdict says otherwise: nothing was forwarded. An agent that hangs up before its
  // verdict arrives (an uncached JWT, a DNS lookup) leaves exactly this record.
  decision: DecisionKind = 'deny';
  policyId: string | null = null;
  bundleVersion: number | null = null;
  reason = 'the agent closed the connection before a decision was made';
  status: number | null = null;
  bytesIn = 0;
  bytesOut = 0;

  constructor(sinks: ExchangeSinks) {
    this.#sinks = sinks;
    this.#startWall = sinks.clock.now();
    this.#startMono = sinks.clock.monotonic();
    this.requestId = newRequestId(this.#startWall);
  }

  /** Mark the moment the gateway's own work ends (request handed upstream, or answer sent):
   *  latency_ms is the time the gateway added, not the upstream's time. */
  markHandedOff(): void {
    if (this.#addedMs < 0) this.#addedMs = this.#sinks.clock.monotonic() - this.#startMono;
  }

  /** INVARIANT: called once per exchange; later calls are ignored, so every path may call it. */
  record(): void {
    if (this.#recorded) return;
    this.#recorded = true;
    this.markHandedOff();
    this.#sinks.metrics.countRequest(this.decision);
    this.#sinks.enqueue(
      buildAuditEvent({
        request_id: this.requestId,
        timestampMs: this.#startWall,
        identity: this.identity,
        destination: this.destination,
        decision: this.decision,
        policy_id: this.policyId,
        bundle_version: this.bundleVersion,
        reason: this.reason,
        latency_ms: Math.round(this.#addedMs * 1000) / 1000,
        bytes_in: this.bytesIn,
        bytes_out: this.bytesOut,
        status: this.status,
        gateway_id: this.#sinks.gatewayId,
      }),
    );
  }
}
