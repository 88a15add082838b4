// The audit work of one request on the hot path: build the event, hand it to the bounded
// queue. With a null sink that is the queue's own cost; with the JSON-lines sink writing to
// /dev/null it adds the serialisation that `serve` does for stdout.

import { createWriteStream } from 'node:fs';
import type { AuditRecord } from '../../src/core/index.js';
import { AuditQueue, buildAuditEvent, createJsonLinesSink, type AuditInput, type AuditSink } from '../../src/audit/index.js';
import { timeSync, type MicroResult } from './timing.js';

const CHUNK = 1_000; // events enqueued before waiting for the queue to drain (a tenth of its capacity)
const CHUNKS = 200;

function inputFor(n: number): AuditInput {
  return {
    request_id: `req-${n}`,
    timestampMs: 1_767_225_600_000 + n,
    identity: { agent_id: 'bench-agent', team_id: 'team-000', project_id: 'project-000', environment: 'prod', auth_type: 'api_key', status: 'active' },
    destination: { scheme: 'http', host: '127.0.0.1', port: 8080, method: 'GET', path: '/1k' },
    decision: 'allow',
    policy_id: 'bench-origin',
    bundle_version: 7,
    reason: 'allowed by policy `bench-origin`',
    latency_ms: 0.123456,
    bytes_in: 0,
    bytes_out: 1024,
    status: 200,
    gateway_id: 'bench',
  };
}

/** ns per event for build + enqueue + the sink's write, draining between chunks so nothing is dropped. */
async function timeEnqueue(sink: AuditSink): Promise<{ ns: number; dropped: number }> {
  let dropped = 0;
  const queue = new AuditQueue({ sinks: [sink], capacity: 10_000, batchSize: 500, onDrop: (_sink, _reason, count) => (dropped += count) });
  let n = 0;
  for (let warm = 0; warm < 20; warm++) {
    for (let i = 0; i < CHUNK; i++) queue.enqueue(buildAuditEvent(inputFor(n++)));
    await queue.flush();
  }
  const started = process.hrtime.bigint();
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    for (let i = 0; i < CHUNK; i++) queue.enqueue(buildAuditEvent(inputFor(n++)));
    await queue.flush();
  }
  const ns = Number(process.hrtime.bigint() - started) / (CHUNK * CHUNKS);
  await queue.close();
  return { ns, dropped };
}

export async function auditBenchmarks(): Promise<MicroResult[]> {
  const group = 'audit';
  const buildNs = timeSync(200_000, (n) => buildAuditEvent(inputFor(n)));
  const nullSink: AuditSink = { name: 'null', write: (_batch: readonly AuditRecord[]) => undefined };
  const toNull = await timeEnqueue(nullSink);
  const devNull = createWriteStream('/dev/null');
  const toJsonLines = await timeEnqueue(createJsonLinesSink(devNull, 'stdout'));
  devNull.end();
  const drops = (dropped: number): string => (dropped === 0 ? 'none dropped' : `${dropped} DROPPED`);
  const queueNote = `queue 10,000, batch 500, drained every ${CHUNK}; ${drops(toNull.dropped)}`;
  const jsonNote = `the stdout sink's serialisation included; ${drops(toJsonLines.dropped)}`;
  return [
    { group, name: 'buildAuditEvent', ns_per_op: buildNs, note: 'one allow event' },
    { group, name: 'build + enqueue, null sink', ns_per_op: toNull.ns, note: queueNote },
    { group, name: 'build + enqueue + JSON lines to /dev/null', ns_per_op: toJsonLines.ns, note: jsonNote },
  ];
}
