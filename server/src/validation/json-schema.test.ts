import { describe, expect, it } from 'vitest';
import { MAX_ERRORS_PER_DOCUMENT } from '@tollgate/shared';
import {
  cachedValidator,
  cachedValidatorCount,
  MAX_SCHEMA_OBJECTS,
  getValidator,
  ROOT_PATH,
  validateDocument,
  VALIDATOR_CACHE_SIZE,
} from './json-schema.js';
import { refusalOf } from '../test-support/schema-refusal.js';

describe('getValidator / validateDocument', () => {
  it('reports errors with JSON pointers, the root as (root), at most 20 per document', async () => {
    const validator = await getValidator({
      type: 'object',
      required: ['items'],
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' } },
            additionalProperties: false,
          },
        },
      },
    });
    expect(validateDocument(validator, { items: [{ name: 'a' }] })).toEqual({ valid: true, errors: [] });
    expect(validateDocument(validator, { items: [{ name: 1 }, { extra: true }] })).toEqual({
      valid: false,
      errors: [
        { path: '/items/0/name', message: 'must be string' },
        { path: '/items/1', message: "must have required property 'name'" },
        { path: '/items/1', message: "must NOT have additional property 'extra'" },
      ],
    });
    expect(validateDocument(validator, [])).toEqual({
      valid: false,
      errors: [{ path: ROOT_PATH, message: 'must be object' }],
    });
    const many = validateDocument(
      await getValidator({ type: 'array', items: { type: 'string' } }),
      Array.from({ length: 50 }, () => 1),
    );
    expect(many.errors).toHaveLength(MAX_ERRORS_PER_DOCUMENT);
  });

  it('supports draft 2020-12, formats, boolean schemas and local $refs', async () => {
    const validator = await getValidator({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { email: { type: 'string', format: 'email' } },
      prefixItems: [{ $ref: '#/$defs/email' }, { type: 'integer' }],
      items: false,
    });
    expect(validateDocument(validator, ['a@example.com', 1]).valid).toBe(true);
    expect(validateDocument(validator, ['nope', 1]).errors).toEqual([
      { path: '/0', message: 'must match format "email"' },
    ]);
    expect(validateDocument(validator, ['a@example.com', 1, 2]).valid).toBe(false);
    expect(validateDocument(await getValidator(true), { anything: 1 }).valid).toBe(true);
    expect(validateDocument(await getValidator(false), 1)).toEqual({
      valid: false,
      errors: [{ path: ROOT_PATH, message: 'boolean schema is false' }],
    });
  });

  it('refuses invalid schemas, remote or missing $refs and $async, never fetching anything', async () => {
    expect((await refusalOf({ type: 'integerish' })).issues[0]).toMatchObject({ path: '/type' });
    expect((await refusalOf({ $ref: 'https://example.com/schema.json' })).message).toContain("can't resolve reference");
    expect((await refusalOf({ $ref: '#/$defs/missing' })).message).toContain("can't resolve reference");
    expect((await refusalOf({ $async: true, type: 'string' })).message).toContain('$async');
    expect((await refusalOf([{ type: 'string' }])).message).toContain('object or a boolean');
    expect((await refusalOf(null)).message).toContain('object or a boolean');
  });

  it('caches by schema text (a new object with the same text is a hit) and keeps $ids of different schemas apart', async () => {
    const schema = () => ({
      $id: 'https://tollgate.test/shared-id',
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(await getValidator(schema())).toBe(await getValidator(schema()));
    const other = await getValidator({
      $id: 'https://tollgate.test/shared-id',
      type: 'object',
      properties: { a: { type: 'number' } },
    });
    expect(validateDocument(await getValidator(schema()), { a: 1 }).valid).toBe(false);
    expect(validateDocument(other, { a: 1 }).valid).toBe(true);
    // Nested $ids do not leak between schemas either.
    const nested = (type: string) => ({
      properties: { a: { $id: 'https://tollgate.test/nested', type } },
      $ref: '#/properties/a',
    });
    expect(validateDocument(await getValidator(nested('string')), 'x').valid).toBe(true);
    expect(validateDocument(await getValidator(nested('number')), 'x').valid).toBe(false);
  });

  it('finds a compiled schema without waiting (cachedValidator), and nothing for one never compiled', async () => {
    const schema = () => ({ type: 'object', title: 'looked up without waiting' });
    expect(cachedValidator(schema())).toBeUndefined();
    const compiled = await getValidator(schema());
    expect(cachedValidator(schema())).toBe(compiled);
    const sameCall = schema();
    expect(cachedValidator(sameCall)).toBe(compiled);
    // A call's schema object keeps the validator it found, even once the cache has moved on.
    for (let i = 0; i < VALIDATOR_CACHE_SIZE + 1; i++) await getValidator({ type: 'object', title: `evicting ${i}` });
    expect(cachedValidator(schema())).toBeUndefined();
    expect(cachedValidator(sameCall)).toBe(compiled);
  });

  it('keeps at most VALIDATOR_CACHE_SIZE compiled schemas', async () => {
    for (let i = 0; i < VALIDATOR_CACHE_SIZE + 50; i++) await getValidator({ type: 'object', title: `schema ${i}` });
    expect(cachedValidatorCount()).toBe(VALIDATOR_CACHE_SIZE);
  });
});

describe('schema limits', () => {
  it('refuses a schema of more than MAX_SCHEMA_OBJECTS subschemas with a 400 naming the limit, before compiling', async () => {
    const properties = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'integer' }]));
    const refusal = await refusalOf({ type: 'object', properties: properties(MAX_SCHEMA_OBJECTS) });
    expect(refusal.message).toContain('MAX_SCHEMA_OBJECTS');
    expect(refusal.message).toContain(String(MAX_SCHEMA_OBJECTS));
    // The root counts too: one fewer property is accepted.
    expect((await getValidator({ type: 'object', properties: properties(MAX_SCHEMA_OBJECTS - 1) })).engine).toBe('ajv');
  });
});
