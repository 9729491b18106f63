import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import { MAX_ERRORS_PER_DOCUMENT, type ValidateOutput, type ValidationError } from '@tollgate/shared';
import type { DialectName } from './dialects.js';
import { formatsOf } from './formats.js';
import { linearRegExp } from './re2-pattern.js';
import { useLinearUniqueItems } from './unique-items.js';
import { ROOT_PATH, type SchemaEngine } from './engine.js';
import { SchemaCompileError } from './schema-errors.js';

const require = createRequire(import.meta.url);
const draft06MetaSchema = require('ajv/dist/refs/json-schema-draft-06.json') as Record<string, unknown>;

/** ajv's `code.regExp`: every `pattern` / `patternProperties` runs on RE2 (linear time). */
const regExp = Object.assign((pattern: string, flags: string) => linearRegExp(pattern, flags), {
  code: 'linearRegExp',
});

/** Names every object inherits (`toString`, `constructor`, `__proto__`, …). */
const INHERITED_NAMES = Object.getOwnPropertyNames(Object.prototype).map((name) => `"${name}"`);

/**
 * Whether a schema names a property every object inherits: only then does ajv need
 * `ownProperties` (a `hasOwnProperty` call per property read, twice the cost of a small schema).
 */
function namesInheritedProperty(schemaText: string): boolean {
  return INHERITED_NAMES.some((name) => schemaText.includes(name));
}

function options(dialect: DialectName, ownProperties: boolean): Options {
  return {
    allErrors: true,
    // Users' schemas may carry annotations or vendor keywords: ignore them rather than refuse.
    strict: false,
    // `constructor`, `toString`, … are properties like any other (the absent ones included).
    ownProperties,
    // Never fetch anything: a $ref that is not in the schema is a MissingRefError (a 400).
    loadSchema: undefined,
    code: { regExp },
    // Up to draft-07, `$ref` overrides its siblings.
    ignoreKeywordsWithRef: dialect === 'draft-04' || dialect === 'draft-06' || dialect === 'draft-07',
    logger: false,
  };
}

function create(dialect: DialectName, ownProperties: boolean): Ajv {
  const opts = options(dialect, ownProperties);
  let ajv: Ajv;
  switch (dialect) {
    case 'draft-04':
      ajv = new AjvDraft04.default(opts);
      break;
    case 'draft-06':
      ajv = new Ajv(opts);
      ajv.addMetaSchema(draft06MetaSchema);
      break;
    case 'draft-07':
      ajv = new Ajv(opts);
      break;
    case '2019-09':
      ajv = new Ajv2019(opts);
      break;
    case '2020-12':
      ajv = new Ajv2020(opts);
      break;
  }
  for (const [name, check] of Object.entries(formatsOf(dialect)))
    ajv.addFormat(name, { type: 'string', validate: check });
  useLinearUniqueItems(ajv);
  return ajv;
}

const instances = new Map<string, Ajv>();

function ajvFor(dialect: DialectName, ownProperties: boolean): Ajv {
  const key = `${dialect}:${ownProperties}`;
  let ajv = instances.get(key);
  if (ajv === undefined) {
    ajv = create(dialect, ownProperties);
    instances.set(key, ajv);
  }
  return ajv;
}

/** The answer for every valid document: shared and frozen, so the common case allocates nothing. */
const VALID: ValidateOutput = Object.freeze({ valid: true, errors: Object.freeze([]) as unknown as ValidationError[] });

function errorPath(error: ErrorObject): string {
  return error.instancePath === '' ? ROOT_PATH : error.instancePath;
}

function describe(error: ErrorObject): ValidationError {
  const path = errorPath(error);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return { path, message: `must NOT have additional property '${params['additionalProperty']}'` };
  }
  if (error.keyword === 'unevaluatedProperties' && typeof params['unevaluatedProperty'] === 'string') {
    return { path, message: `must NOT have unevaluated property '${params['unevaluatedProperty']}'` };
  }
  return { path, message: error.message ?? `fails ${error.keyword}` };
}

function schemaIssues(errors: ErrorObject[] | null | undefined): ValidationError[] {
  return (errors ?? []).slice(0, MAX_ERRORS_PER_DOCUMENT).map((error) => ({
    path: errorPath(error),
    message: error.message ?? 'is invalid',
  }));
}

/**
 * ajv: code generated per schema, the fast engine for every schema whose keywords it gets
 * right (see engine-choice.ts). Two instances per dialect (with and without `ownProperties`);
 * compiled schemas are forgotten by ajv at once (the caller caches them), so schemas never leak
 * nor see each other's $ids.
 */
export const ajvEngine: SchemaEngine = {
  name: 'ajv',
  compile(schema, dialect) {
    const ajv = ajvFor(dialect, namesInheritedProperty(JSON.stringify(schema) ?? ''));
    if (!ajv.validateSchema(schema as object)) {
      throw SchemaCompileError.fromIssues(schemaIssues(ajv.errors));
    }
    let validate: ValidateFunction;
    const knownRefs = new Set(Object.keys(ajv.refs));
    try {
      validate = ajv.compile(schema as object);
    } catch (error) {
      throw SchemaCompileError.from(error);
    } finally {
      if (typeof schema === 'object' && schema !== null) ajv.removeSchema(schema);
      for (const ref of Object.keys(ajv.refs)) if (!knownRefs.has(ref)) delete ajv.refs[ref];
    }
    if ((validate as { $async?: boolean }).$async === true) {
      throw SchemaCompileError.fromReason('$async schemas are not supported');
    }
    return (document) => {
      if (validate(document)) return VALID;
      return { valid: false, errors: (validate.errors ?? []).slice(0, MAX_ERRORS_PER_DOCUMENT).map(describe) };
    };
  },
};
