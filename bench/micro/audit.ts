// The audit work of one request on the hot path: build the event, hand it to the bounded
// queue. With a null sink that is the queue's own cost; with the JSON-lines sink writing to
// /dev/null it adds the serialisation that `serve` does for stdout. Then the work per event
// where a cluster's events converge: the IPC message from a worker (sent and read, as
// positional tuples and, for comparison, as the objects they replaced), and sealing into the
// hash chain with the record's text.

import { createWriteStream } from 'node:fs';
import { recordJson, type AuditEvent, type AuditRecord } from '../../src/core/index.js';
import {
  AuditQueue,
  buildAuditEvent,
  createJsonLinesSink,
  packEvent,
  sealEvent,
  unpackEvent,
  type AuditInput,
  type AuditSink,
  type WireEvent,
} from '../../src/audit/index.js';
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

// Events in one IPC message. A worker's 20 ms linger gathers 100-200 at the bench's rates; the cost
// per event measured the same at 50 as at 400.
const IPC_BATCH = 400;

/** ns per event to write (JSON.stringify, as Node's IPC channel does) and read back a batch. */
function timeIpc(encode: (event: AuditEvent) => unknown, decode: (wire: WireEvent) => AuditEvent): { sendNs: number; receiveNs: number } {
  const batch = Array.from({ length: IPC_BATCH }, (_, i) => buildAuditEvent(inputFor(i)));
  const message = (): string => `${JSON.stringify({ type: 'clawgress:audit', events: batch.map(encode) })}\n`;
  const text = message();
  const sendNs = timeSync(500, () => message().length) / IPC_BATCH;
  const receiveNs = timeSync(500, () => (JSON.parse(text) as { events: WireEvent[] }).events.map(decode).length) / IPC_BATCH;
  return { sendNs, receiveNs };
}

export async function auditBenchmarks(): Promise<MicroResult[]> {
  const group = 'audit';
  const buildNs = timeSync(200_000, (n) => buildAuditEvent(inputFor(n)));
  const nullSink: AuditSink = { name: 'null', write: (_batch: readonly AuditRecord[]) => undefined };
  const toNull = await timeEnqueue(nullSink);
  const devNull = createWriteStream('/dev/null');
  const toJsonLines = await timeEnqueue(createJsonLinesSink(devNull, 'stdout'));
  devNull.end();
  const tuples = timeIpc(packEvent, unpackEvent);
  const objects = timeIpc((event) => event, (wire) => wire as AuditEvent);
  const events = Array.from({ length: 1_000 }, (_, i) => buildAuditEvent(inputFor(i)));
  const prev = `sha256:${'0'.repeat(64)}`;
  const sealNs = timeSync(100_000, (n) => recordJson(sealEvent(events[n % events.length] as AuditEvent, prev)).length);
  const drops = (dropped: number): string => (dropped === 0 ? 'none dropped' : `${dropped} DROPPED`);
  const queueNote = `queue 10,000, batch 500, drained every ${CHUNK}; ${drops(toNull.dropped)}`;
  const jsonNote = `the stdout sink's serialisation included; ${drops(toJsonLines.dropped)}`;
  return [
    { group, name: 'buildAuditEvent', ns_per_op: buildNs, note: 'one allow event' },
    { group, name: 'build + enqueue, null sink', ns_per_op: toNull.ns, note: queueNote },
    { group, name: 'build + enqueue + JSON lines to /dev/null', ns_per_op: toJsonLines.ns, note: jsonNote },
    { group, name: 'worker IPC send, tuples', ns_per_op: tuples.sendNs, note: `pack + JSON.stringify, per event of a ${IPC_BATCH}-event message` },
    { group, name: 'worker IPC send, objects', ns_per_op: objects.sendNs, note: 'the same as objects (before tuples)' },
    { group, name: 'primary IPC read, tuples', ns_per_op: tuples.receiveNs, note: 'JSON.parse + unpack, per event' },
    { group, name: 'primary IPC read, objects', ns_per_op: objects.receiveNs, note: 'JSON.parse, per event (before tuples)' },
    { group, name: 'seal + record text', ns_per_op: sealNs, note: 'hash-chain link, SHA-256 and the JSON text stdout and the store write' },
  ];
}
