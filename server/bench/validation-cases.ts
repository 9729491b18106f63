/**
 * The schemas and documents of the validation-engine benchmark, shared by the benchmark
 * (validation.ts) and the script profiled with `node --cpu-prof` (validation-profile.ts).
 */

/** The slug pattern: `pattern` runs it on RE2 in Tollgate, on the native RegExp in raw ajv. */
export const SLUG_PATTERN = '^[a-z]+(-[a-z]+)*$';

/** A 20-character slug that matches SLUG_PATTERN. */
export const SLUG = 'tollgate-bench-slugs';

/** A typical object schema: three typed properties, all required. */
export const OBJECT_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'email'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', maxLength: 50 },
    email: { type: 'string' },
  },
};

export const OBJECT_DOCUMENT = { id: 42, name: 'Ada Lovelace', email: 'ada@example.com' };

/** OBJECT_SCHEMA with a fourth, required property checked by a `pattern`. */
export const SLUG_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'email', 'slug'],
  properties: {
    ...OBJECT_SCHEMA.properties,
    slug: { type: 'string', pattern: SLUG_PATTERN },
  },
};

export const SLUG_DOCUMENT = { ...OBJECT_DOCUMENT, slug: SLUG };

/**
 * `unevaluatedProperties: false` over an `allOf`: the keyword that sends a schema to
 * @hyperjump/json-schema (engine-choice.ts). Plain enough that ajv gets it right too.
 */
export const UNEVALUATED_SCHEMA = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', maxLength: 50 },
  },
  allOf: [{ properties: { email: { type: 'string' } } }],
  unevaluatedProperties: false,
};

export const UNEVALUATED_DOCUMENT = OBJECT_DOCUMENT;

/** How many items the uniqueItems document holds. */
export const UNIQUE_ITEMS_COUNT = 2000;

/** `uniqueItems` over objects: ajv compares them pairwise, Tollgate hashes them (unique-items.ts). */
export const UNIQUE_ITEMS_SCHEMA = {
  type: 'array',
  uniqueItems: true,
  items: {
    type: 'object',
    required: ['id', 'tag'],
    properties: { id: { type: 'integer' }, tag: { type: 'string' } },
  },
};

/** UNIQUE_ITEMS_COUNT distinct small objects: the worst case (every pair is looked at by ajv). */
export const UNIQUE_ITEMS_DOCUMENT = Array.from({ length: UNIQUE_ITEMS_COUNT }, (_, id) => ({
  id,
  tag: `tag-${id % 10}`,
}));

/** The function of validation-profile.ts whose samples the profile summary (cpu-profile.ts) keeps. */
export const PROFILED_FUNCTION = 'profiledLoop';
