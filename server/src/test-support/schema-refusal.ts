import { expect } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { getValidator } from '../validation/json-schema.js';

/** The InvalidInputError that compiling `schema` raises; fails the test if it compiles. */
export async function refusalOf(schema: unknown): Promise<InvalidInputError> {
  try {
    await getValidator(schema);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('schema was accepted');
}
