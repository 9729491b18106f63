import type { ValidateOutput } from '@tollgate/shared';
import type { DialectName } from './dialects.js';

/** Path reported for an error about the whole document (whose JSON pointer is ''). */
export const ROOT_PATH = '(root)';

/** A compiled schema: answers one document with at most MAX_ERRORS_PER_DOCUMENT errors. */
export type DocumentCheck = (document: unknown) => ValidateOutput;

/**
 * A JSON Schema implementation. `compile` checks the schema against its dialect's metaschema and
 * throws SchemaCompileError (schema-errors.ts) for anything it refuses.
 */
export interface SchemaEngine {
  readonly name: 'ajv' | 'hyperjump';
  compile(schema: unknown, dialect: DialectName): DocumentCheck | Promise<DocumentCheck>;
}
