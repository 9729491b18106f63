import { describe, expect, it } from 'vitest';
import { INLINE_DOCUMENT_CHARS, INLINE_DOCUMENT_VALUES, isSmallDocument } from './inline-policy.js';

/** What runs on the event loop is decided by the document's size: values and characters, both bounded. */
describe('isSmallDocument', () => {
  const arrayOf = (values: number) => Array.from({ length: values - 1 }, () => 0); // the array is a value too

  it('counts every value, the containers included, up to INLINE_DOCUMENT_VALUES', () => {
    expect(isSmallDocument(arrayOf(INLINE_DOCUMENT_VALUES))).toBe(true);
    expect(isSmallDocument(arrayOf(INLINE_DOCUMENT_VALUES + 1))).toBe(false);
    expect(isSmallDocument({ a: [1, { b: 2 }], c: null })).toBe(true);
  });

  it('counts the characters of strings and property names, up to INLINE_DOCUMENT_CHARS', () => {
    expect(isSmallDocument('x'.repeat(INLINE_DOCUMENT_CHARS))).toBe(true);
    expect(isSmallDocument('x'.repeat(INLINE_DOCUMENT_CHARS + 1))).toBe(false);
    expect(isSmallDocument({ ['k'.repeat(INLINE_DOCUMENT_CHARS - 1)]: 'vv' })).toBe(false);
    expect(isSmallDocument({ ['k'.repeat(INLINE_DOCUMENT_CHARS - 2)]: 'vv' })).toBe(true);
  });

  it('gives the same verdict every time it is asked about one document, small or not', () => {
    const documents = [{ a: 1 }, arrayOf(500), arrayOf(5000), { big: 'x'.repeat(10_000) }, 7, null];
    const first = documents.map(isSmallDocument);
    expect(first).toEqual([true, true, false, false, true, true]);
    expect(documents.map(isSmallDocument)).toEqual(first);
  });
});
