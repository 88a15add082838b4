import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Quota } from '../core/index.js';
import { quotaOutcome } from './quota-check.js';

const hard: Quota = { agent_id: 'a1', rps_limit: 10, rpm_limit: 100, mode: 'hard_stop' };
const alert: Quota = { ...hard, mode: 'alert_only' };
const over = { kind: 'exceeded', limit: 'rps_limit', retryAfterSeconds: 1 } as const;
const down = { kind: 'unavailable', error: 'connection refused' } as const;

describe('quotaOutcome', () => {
  const cases: [string, Quota, Parameters<typeof quotaOutcome>[1], 'fail_open' | 'fail_closed', unknown][] = [
    ['within the limit passes', hard, { kind: 'within' }, 'fail_closed', { kind: 'pass' }],
    ['hard_stop over the limit is refused with Retry-After', hard, over, 'fail_closed',
      { kind: 'refuse', reason: 'rate limit rps_limit 10 exceeded for agent `a1`', retryAfterSeconds: 1 }],
    ['alert_only over the limit passes, marked', alert, over, 'fail_closed',
      { kind: 'alert', note: 'rps_limit 10 exceeded for agent `a1` (alert_only)', limit: 'rps_limit' }],
    ['hard_stop with the backend down and fail_closed is refused', hard, down, 'fail_closed',
      { kind: 'refuse', reason: 'rate limit backend unavailable: connection refused (fail_closed)', retryAfterSeconds: 1 }],
    ['hard_stop with the backend down and fail_open passes, marked', hard, down, 'fail_open',
      { kind: 'alert', note: 'rate limit backend unavailable: connection refused', limit: 'backend' }],
    ['alert_only with the backend down always passes', alert, down, 'fail_closed',
      { kind: 'alert', note: 'rate limit backend unavailable: connection refused', limit: 'backend' }],
  ];
  for (const [name, quota, verdict, failMode, expected] of cases) {
    it(name, () => assert.deepEqual(quotaOutcome(quota, verdict, failMode), expected));
  }
});
