// Quota: per-agent rate limits (SPEC §4). Pure decision code plus the limiter backends;
// the clock and the IPC channel are injected.
export { type Limiter, type QuotaLimits, type QuotaVerdict, WINDOW_MS, retryAfterSeconds } from './limiter.js';
export { SlidingLog } from './sliding-log.js';
export { MemoryLimiter } from './memory-limiter.js';
export { RedisLimiter, type RedisLimiterOptions } from './redis-limiter.js';
export { LeaseBroker } from './lease-broker.js';
export {
  IpcLimiter,
  isQuotaRequest,
  LEASE_MS,
  LEASE_SIZE,
  MAX_LEASE_SIZE,
  type LeaseSettlement,
  type LeaseRequest,
  type QuotaAsk,
  type QuotaChannel,
  type QuotaReplyMessage,
  type QuotaRequestMessage,
} from './ipc-limiter.js';
export { quotaOutcome, PASS, type FailMode, type QuotaOutcome } from './quota-check.js';
export { AlertThrottle, type AlertLimit } from './alert-throttle.js';
