import { pino } from 'pino';
import { systemClock } from '../clock.js';
import { describeJobQueueContract } from './job-queue.contract.js';
import { createMemoryJobQueue } from './memory-job-queue.js';

describeJobQueueContract('memory', (kinds, policy) => {
  const queue = createMemoryJobQueue({
    kinds,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    policy,
    watchPollMs: 200,
  });
  return Promise.resolve({ queue, cleanup: () => queue.close() });
});
