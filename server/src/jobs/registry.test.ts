import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJobKind } from './job-kind.js';
import { jobKinds, registerJobKinds } from './registry.js';

describe('job kind registry', () => {
  it('registers the validate kind', () => {
    expect([...jobKinds.keys()]).toEqual(['validate']);
  });

  it('refuses two kinds with one name', () => {
    const kind = defineJobKind({ name: 'twice', input: z.object({}), handler: () => Promise.resolve(null) });
    expect(() => registerJobKinds(kind, kind)).toThrow(/registered twice/);
  });
});
