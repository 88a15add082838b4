// Audit: the event builder, the bounded per-sink queue and the JSON-lines sink (SPEC §6).
export { buildAuditEvent, type AuditInput } from './event.js';
export type { AuditSink } from './sink.js';
export { AuditQueue, type AuditQueueOptions, type AuditDropReason } from './queue.js';
export { createJsonLinesSink } from './json-lines-sink.js';
export { createHttpSink, type HttpSinkOptions } from './http-sink.js';
export { withLinger } from './linger-sink.js';
