/**
 * Inputs a hostile but rate-abiding caller can send, each well under the body limit.
 */

/**
 * A schema whose cost doubles with each level of the document (both branches of `anyOf` fail
 * at the leaf, so every level evaluates both): 2^depth evaluations. `nested(22)` takes ~20 s.
 */
export const POISON_SCHEMA = {
  $defs: {
    a: {
      anyOf: [
        { type: 'array', items: { $ref: '#/$defs/a' } },
        { type: 'array', items: { $ref: '#/$defs/a' }, minItems: 0 },
      ],
    },
  },
  $ref: '#/$defs/a',
};

export function nested(depth: number): unknown {
  let document: unknown = 1;
  for (let i = 0; i < depth; i++) document = [document];
  return document;
}
