import { describe, expect, it } from 'vitest';
import { CACHE_GROUP_PATTERN } from '../../src/cache/cache-values.js';
import { cacheGroup, cacheKey, canonicalJson, identityFor } from '../../src/trpc/cache-key.js';
import { jobDetailCache } from '../../src/trpc/routers/job-cache.js';
import { validationCache } from '../../src/trpc/routers/validation-cache.js';

describe('the key builder', () => {
  it('writes canonical JSON: keys sorted at every level, arrays in order, what JSON drops dropped', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: () => 1, c: [undefined], d: new Date(0) })).toBe(
      '{"c":[null],"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson(undefined)).toBe('');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('é"')).toBe('"é\\""');
    // integer-like keys first in numeric order (as objects keep them), then the others sorted
    expect(canonicalJson({ b: 1, 10: 2, a: 3, 9: 4 })).toBe('{"9":4,"10":2,"a":3,"b":1}');
    // a `__proto__` key (JSON.parse makes it an own property) is kept, never dropped
    const withProto = JSON.parse('{"z":1,"__proto__":{"x":1}}') as unknown;
    expect(canonicalJson(withProto)).toBe('{"__proto__":{"x":1},"z":1}');
    expect(canonicalJson(withProto)).not.toBe(canonicalJson({ z: 1 }));
  });

  it('addresses one entry per path, canonical input and identity', () => {
    const key = cacheKey({ path: 'jobs.get', input: { jobId: '1', x: [1, 2] }, identity: 'key:k_1' });
    expect(key).toMatch(/^jobs\.get\|key:k_1\|[A-Za-z0-9_-]{43}$/);
    expect(cacheKey({ path: 'jobs.get', input: { x: [1, 2], jobId: '1' }, identity: 'key:k_1' })).toBe(key);
    for (const other of [
      { path: 'jobs.list', input: { jobId: '1', x: [1, 2] }, identity: 'key:k_1' as const },
      { path: 'jobs.get', input: { jobId: '1', x: [2, 1] }, identity: 'key:k_1' as const },
      { path: 'jobs.get', input: { jobId: '1', x: [1, 2] }, identity: 'key:k_2' as const },
      { path: 'jobs.get', input: { jobId: '1', x: [1, 2] }, identity: 'admin' as const },
    ]) {
      expect(cacheKey(other)).not.toBe(key);
    }
  });

  it('keeps private answers per caller and refuses a private entry without one', () => {
    expect(identityFor('private', 'key:k_1')).toBe('key:k_1');
    expect(identityFor('public', 'key:k_1')).toBe('public');
    expect(() => identityFor('private', null)).toThrow(/identity/);
    const address = jobDetailCache.address({ jobId: '42' }, 'key:k_1');
    expect(address).toEqual({ key: expect.stringMatching(/^jobs\.get\|key:k_1\|/) as unknown, group: 'job:42' });
    expect(jobDetailCache.address({ jobId: '42' }, 'key:k_2').key).not.toBe(address.key);
  });

  it('is content-addressed for validation.validate, whoever asks', () => {
    const input = { schema: { type: 'object', required: ['a'] }, document: { b: 1, a: 2 } };
    const reordered = { document: { a: 2, b: 1 }, schema: { required: ['a'], type: 'object' } };
    expect(validationCache.address(input, 'key:k_1')).toEqual(validationCache.address(reordered, 'key:k_2'));
    expect(validationCache.address(input, null).key).toMatch(/^validation\.validate\|public\|/);
  });

  it('makes a valid group name of any id', () => {
    expect(cacheGroup('job', '42')).toBe('job:42');
    for (const id of ['a b', 'x}{', 'é', 'x'.repeat(200), '#1']) {
      const group = cacheGroup('job', id);
      expect(group).toMatch(CACHE_GROUP_PATTERN);
      expect(group).toMatch(/^job:sha256-/);
      expect(cacheGroup('job', id)).toBe(group);
    }
    expect(cacheGroup('job', 'a b')).not.toBe(cacheGroup('job', 'a  b'));
  });
});
