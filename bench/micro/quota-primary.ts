// The forked side of the IPC quota benchmark: a MemoryLimiter answering like a cluster primary.
import { systemClock } from '../../src/core/index.js';
import { answerQuotaRequest, isQuotaRequest, MemoryLimiter } from '../../src/quota/index.js';

const memory = new MemoryLimiter({ clock: systemClock });
process.on('message', (message: unknown) => {
  if (isQuotaRequest(message)) void answerQuotaRequest(memory, message).then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0));
