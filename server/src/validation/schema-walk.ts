/** Keywords whose value is one subschema. */
const SINGLE = [
  'additionalItems',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
  'items',
];
/** Keywords whose value is an array of subschemas. */
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
/** Keywords whose value maps names to subschemas. */
const MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];

export type SchemaObject = Record<string, unknown>;

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Visits every schema object of a JSON Schema, the root first, with its JSON pointer — only in
 * schema positions (the keywords of every dialect that hold subschemas), never inside `enum`,
 * `const`, `default` or other data. Iterative: depth costs no stack.
 */
export function forEachSchemaObject(root: unknown, visit: (schema: SchemaObject, pointer: string) => void): void {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [schema, pointer] = stack.pop()!;
    if (!isObject(schema)) continue;
    visit(schema, pointer);
    for (const keyword of SINGLE) {
      if (isObject(schema[keyword])) stack.push([schema[keyword], `${pointer}/${keyword}`]);
    }
    for (const keyword of LISTS) {
      const list = schema[keyword];
      if (Array.isArray(list)) list.forEach((item, i) => stack.push([item, `${pointer}/${keyword}/${i}`]));
    }
    for (const keyword of MAPS) {
      const map = schema[keyword];
      if (!isObject(map)) continue;
      for (const [name, item] of Object.entries(map))
        stack.push([item, `${pointer}/${keyword}/${escapePointer(name)}`]);
    }
  }
}

/**
 * A copy of a draft-04/06/07 schema in which no object holding `$ref` holds an identifier
 * (`$id`, or `id` in draft-04): in those drafts `$ref` overrides its siblings, so such an id must
 * not change the base URI the reference resolves against. (Other siblings stay: they are ignored
 * by the engine, and `definitions` beside a root `$ref` must stay addressable.) Returns the schema
 * itself when there is nothing to drop.
 */
export function withoutRefSiblingIds(root: unknown, idKeyword: '$id' | 'id'): unknown {
  if (!isObject(root)) return root;
  let found = false;
  forEachSchemaObject(root, (schema) => {
    if (typeof schema['$ref'] === 'string' && idKeyword in schema) found = true;
  });
  if (!found) return root;
  const copy = structuredClone(root);
  forEachSchemaObject(copy, (schema) => {
    if (typeof schema['$ref'] === 'string') delete schema[idKeyword];
  });
  return copy;
}
