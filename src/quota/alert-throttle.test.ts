import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AlertThrottle } from './alert-throttle.js';

it('logs an agent\'s alert once per limit window, per limit', () => {
  const throttle = new AlertThrottle();
  assert.equal(throttle.shouldLog('a', 'rps_limit', 0), true);
  assert.equal(throttle.shouldLog('a', 'rps_limit', 999), false);
  assert.equal(throttle.shouldLog('a', 'rpm_limit', 999), true, 'another limit is another line');
  assert.equal(throttle.shouldLog('b', 'rps_limit', 999), true, 'another agent is another line');
  assert.equal(throttle.shouldLog('a', 'rps_limit', 1_000), true);
  assert.equal(throttle.shouldLog('a', 'rpm_limit', 59_999), false);
  assert.equal(throttle.shouldLog('a', 'rpm_limit', 60_999), true);
});
