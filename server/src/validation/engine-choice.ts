import { ajvEngine } from './ajv-engine.js';
import type { SchemaEngine } from './engine.js';

/**
 * @hyperjump/json-schema, loaded once, on the first schema that needs it: its modules and dialect
 * registrations hold ~10 MB of heap (23 MB of RSS in a bare process) that a process validating
 * only what ajv handles never uses.
 */
let loadedHyperjump: Promise<SchemaEngine> | undefined;
const hyperjumpEngine: SchemaEngine = {
  name: 'hyperjump',
  async compile(schema, dialect) {
    loadedHyperjump ??= import('./hyperjump-engine.js').then((module) => module.hyperjumpEngine);
    return (await loadedHyperjump).compile(schema, dialect);
  },
};

/**
 * What ajv gets wrong, measured on the official test suite: dynamic and recursive references,
 * `unevaluated*` (annotation collection across applicators), `enum: []`, and properties named
 * `__proto__`. Found in the schema's JSON text (no whitespace: `JSON.stringify`), so a marker
 * that only appears inside data (`const`, `enum` values) sends a schema to the slower engine,
 * never a wrong answer.
 */
const REFERENCE_ENGINE_MARKERS = [
  '"$dynamicRef":',
  '"$dynamicAnchor":',
  '"$recursiveRef":',
  '"$recursiveAnchor":',
  '"unevaluatedItems":',
  '"unevaluatedProperties":',
  '"enum":[]',
  '"__proto__"',
];

/**
 * ajv for every schema it handles correctly (code generation: fast), @hyperjump/json-schema
 * (complete, an interpreter) for the rest.
 */
export function engineFor(schemaText: string): SchemaEngine {
  return REFERENCE_ENGINE_MARKERS.some((marker) => schemaText.includes(marker)) ? hyperjumpEngine : ajvEngine;
}

/** Where a schema goes when the engine chosen first fails on it (not on a verdict about it). */
export const FALLBACK_ENGINE: SchemaEngine = hyperjumpEngine;
