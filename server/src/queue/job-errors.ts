/** An active job is locked by its worker and cannot be removed. */
export class JobActiveError extends Error {
  override readonly name = 'JobActiveError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is running and cannot be removed`);
  }
}
