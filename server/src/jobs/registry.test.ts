import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJobKind } from './job-kind.js';
import { createValidationService } from '../validation/validation-service.js';
import { createJobKinds, registerJobKinds } from './registry.js';

describe('job kind registry', () => {
  it('registers the validate kind', () => {
    const validation = createValidationService({ threads: 1, budgetMs: 1000, jobBudgetMs: 1000 });
    expect([...createJobKinds(validation).keys()]).toEqual(['validate']);
  });

  it('refuses two kinds with one name', () => {
    const kind = defineJobKind({ name: 'twice', input: z.object({}), handler: () => Promise.resolve(null) });
    expect(() => registerJobKinds(kind, kind)).toThrow(/registered twice/);
  });
});
