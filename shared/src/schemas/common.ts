import { z } from 'zod';

/** Epoch milliseconds. */
export const epochMsSchema = z.number().int().nonnegative();

/** Opaque pagination cursor returned by list procedures. */
export const cursorSchema = z.string().min(1).max(200);

export const pageLimitSchema = z.number().int().min(1).max(100);

/** Values nested deeper than this are refused with BAD_REQUEST. */
export const MAX_JSON_DEPTH = 256;

/** Depth of a JSON-like value: a scalar is 0, `[]`/`{}` are 1, `[[1]]` is 2. Iterative: never overflows the stack. */
export function jsonDepth(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > max) {
      max = level;
      if (max > stopAbove) return max;
    }
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push([child, level]);
  }
  return max;
}

/** A JSON value no deeper than {@link MAX_JSON_DEPTH}. */
export const boundedJsonSchema = z.unknown().superRefine((value, ctx) => {
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    ctx.addIssue({ code: 'custom', message: `Value is nested deeper than ${MAX_JSON_DEPTH} levels` });
  }
});
