import { it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionsToShed } from './cluster-balance.js';

it('a worker holding clearly more than the mean sheds half its excess per round; a balanced one nothing', () => {
  assert.equal(connectionsToShed(50, [50, 0]), 13);
  assert.equal(connectionsToShed(0, [50, 0]), 0);
  assert.equal(connectionsToShed(1_400, [1_400, 600]), 200);
  assert.equal(connectionsToShed(1_050, [1_050, 950]), 0, 'within a tenth of the mean');
  assert.equal(connectionsToShed(4, [4, 1]), 0, 'within a few connections');
  assert.equal(connectionsToShed(30, [30]), 0, 'one worker has nobody to balance with');
});
