import { TRPCError } from '@trpc/server';
import { InvalidInputError } from '../../errors.js';
import { JobActiveError } from '../../queue/job-errors.js';

export function jobNotFound(id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No job with id ${id}` });
}

/** Queue errors a caller can act on, as tRPC codes; anything else passes through. */
export async function mapJobErrors<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof InvalidInputError) throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
    if (error instanceof JobActiveError) throw new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
    throw error;
  }
}
