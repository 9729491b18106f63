import { hash } from 'node:crypto';
import type { ValidateOutput } from '@tollgate/shared';
import { InvalidInputError } from '../errors.js';
import { dialectOf, type Dialect } from './dialects.js';
import { ROOT_PATH, type DocumentCheck, type SchemaEngine } from './engine.js';
import { engineFor, FALLBACK_ENGINE } from './engine-choice.js';
import { LruMap } from '../lru-map.js';
import { linearRegExp } from './re2-pattern.js';
import { SchemaCompileError } from './schema-errors.js';
import { forEachSchemaObject, withoutRefSiblingIds } from './schema-walk.js';

export { ROOT_PATH };

/** A JSON Schema compiled once and reused for every document validated against it. */
export interface CompiledSchema {
  /** SHA-256 of the schema's JSON text: the cache key */
  readonly hash: string;
  readonly dialect: Dialect['name'];
  readonly engine: SchemaEngine['name'];
  readonly check: DocumentCheck;
}

/**
 * Subschemas one schema may hold. Compilation costs about 0.1 ms per subschema: a bound set so a
 * schema at the limit compiles well within VALIDATION_BUDGET_MS's default on a worker thread.
 */
export const MAX_SCHEMA_OBJECTS = 5_000;

/** How many compiled schemas are kept; the least recently used goes first. */
export const VALIDATOR_CACHE_SIZE = 500;

const cache = new LruMap<string, CompiledSchema>(VALIDATOR_CACHE_SIZE);
/** Compilations under way, so concurrent requests with one schema compile it once. */
const pending = new Map<string, Promise<CompiledSchema>>();

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Limits checked before any engine sees the schema: at most MAX_SCHEMA_OBJECTS subschemas, and
 * every `pattern` / `patternProperties` regex compiles on RE2, so a construct RE2 cannot run
 * (lookaround, backreferences) is refused naming its schema path.
 */
function checkLimits(schema: unknown): void {
  const compilePattern = (source: string, pointer: string) => {
    try {
      linearRegExp(source, 'u');
    } catch (error) {
      throw SchemaCompileError.fromReason(error instanceof Error ? error.message : String(error), pointer);
    }
  };
  let objects = 0;
  forEachSchemaObject(schema, (object, pointer) => {
    objects += 1;
    if (objects > MAX_SCHEMA_OBJECTS) {
      throw SchemaCompileError.fromReason(
        `the schema holds more than ${MAX_SCHEMA_OBJECTS} subschemas (MAX_SCHEMA_OBJECTS); split it`,
      );
    }
    if (typeof object['pattern'] === 'string') compilePattern(object['pattern'], `${pointer}/pattern`);
    const patternProperties = object['patternProperties'];
    if (typeof patternProperties === 'object' && patternProperties !== null && !Array.isArray(patternProperties)) {
      for (const source of Object.keys(patternProperties)) {
        compilePattern(source, `${pointer}/patternProperties/${escapePointer(source)}`);
      }
    }
  });
}

/** Up to draft-07 `$ref` overrides its siblings, `$id` included. */
function prepare(schema: unknown, dialect: Dialect): unknown {
  switch (dialect.name) {
    case 'draft-04':
      return withoutRefSiblingIds(schema, 'id');
    case 'draft-06':
    case 'draft-07':
      return withoutRefSiblingIds(schema, '$id');
    case '2019-09':
    case '2020-12':
      return schema;
  }
}

async function compile(schema: unknown, text: string, hash: string): Promise<CompiledSchema> {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw SchemaCompileError.fromReason('a JSON Schema must be an object or a boolean');
  }
  const dialect = dialectOf(schema);
  checkLimits(schema);
  const prepared = prepare(schema, dialect);
  let engine = engineFor(text);
  let check: DocumentCheck;
  try {
    check = await engine.compile(prepared, dialect.name);
  } catch (error) {
    const refusal = SchemaCompileError.from(error);
    if (!refusal.engineFault || engine === FALLBACK_ENGINE) throw refusal;
    engine = FALLBACK_ENGINE;
    check = await engine.compile(prepared, dialect.name);
  }
  return { hash, dialect: dialect.name, engine: engine.name, check };
}

