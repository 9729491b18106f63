import { InvalidInputError } from '../errors.js';

/** The JSON Schema dialects Tollgate validates, each with its own semantics. */
export type DialectName = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

export interface Dialect {
  readonly name: DialectName;
  /** the dialect's metaschema URI as its specification writes it in `$schema` */
  readonly uri: string;
}

const DIALECTS: readonly Dialect[] = [
  { name: 'draft-04', uri: 'http://json-schema.org/draft-04/schema#' },
  { name: 'draft-06', uri: 'http://json-schema.org/draft-06/schema#' },
  { name: 'draft-07', uri: 'http://json-schema.org/draft-07/schema#' },
  { name: '2019-09', uri: 'https://json-schema.org/draft/2019-09/schema' },
  { name: '2020-12', uri: 'https://json-schema.org/draft/2020-12/schema' },
];

/** A schema without `$schema` is draft 2020-12. */
export const DEFAULT_DIALECT: Dialect = DIALECTS[DIALECTS.length - 1]!;

/** `$schema` as people write it: with or without the empty fragment, http or https. */
function normalize(uri: string): string {
  return uri.replace(/#$/, '').replace(/^https?:\/\//, '');
}

const byNormalizedUri = new Map(DIALECTS.map((dialect) => [normalize(dialect.uri), dialect]));

export const SUPPORTED_DIALECTS: readonly string[] = DIALECTS.map((dialect) => dialect.uri);

/**
 * The dialect a schema declares in its root `$schema` (2020-12 when absent). An unknown `$schema`
 * is an InvalidInputError (a 400) naming it and listing the supported ones.
 */
export function dialectOf(schema: unknown): Dialect {
  if (typeof schema !== 'object' || schema === null || !('$schema' in schema)) return DEFAULT_DIALECT;
  const declared = schema.$schema;
  if (typeof declared !== 'string') {
    throw new InvalidInputError('Invalid JSON Schema: $schema must be a string', [
      { path: '/$schema', message: 'must be a string' },
    ]);
  }
  const dialect = byNormalizedUri.get(normalize(declared));
  if (dialect !== undefined) return dialect;
  const message = `unknown $schema "${declared.slice(0, 200)}"; supported: ${SUPPORTED_DIALECTS.join(', ')}`;
  throw new InvalidInputError(`Invalid JSON Schema: ${message}`, [{ path: '/$schema', message }]);
}
