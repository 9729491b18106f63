import { InvalidInputError } from '../errors.js';

/**
 * Where a job sits in a newest-first listing: its sort score (createdAt × 1000 plus a per-process
 * sequence, so jobs created in the same millisecond keep their order) and its id (the last tie
 * breaker, as Redis orders equal scores of a ZRANGE … REV by member, descending).
 */
export interface ListPosition {
  score: number;
  id: string;
}

const SEQUENCE_SPAN = 1000;
let sequence = 0;

/** A sort score for a job created at `createdAt` (epoch ms); exact as a double until year 2255. */
export function scoreOf(createdAt: number): number {
  sequence = (sequence + 1) % SEQUENCE_SPAN;
  return createdAt * SEQUENCE_SPAN + sequence;
}

/** The lowest score of jobs created at `createdAt` or later. */
export function scoreFloor(createdAt: number): number {
  return createdAt * SEQUENCE_SPAN;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.score, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [score, id] = value as [unknown, unknown];
      if (typeof score === 'number' && Number.isSafeInteger(score) && typeof id === 'string' && id !== '') {
        return { score, id };
      }
    }
  } catch {
    // fall through
  }
  throw new InvalidInputError('Invalid cursor', [
    { path: 'cursor', message: 'is not a cursor returned by a previous page' },
  ]);
}

/** True when `entry` comes after `position` in newest-first order. */
export function isAfter(entry: ListPosition, position: ListPosition): boolean {
  return entry.score < position.score || (entry.score === position.score && entry.id < position.id);
}

/** Newest first; equal scores by id descending. */
export function newestFirst(a: ListPosition, b: ListPosition): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
