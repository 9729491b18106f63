import type { JobState } from '@tollgate/shared';

/** The contract's job states, in lifecycle order (a local list: importing the zod enum would ship zod). */
export const JOB_STATE_LIST = [
  'waiting',
  'delayed',
  'active',
  'completed',
  'failed',
] as const satisfies readonly JobState[];

// Fails to compile if shared/ adds a state this list does not have.
const _allStates: Record<JobState, true> = {
  waiting: true,
  delayed: true,
  active: true,
  completed: true,
  failed: true,
};
void _allStates;
