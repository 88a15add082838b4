import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionCensus, connectionsToShed } from './cluster-balance.js';

it('a worker holding clearly more than the mean sheds half its excess per round; a balanced one nothing', () => {
  assert.equal(connectionsToShed(50, [50, 0]), 13);
  assert.equal(connectionsToShed(0, [50, 0]), 0);
  assert.equal(connectionsToShed(1_400, [1_400, 600]), 200);
  assert.equal(connectionsToShed(1_050, [1_050, 950]), 0, 'within a tenth of the mean');
  assert.equal(connectionsToShed(4, [4, 1]), 0, 'within a few connections');
  assert.equal(connectionsToShed(30, [30]), 0, 'one worker has nobody to balance with');
});

describe('ConnectionCensus', () => {
  it('decides once every worker asked has answered, from that one round of counts', () => {
    const census = new ConnectionCensus<string>();
    const round = census.begin(['a', 'b']);
    assert.equal(census.answer('a', round, 19), null, 'b has not answered: nobody is judged against a count it never gave');
    assert.deepEqual(census.answer('b', round, 21), new Map([['a', 0], ['b', 0]]));
    assert.equal(census.answer('b', round, 21), null, 'the round is over');
  });

  it('tells each worker its own share to shed', () => {
    const census = new ConnectionCensus<string>();
    const round = census.begin(['a', 'b', 'c']);
    census.answer('c', round, 10);
    census.answer('a', round, 50);
    assert.deepEqual(census.answer('b', round, 0), new Map([['c', 0], ['a', 15], ['b', 0]]));
  });

  it('ignores answers to an older round, from a worker not asked, and that are not counts', () => {
    const census = new ConnectionCensus<string>();
    const first = census.begin(['a', 'b']);
    census.answer('a', first, 40);
    const second = census.begin(['a', 'b']);
    assert.equal(census.answer('b', first, 0), null, 'late answer to the round before');
    assert.equal(census.answer('c', second, 0), null, 'not asked');
    assert.equal(census.answer('a', second, -1), null);
    assert.equal(census.answer('a', second, 1.5), null);
    assert.equal(census.answer('a', second, 20), null, "a's answer to the first round does not carry over");
    assert.deepEqual(census.answer('b', second, 20), new Map([['a', 0], ['b', 0]]));
  });

  it('a round that lost a worker decides nothing, and the next one goes on without it', () => {
    const census = new ConnectionCensus<string>();
    const lost = census.begin(['a', 'b']);
    assert.equal(census.answer('a', lost, 30), null);
    const next = census.begin(['a', 'c']);
    census.answer('a', next, 30);
    assert.deepEqual(census.answer('c', next, 0), new Map([['a', 8], ['c', 0]]));
  });
});
