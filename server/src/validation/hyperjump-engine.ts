import { randomUUID } from 'node:crypto';
import { removeUriSchemePlugin } from '@hyperjump/browser';
import {
  InvalidSchemaError,
  registerSchema,
  setMetaSchemaOutputFormat,
  setShouldValidateFormat,
  unregisterSchema,
  validate,
  type OutputUnit,
} from '@hyperjump/json-schema/draft-2020-12';
import '@hyperjump/json-schema/draft-2019-09';
import '@hyperjump/json-schema/draft-07';
import '@hyperjump/json-schema/draft-06';
import '@hyperjump/json-schema/draft-04';
import '@hyperjump/json-schema/formats';
import { BASIC } from '@hyperjump/json-schema/experimental';
import { MAX_ERRORS_PER_DOCUMENT, type ValidationError } from '@tollgate/shared';
import { SUPPORTED_DIALECTS, type DialectName } from './dialects.js';
import { ROOT_PATH, type SchemaEngine } from './engine.js';
import { useLinearPatterns } from './hyperjump-keywords.js';
import { errorMessage } from './hyperjump-messages.js';
import { SchemaCompileError } from './schema-errors.js';

// Offline: the metaschemas of every dialect are bundled; nothing is ever fetched or read from disk.
for (const scheme of ['http', 'https', 'file']) removeUriSchemePlugin(scheme);
setShouldValidateFormat(true);
setMetaSchemaOutputFormat(BASIC);
useLinearPatterns();

const DIALECT_IDS: Record<DialectName, string> = {
  'draft-04': SUPPORTED_DIALECTS[0]!,
  'draft-06': SUPPORTED_DIALECTS[1]!,
  'draft-07': SUPPORTED_DIALECTS[2]!,
  '2019-09': SUPPORTED_DIALECTS[3]!,
  '2020-12': SUPPORTED_DIALECTS[4]!,
};

/** Where a schema is registered while it compiles: unique, never resolvable from outside. */
const RETRIEVAL_BASE = 'https://schemas.tollgate.invalid/';

function decodePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  return pointer
    .replace(/^#?\//, '')
    .split('/')
    .map((segment) => decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
}

function resolvePointer(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function toPath(instanceLocation: string): string {
  const segments = decodePointer(instanceLocation);
  if (segments.length === 0) return ROOT_PATH;
  return `/${segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

function describe(unit: OutputUnit, schema: unknown, retrievalUri: string, document: unknown): ValidationError {
  const [base = '', fragment = ''] = unit.absoluteKeywordLocation.split('#', 2);
  const keywordPath = base === retrievalUri ? decodePointer(fragment) : undefined;
  const instancePath = decodePointer(unit.instanceLocation);
  return {
    path: toPath(unit.instanceLocation),
    message: errorMessage({
      keyword: unit.keyword.slice(unit.keyword.lastIndexOf('/') + 1),
      location: keywordPath,
      schemaValue: keywordPath === undefined ? undefined : resolvePointer(schema, keywordPath),
      instanceName: instancePath[instancePath.length - 1],
      instance: resolvePointer(document, instancePath),
    }),
  };
}

function compileError(error: unknown): SchemaCompileError {
  if (error instanceof InvalidSchemaError) {
    const units = (error.output as { errors?: OutputUnit[] }).errors ?? [];
    const issues = units.slice(0, MAX_ERRORS_PER_DOCUMENT).map((unit) => ({
      path: toPath(unit.instanceLocation),
      message: `fails the metaschema's "${unit.keyword.slice(unit.keyword.lastIndexOf('/') + 1)}"`,
    }));
    return SchemaCompileError.fromIssues(
      issues.length > 0 ? issues : [{ path: ROOT_PATH, message: 'is not a valid schema' }],
    );
  }
  if (error instanceof Error && /Unable to load resource|Unsupported URI scheme|No such anchor/i.test(error.message)) {
    return SchemaCompileError.fromReason(
      `can't resolve reference: ${error.message} (remote references are not fetched)`,
    );
  }
  return SchemaCompileError.from(error);
}

/**
 * @hyperjump/json-schema: an interpreter that passes the whole official test suite of every
 * dialect, slower than ajv; the engine for the keywords ajv gets wrong (see engine-choice.ts).
 * Each schema is registered under a unique URI only while it compiles.
 */
export const hyperjumpEngine: SchemaEngine = {
  name: 'hyperjump',
  async compile(schema, dialect) {
    const retrievalUri = `${RETRIEVAL_BASE}${randomUUID()}`;
    let check: Awaited<ReturnType<typeof validate>>;
    try {
      registerSchema(schema as Parameters<typeof registerSchema>[0], retrievalUri, DIALECT_IDS[dialect]);
      check = await validate(retrievalUri);
    } catch (error) {
      throw compileError(error);
    } finally {
      try {
        unregisterSchema(retrievalUri);
      } catch {
        // never registered
      }
    }
    return (document) => {
      const output = check(document as Parameters<typeof check>[0], BASIC);
      if (output.valid) return { valid: true, errors: [] };
      const errors = (output.errors ?? [])
        .slice(0, MAX_ERRORS_PER_DOCUMENT)
        .map((unit) => describe(unit, schema, retrievalUri, document));
      return { valid: false, errors };
    };
  },
};
