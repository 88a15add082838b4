// The forked side of the IPC quota benchmark: a MemoryLimiter answering like a cluster primary.
import { systemClock } from '../../src/core/index.js';
import { isQuotaRequest, LeaseBroker, MemoryLimiter } from '../../src/quota/index.js';

const broker = new LeaseBroker({ limiter: new MemoryLimiter({ clock: systemClock }), now: () => systemClock.monotonic() });
process.on('message', (message: unknown) => {
  if (isQuotaRequest(message)) process.send?.(broker.answer(0, message));
});
process.on('disconnect', () => process.exit(0));