/**
 * A schema's JSON text and its SHA-256 (computed when first read), and what the call's steps
 * learnt of it: whether it compiles inline (inline-policy.ts) and its compiled validator once one
 * was found — so the guard's compile check, the response cache's inline test and the validation
 * itself decide each of these once per call.
 */
export interface SchemaFingerprint {
  readonly text: string;
  readonly hash: string;
  /** set by inline-policy.ts on its first verdict */
  inline?: boolean;
  /** set by getValidator / cachedValidator */
  validator?: CompiledSchema;
}

class Fingerprint implements SchemaFingerprint {
  #hash: string | undefined;
  inline: boolean | undefined = undefined;
  validator: CompiledSchema | undefined = undefined;
  constructor(readonly text: string) {}
  get hash(): string {
    return (this.#hash ??= hash('sha256', this.text, 'hex'));
  }
}

/**
 * Texts up to this length are their own key in the validator cache: looking a short string up
 * costs less than digesting it (500 such keys hold at most 1 MB); longer ones are keyed by hash.
 */
const TEXT_KEY_MAX_CHARS = 1024;

/** The validator cache's key of a schema (a digest key starts with `#`, no JSON text does). */
function cacheKeyOf(fingerprint: SchemaFingerprint): string {
  return fingerprint.text.length <= TEXT_KEY_MAX_CHARS ? fingerprint.text : `#${fingerprint.hash}`;
}

/**
 * Fingerprints of the schema objects of calls in flight: one request's schema is checked by the
 * guard, then validated, and is stringified and hashed once. Weak: gone with the request.
 */
const fingerprints = new WeakMap<object, SchemaFingerprint>();

export function schemaFingerprint(schema: unknown): SchemaFingerprint {
  const known = typeof schema === 'object' && schema !== null ? fingerprints.get(schema) : undefined;
  if (known !== undefined) return known;
  const fingerprint = new Fingerprint(JSON.stringify(schema) ?? 'undefined');
  if (typeof schema === 'object' && schema !== null) fingerprints.set(schema, fingerprint);
  return fingerprint;
}

/**
 * The compiled validator of a JSON Schema in the dialect its `$schema` names (2020-12 when
 * absent), cached by its text (a short one) or a hash of it (bounded). Rejects with an InvalidInputError (a 400) for
 * an invalid schema, an unknown `$schema`, a pattern RE2 cannot run, or a `$ref` that cannot be
 * resolved locally; nothing is ever fetched.
 */
export async function getValidator(schema: unknown): Promise<CompiledSchema> {
  const cached = cachedValidator(schema);
  if (cached !== undefined) return cached;
  const fingerprint = schemaFingerprint(schema);
  const key = cacheKeyOf(fingerprint);
  let compiling = pending.get(key);
  if (compiling === undefined) {
    compiling = compile(schema, fingerprint.text, fingerprint.hash).finally(() => pending.delete(key));
    pending.set(key, compiling);
    const compiled = await compiling;
    cache.set(key, compiled);
    return (fingerprint.validator = compiled);
  }
  return (fingerprint.validator = await compiling);
}

/**
 * The schema's validator if it is compiled already, without waiting: the one its call found
 * before (guard, then validation), else the cache's.
 */
export function cachedValidator(schema: unknown): CompiledSchema | undefined {
  const fingerprint = schemaFingerprint(schema);
  if (fingerprint.validator !== undefined) return fingerprint.validator;
  const cached = cache.get(cacheKeyOf(fingerprint));
  if (cached !== undefined) fingerprint.validator = cached;
  return cached;
}

/**
 * Validates one document. Errors carry a JSON pointer into the document (`/items/0/name`,
 * {@link ROOT_PATH} for the document itself); at most MAX_ERRORS_PER_DOCUMENT are reported.
 * Whatever an engine throws is an InvalidInputError (a 400), never an internal error.
 */
export function validateDocument(validator: CompiledSchema, document: unknown): ValidateOutput {
  try {
    return validator.check(document);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`The document could not be validated against this schema: ${reason.split('\n', 1)[0]}`);
  }
}

/** Number of compiled schemas held (for tests and metrics). */
export function cachedValidatorCount(): number {
  return cache.size;
}
