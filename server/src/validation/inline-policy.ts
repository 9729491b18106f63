import { schemaFingerprint } from './json-schema.js';

/**
 * What is cheap enough to validate on the event loop, by construction rather than by timing: a
 * schema small enough to compile in a few milliseconds and with no reference (so no recursion:
 * its cost is at most its size times the document's), and a document of a bounded number of
 * values and characters. Everything else goes to the worker threads, under a budget.
 */

/** Largest schema (JSON text) compiled on the event loop: ~100 properties, ~10 ms to compile. */
export const INLINE_SCHEMA_BYTES = 4096;
/** Largest document validated on the event loop: values (objects, arrays, scalars) … */
export const INLINE_DOCUMENT_VALUES = 1000;
/** … and characters (strings and property names): patterns are linear in these. */
export const INLINE_DOCUMENT_CHARS = 4096;

const REFERENCE = /"\$(?:ref|dynamicRef|recursiveRef)":/;

function isInlineSchema(schemaText: string): boolean {
  return schemaText.length <= INLINE_SCHEMA_BYTES && !REFERENCE.test(schemaText);
}

/**
 * Verdicts on the documents of calls in flight: a call's document is walked once (weak). Only
 * documents of more than MEMO_FROM_VALUES values are kept: walking a small one again costs less
 * than a WeakMap entry.
 */
const smallDocuments = new WeakMap<object, boolean>();
const MEMO_FROM_VALUES = 64;

/**
 * Whether one call's (schema, document) pair validates on the event loop: the one decision the
 * validation service and the response cache (which skips such pairs) share.
 */
export function runsInline(schema: unknown, document: unknown): boolean {
  return schemaCompilesInline(schema) && isSmallDocument(document);
}

/** isInlineSchema of the schema's text, decided once per call (kept with its fingerprint). */
export function schemaCompilesInline(schema: unknown): boolean {
  const fingerprint = schemaFingerprint(schema);
  return (fingerprint.inline ??= isInlineSchema(fingerprint.text));
}

/** True when the document holds at most INLINE_DOCUMENT_VALUES values and INLINE_DOCUMENT_CHARS characters; stops counting past them. */
export function isSmallDocument(document: unknown): boolean {
  if (typeof document !== 'object' || document === null) return walk(document) > 0;
  const known = smallDocuments.get(document);
  if (known !== undefined) return known;
  const walked = walk(document);
  if (Math.abs(walked) > MEMO_FROM_VALUES) smallDocuments.set(document, walked > 0);
  return walked > 0;
}

/** The number of values walked: positive for a small document, negative once past a limit. */
function walk(document: unknown): number {
  let values = 0;
  let chars = 0;
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    values += 1;
    if (typeof value === 'string') chars += value.length;
    else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        chars += key.length;
        stack.push(item);
      }
    }
    if (values > INLINE_DOCUMENT_VALUES || chars > INLINE_DOCUMENT_CHARS) return -values;
  }
  return values;
}
