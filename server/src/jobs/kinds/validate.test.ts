import { afterAll, describe, expect, it } from 'vitest';
import { validationJobResultSchema } from '@tollgate/shared';
import { createValidationService } from '../../validation/validation-service.js';
import { nested, POISON_SCHEMA } from '../../test-support/hostile-inputs.js';
import { isUnrecoverable } from '../job-kind.js';
import { validateKind } from './validate.js';

const validation = createValidationService({ threads: 2, budgetMs: 1000, jobBudgetMs: 1500 });
const kind = validateKind(validation);
afterAll(() => validation.close());

function run(data: unknown) {
  const progress: number[] = [];
  const result = kind.run(data, {
    reportProgress: (percent) => {
      progress.push(percent);
      return Promise.resolve();
    },
  });
  return { result, progress };
}

const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
  required: ['name'],
  additionalProperties: false,
};

describe('validate job kind (pure processor)', () => {
  it('returns one result per document, in order, with totals', async () => {
    const documents = [{ name: 'a' }, { age: -1 }, { name: 'b', age: 3 }, { name: 'c', extra: true }, 'nope'];
    const { result } = run({ schema, documents });
    const value = validationJobResultSchema.parse(await result);
    expect(value).toMatchObject({ total: 5, valid: 2, invalid: 3 });
    expect(value.results.map((r) => [r.index, r.valid])).toEqual([
      [0, true],
      [1, false],
      [2, true],
      [3, false],
      [4, false],
    ]);
    expect(value.results[0]?.errors).toEqual([]);
    expect(value.results[1]?.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['(root)', '/age']));
    expect(value.results[3]?.errors[0]?.message).toMatch(/additional property 'extra'/);
  });

  it('reports at most 20 errors per document', async () => {
    const wide = { type: 'object', patternProperties: { '.*': { type: 'integer' } } };
    const document = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'x']));
    const value = validationJobResultSchema.parse(await run({ schema: wide, documents: [document] }).result);
    expect(value.results[0]?.errors).toHaveLength(20);
  });

  it('reports progress while it runs, increasing, below 100', async () => {
    const documents = Array.from({ length: 100 }, (_, i) => ({ name: `n${i}` }));
    const { result, progress } = run({ schema, documents });
    await result;
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(10);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    for (const value of progress) expect(value).toBeGreaterThan(0);
    for (const value of progress) expect(value).toBeLessThan(100);
  });

  it('fails at once (UnrecoverableError) for a schema that can never compile', async () => {
    const error: unknown = await run({ schema: { type: 'no-such-type' }, documents: [1] }).result.catch(
      (e: unknown) => e,
    );
    expect(isUnrecoverable(error)).toBe(true);
    expect((error as Error).message).toMatch(/Invalid JSON Schema/);
  });

  it('fails at once for data that is not a validation job', async () => {
    const error: unknown = await run({ documents: 'x' }).result.catch((e: unknown) => e);
    expect(isUnrecoverable(error)).toBe(true);
    expect((error as Error).message).toMatch(/Invalid data for job kind 'validate'/);
  });

  it('fails at once, naming JOB_BUDGET_MS, a job whose validation outruns its budget', async () => {
    const started = Date.now();
    const error: unknown = await run({ schema: POISON_SCHEMA, documents: [nested(40)] }).result.catch(
      (e: unknown) => e,
    );
    expect(isUnrecoverable(error)).toBe(true);
    expect((error as Error).message).toMatch(/JOB_BUDGET_MS/);
    expect((error as Error).message).toMatch(/1500 ms/);
    // Stopped at the budget, not after 2^40 steps; the pool carries on with a fresh thread.
    expect(Date.now() - started).toBeLessThan(10_000);
    const { result } = run({ schema, documents: [{ name: 'after' }] });
    expect(validationJobResultSchema.parse(await result).valid).toBe(1);
  });
});
