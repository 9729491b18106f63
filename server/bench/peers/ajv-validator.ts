import { Ajv2020, type AnySchema, type ValidateFunction } from 'ajv/dist/2020.js';

export interface PeerValidationOutput {
  valid: boolean;
  errors: Array<{ path: string; message: string }>;
}

/** Compiled validators kept at most (a peer's user would bound the cache too). */
const MAX_SCHEMAS = 1000;

/**
 * The validation work of the peers, as their user would write it: ajv (draft 2020-12, every error,
 * the options of the validation-engine baseline), one compiled validator per distinct schema text.
 */
export function createAjvValidator(): (schema: unknown, document: unknown) => PeerValidationOutput {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const compiled = new Map<string, ValidateFunction>();
  return function validate(schema, document) {
    const text = JSON.stringify(schema);
    let check = compiled.get(text);
    if (check === undefined) {
      if (compiled.size >= MAX_SCHEMAS) {
        compiled.clear();
        ajv.removeSchema();
      }
      check = ajv.compile(schema as AnySchema);
      compiled.set(text, check);
    }
    if (check(document)) return { valid: true, errors: [] };
    return {
      valid: false,
      errors: (check.errors ?? []).map((error) => ({ path: error.instancePath, message: error.message ?? '' })),
    };
  };
}

/** The request body the peers accept: `{ schema, document }`, as Fastify's route schema. */
export const VALIDATE_BODY_SCHEMA = {
  type: 'object',
  required: ['schema', 'document'],
  properties: { schema: { type: ['object', 'boolean'] }, document: {} },
  additionalProperties: false,
} as const;
