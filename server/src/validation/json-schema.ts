import { createHash } from 'node:crypto';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { MAX_ERRORS_PER_DOCUMENT, type ValidateOutput, type ValidationError } from '@tollgate/shared';
import { InvalidInputError } from '../errors.js';
import { LruCache } from './lru-cache.js';
import { safeRegExp } from './safe-pattern.js';

/** A JSON Schema compiled once and reused for every document validated against it. */
export interface CompiledSchema {
  /** SHA-256 of the schema's JSON text: the cache key */
  readonly hash: string;
  readonly validate: ValidateFunction;
}

/** Path reported for an error about the whole document (whose JSON pointer is ''). */
export const ROOT_PATH = '(root)';

/** How many compiled schemas are kept; the least recently used goes first. */
export const VALIDATOR_CACHE_SIZE = 500;

const ajv = new Ajv2020({
  allErrors: true,
  // Users' schemas may carry annotations or vendor keywords: ignore them rather than refuse.
  strict: false,
  // Never fetch anything: a $ref that is not in the schema is a MissingRefError (a 400).
  loadSchema: undefined,
  // `pattern` and `patternProperties` regexps run on the event loop: refuse, when the schema is
  // compiled, those that can backtrack catastrophically (a compile error, hence a 400).
  code: { regExp: safeRegExp },
});
addFormats.default(ajv);

const cache = new LruCache<string, CompiledSchema>(VALIDATOR_CACHE_SIZE);

function schemaIssues(errors: ErrorObject[] | null | undefined): Array<{ path: string; message: string }> {
  return (errors ?? []).slice(0, MAX_ERRORS_PER_DOCUMENT).map((error) => ({
    path: error.instancePath === '' ? ROOT_PATH : error.instancePath,
    message: error.message ?? 'is invalid',
  }));
}

function compile(schema: unknown, hash: string): CompiledSchema {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new InvalidInputError('Invalid JSON Schema: must be an object or a boolean', [
      { path: ROOT_PATH, message: 'must be a JSON Schema object or boolean' },
    ]);
  }
  if (!ajv.validateSchema(schema)) {
    const issues = schemaIssues(ajv.errors);
    throw new InvalidInputError(
      `Invalid JSON Schema: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  let validate: ValidateFunction;
  const knownRefs = new Set(Object.keys(ajv.refs));
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`Invalid JSON Schema: ${reason}`, [{ path: ROOT_PATH, message: reason }]);
  } finally {
    // ajv keeps every compiled schema by object identity and every $id (nested ones too) by name:
    // forget them, so schemas never leak nor see each other's $ids; our LRU keeps the compiled one.
    if (typeof schema === 'object') ajv.removeSchema(schema);
    for (const ref of Object.keys(ajv.refs)) if (!knownRefs.has(ref)) delete ajv.refs[ref];
  }
  if ((validate as { $async?: boolean }).$async === true) {
    throw new InvalidInputError('Invalid JSON Schema: $async schemas are not supported', [
      { path: ROOT_PATH, message: '$async schemas are not supported' },
    ]);
  }
  return { hash, validate };
}

/**
 * The compiled validator of a JSON Schema (draft 2020-12), cached by a hash of its text (bounded).
 * Throws InvalidInputError for an invalid schema or a $ref that cannot be resolved locally.
 */
export function getValidator(schema: unknown): CompiledSchema {
  const text = JSON.stringify(schema) ?? 'undefined';
  const hash = createHash('sha256').update(text).digest('hex');
  const cached = cache.get(hash);
  if (cached !== undefined) return cached;
  const compiled = compile(schema, hash);
  cache.set(hash, compiled);
  return compiled;
}

function describe(error: ErrorObject): ValidationError {
  const path = error.instancePath === '' ? ROOT_PATH : error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return { path, message: `must NOT have additional property '${params['additionalProperty']}'` };
  }
  if (error.keyword === 'unevaluatedProperties' && typeof params['unevaluatedProperty'] === 'string') {
    return { path, message: `must NOT have unevaluated property '${params['unevaluatedProperty']}'` };
  }
  return { path, message: error.message ?? `fails ${error.keyword}` };
}

/**
 * Validates one document. Errors carry a JSON pointer into the document (`/items/0/name`,
 * {@link ROOT_PATH} for the document itself); at most MAX_ERRORS_PER_DOCUMENT are reported.
 */
export function validateDocument(validator: CompiledSchema, document: unknown): ValidateOutput {
  const valid = validator.validate(document);
  if (valid) return { valid: true, errors: [] };
  const errors = (validator.validate.errors ?? []).slice(0, MAX_ERRORS_PER_DOCUMENT).map(describe);
  return { valid: false, errors };
}

/** Number of compiled schemas held (for tests and metrics). */
export function cachedValidatorCount(): number {
  return cache.size;
}
