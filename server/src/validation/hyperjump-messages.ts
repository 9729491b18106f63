/** What is known of one failed keyword when its message is written. */
export interface FailedKeyword {
  /** the keyword's name, e.g. `minimum` (`validate` for a false subschema) */
  keyword: string;
  /** JSON pointer segments of the keyword in the schema, when known */
  location: readonly string[] | undefined;
  /** the keyword's value in the schema, when known */
  schemaValue: unknown;
  /** the last segment of the instance location (a property name or an index) */
  instanceName: string | undefined;
  /** the failing part of the document */
  instance: unknown;
}

function missingProperties(required: unknown, instance: unknown): string[] {
  if (!Array.isArray(required) || typeof instance !== 'object' || instance === null) return [];
  return required.filter((name): name is string => typeof name === 'string' && !Object.hasOwn(instance, name));
}

function count(value: unknown, noun: string): string {
  return typeof value === 'number' ? `${value} ${noun}` : noun;
}

/** The keyword holding a false subschema that rejected part of the document. */
function falseSchemaMessage(failed: FailedKeyword): string {
  const owner = failed.location?.findLast((segment) => /^[a-zA-Z$]+$/.test(segment) && segment !== 'validate');
  switch (owner) {
    case 'additionalProperties':
      return `must NOT have additional property '${failed.instanceName ?? ''}'`;
    case 'unevaluatedProperties':
      return `must NOT have unevaluated property '${failed.instanceName ?? ''}'`;
    case 'items':
    case 'additionalItems':
    case 'unevaluatedItems':
      return 'must NOT have more items';
    case 'propertyNames':
      return 'property name must be valid';
    case undefined:
    default:
      return 'boolean schema is false';
  }
}

/**
 * A message in the words ajv uses for the same keyword, so a document gets the same kind of
 * answer whichever engine validated it.
 */
export function errorMessage(failed: FailedKeyword): string {
  const value = failed.schemaValue;
  switch (failed.keyword) {
    case 'validate':
      return falseSchemaMessage(failed);
    case 'type':
      return `must be ${Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : 'of the declared type'}`;
    case 'required': {
      const missing = missingProperties(value, failed.instance);
      return missing.length > 0 ? `must have required property '${missing[0]}'` : 'must have required properties';
    }
    case 'minimum':
      return `must be >= ${String(value)}`;
    case 'maximum':
      return `must be <= ${String(value)}`;
    case 'exclusiveMinimum':
      return typeof value === 'number' ? `must be > ${value}` : 'must be > the minimum';
    case 'exclusiveMaximum':
      return typeof value === 'number' ? `must be < ${value}` : 'must be < the maximum';
    case 'multipleOf':
      return `must be multiple of ${String(value)}`;
    case 'minLength':
      return `must NOT have fewer than ${count(value, 'characters')}`;
    case 'maxLength':
      return `must NOT have more than ${count(value, 'characters')}`;
    case 'minItems':
      return `must NOT have fewer than ${count(value, 'items')}`;
    case 'maxItems':
      return `must NOT have more than ${count(value, 'items')}`;
    case 'minProperties':
      return `must NOT have fewer than ${count(value, 'properties')}`;
    case 'maxProperties':
      return `must NOT have more than ${count(value, 'properties')}`;
    case 'pattern':
      return `must match pattern "${String(value)}"`;
    case 'format':
    case 'format-assertion':
      return `must match format "${String(value)}"`;
    case 'enum':
      return 'must be equal to one of the allowed values';
    case 'const':
      return 'must be equal to constant';
    case 'uniqueItems':
      return 'must NOT have duplicate items';
    case 'contains':
    case 'minContains':
      return 'must contain at least the required number of valid items';
    case 'maxContains':
      return 'must contain at most the allowed number of valid items';
    case 'not':
      return 'must NOT be valid';
    case 'oneOf':
      return 'must match exactly one schema in oneOf';
    case 'anyOf':
      return 'must match a schema in anyOf';
    case 'then':
      return 'must match "then" schema';
    case 'else':
      return 'must match "else" schema';
    case 'dependentRequired':
    case 'dependencies':
      return 'must have the properties its present properties depend on';
    default:
      return `must be valid against "${failed.keyword}"`;
  }
}
