import * as Browser from '@hyperjump/browser';
import * as Instance from '@hyperjump/json-schema/instance/experimental';
import { addKeyword, getKeywordName, Validation, type Keyword } from '@hyperjump/json-schema/experimental';
import { linearRegExp, type LinearRegExp } from './re2-pattern.js';

/*
 * @hyperjump/json-schema runs `pattern`, `patternProperties` and the property test of
 * `additionalProperties` with JavaScript's backtracking RegExp. These replacements keep its
 * semantics and run every schema regex on RE2 (linear time), as ajv does through `code.regExp`.
 */

type SchemaBrowser = Parameters<Keyword<unknown>['compile']>[0];
type Ast = Parameters<Keyword<unknown>['compile']>[1];

/** Compiles a subschema (the applicator's own parent is not needed for that). */
const compileSubschema = (schema: SchemaBrowser, ast: Ast) => Validation.compile(schema, ast, schema);

const pattern: Keyword<LinearRegExp> = {
  id: 'https://json-schema.org/keyword/pattern',
  compile: (schema) => Promise.resolve(linearRegExp(Browser.value<string>(schema), 'u')),
  interpret: (regex, instance) =>
    Instance.typeOf(instance) !== 'string' || regex.test(Instance.value<string>(instance)),
};

const patternProperties: Keyword<Array<[LinearRegExp, string]>> = {
  id: 'https://json-schema.org/keyword/patternProperties',
  simpleApplicator: true,
  async compile(schema, ast) {
    const compiled: Array<[LinearRegExp, string]> = [];
    for await (const [source, propertySchema] of Browser.entries(schema)) {
      compiled.push([linearRegExp(source, 'u'), await compileSubschema(propertySchema as SchemaBrowser, ast)]);
    }
    return compiled;
  },
  interpret(compiled, instance, context) {
    if (Instance.typeOf(instance) !== 'object') return true;
    let valid = true;
    for (const [regex, schemaUri] of compiled) {
      for (const [nameNode, value] of Instance.entries(instance)) {
        const name = Instance.value<string>(nameNode);
        if (!regex.test(name)) continue;
        if (!Validation.interpret(schemaUri, value, context)) valid = false;
        (context as { evaluatedProperties?: Set<string> }).evaluatedProperties?.add(name);
      }
    }
    return valid;
  },
};

interface DefinedProperties {
  names: ReadonlySet<string>;
  patterns: readonly LinearRegExp[];
}

async function definedProperties(parentSchema: SchemaBrowser): Promise<DefinedProperties> {
  const dialect = parentSchema.document.dialectId;
  const names = new Set<string>();
  const patterns: LinearRegExp[] = [];
  const properties = await Browser.step(
    getKeywordName(dialect, 'https://json-schema.org/keyword/properties'),
    parentSchema,
  );
  if (Browser.typeOf(properties) === 'object') for (const name of Browser.keys(properties)) names.add(name);
  const patternSchemas = await Browser.step(
    getKeywordName(dialect, 'https://json-schema.org/keyword/patternProperties'),
    parentSchema,
  );
  if (Browser.typeOf(patternSchemas) === 'object') {
    for (const source of Browser.keys(patternSchemas)) patterns.push(linearRegExp(source, 'u'));
  }
  return { names, patterns };
}

const additionalProperties: Keyword<[DefinedProperties, string]> = {
  id: 'https://json-schema.org/keyword/additionalProperties',
  simpleApplicator: true,
  async compile(schema, ast, parentSchema) {
    return [await definedProperties(parentSchema), await compileSubschema(schema, ast)];
  },
  interpret([defined, schemaUri], instance, context) {
    if (Instance.typeOf(instance) !== 'object') return true;
    let valid = true;
    for (const [nameNode, value] of Instance.entries(instance)) {
      const name = Instance.value<string>(nameNode);
      if (defined.names.has(name) || defined.patterns.some((regex) => regex.test(name))) continue;
      if (!Validation.interpret(schemaUri, value, context)) valid = false;
      (context as { evaluatedProperties?: Set<string> }).evaluatedProperties?.add(name);
    }
    return valid;
  },
};

/** Installs the RE2-backed keywords (once, before any schema is compiled). */
export function useLinearPatterns(): void {
  addKeyword(pattern);
  addKeyword(patternProperties);
  addKeyword(additionalProperties);
}
