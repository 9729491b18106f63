import { describe, expect, it } from 'vitest';
import { getValidator, validateDocument } from './json-schema.js';
import { MAX_PATTERN_LENGTH, safeRegExp, unsafePatternReason, UnsafePatternError } from './safe-pattern.js';
import { refusalOf } from '../test-support/schema-refusal.js';

const catastrophic = [
  '^(a+)+$',
  '(x+x+)+y',
  '^(a*)*$',
  '^(\\d+)*$',
  '^(\\w+\\s?)*$',
  '(.*a){12}',
  '^(a?){30}$',
  '^((a+)?b)*$',
  '^(a{2,3})+$',
  '^(a|a)*$',
  '(a|aa)+',
  '^(\\w|\\d)+$',
  '^(?:[a-z]|\\p{L})+$',
  '^((ab|a)c)*$',
  '^(?=(a|a)*$)',
];

const ordinary: Array<[pattern: string, matching: string[], notMatching: string[]]> = [
  ['^[a-z]+$', ['abc'], ['abc1', '']],
  ['^\\d{3}-\\d{4}$', ['555-1234'], ['5551234', '555-123']],
  ['^\\p{L}+$', ['héllo', 'Привет'], ['abc1', '']],
  ['^[\\p{Lu}\\d]{2,8}$', ['AB12', 'ÉÀ'], ['ab', 'A']],
  ['^\\u{1F600}+$', ['😀😀'], ['a']],
  ['^(?<year>\\d{4})-(?<month>0[1-9]|1[0-2])$', ['2024-05'], ['2024-13']],
  ['^(\\w|-)+$', ['my-name_1'], ['a b']],
  ['^(?:https?|ftp)://[^\\s/]+(/\\S*)?$', ['https://example.com/x'], ['mailto:x']],
  ['^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', ['a@example.com'], ['a@b']],
  ['^(?!admin$)[a-z]+$', ['alice'], ['admin']],
  ['^-?\\d+(\\.\\d+)?$', ['-12.5', '3'], ['1.', '.5']],
  ['^\\d{1,3}(,\\d{3})*$', ['1,234,567', '12'], ['1,23', '1234']],
  ['^[A-Z]{2}(-[0-9]{4})?$', ['AB-1234', 'AB'], ['AB-12']],
];

describe('safe patterns in JSON Schemas', () => {
  it('refuses ^(a+)+$ at compile time with an InvalidInputError naming the problem', () => {
    const error = refusalOf({ type: 'string', pattern: '^(a+)+$' });
    expect(error.message).toMatch(/^Invalid JSON Schema: pattern "\^\(a\+\)\+\$" may backtrack catastrophically/);
    expect(error.issues).toEqual([{ path: '(root)', message: expect.stringContaining('backtrack') as unknown }]);
    // Refused again (not cached as valid), still without running the pattern.
    expect(refusalOf({ type: 'string', pattern: '^(a+)+$' }).message).toContain('backtrack catastrophically');
  });

  it.each(catastrophic)('refuses %s in pattern and in patternProperties', (pattern) => {
    expect(refusalOf({ type: 'string', pattern }).message).toContain('backtrack catastrophically');
    expect(refusalOf({ type: 'object', patternProperties: { [pattern]: { type: 'string' } } }).message).toContain(
      'backtrack catastrophically',
    );
    // Nested deeper, and with additionalProperties (which also tests the patternProperties keys).
    expect(
      refusalOf({
        type: 'object',
        properties: { tags: { type: 'array', items: { type: 'string', pattern: `x${pattern}` } } },
      }).message,
    ).toContain('backtrack catastrophically');
    expect(
      refusalOf({ type: 'object', patternProperties: { [pattern]: true }, additionalProperties: false }).message,
    ).toContain('backtrack catastrophically');
  });

  it.each(ordinary)('still compiles and applies %s', (pattern, matching, notMatching) => {
    const validator = getValidator({ type: 'string', pattern });
    for (const text of matching) expect(validateDocument(validator, text).valid).toBe(true);
    for (const text of notMatching) {
      expect(validateDocument(validator, text).errors).toEqual([
        { path: '(root)', message: `must match pattern "${pattern}"` },
      ]);
    }
    const keys = getValidator({
      type: 'object',
      patternProperties: { [pattern]: { type: 'integer' } },
      additionalProperties: false,
    });
    expect(validateDocument(keys, Object.fromEntries(matching.map((k) => [k, 1]))).valid).toBe(true);
    expect(validateDocument(keys, { [matching[0]!]: 'x' }).valid).toBe(false);
    expect(validateDocument(keys, Object.fromEntries(notMatching.map((k) => [k, 1]))).valid).toBe(
      notMatching.length === 0,
    );
  });

  it('refuses a pattern longer than the cap, and accepts one at the cap', () => {
    const long = 'a'.repeat(MAX_PATTERN_LENGTH + 1);
    expect(refusalOf({ type: 'string', pattern: long }).message).toContain(
      `longer than ${MAX_PATTERN_LENGTH} characters`,
    );
    expect(refusalOf({ patternProperties: { [long]: true } }).message).toContain('longer than');
    const atCap = getValidator({ type: 'string', pattern: `^${'a'.repeat(MAX_PATTERN_LENGTH - 2)}$` });
    expect(validateDocument(atCap, 'a'.repeat(MAX_PATTERN_LENGTH - 2)).valid).toBe(true);
  });

  it('keeps reporting invalid regular expressions as invalid schemas', () => {
    expect(refusalOf({ type: 'string', pattern: '(' }).message).toMatch(/^Invalid JSON Schema: /);
    // Compiled with the u flag, as ajv does by default: \p needs it, and a lone \- is a syntax error.
    expect(refusalOf({ type: 'string', pattern: 'a\\-b' }).message).toMatch(/^Invalid JSON Schema: /);
  });

  it('leaves ajv-formats working', () => {
    const validator = getValidator({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        when: { type: 'string', format: 'date-time' },
        id: { type: 'string', format: 'uuid' },
        re: { type: 'string', format: 'regex' },
      },
    });
    expect(
      validateDocument(validator, {
        email: 'a@example.com',
        when: '2024-05-01T10:00:00Z',
        id: '123e4567-e89b-12d3-a456-426614174000',
        re: '^(a+)+$',
      }).valid,
    ).toBe(true);
    expect(validateDocument(validator, { email: 'nope', when: 'x', id: 'y', re: '(' }).errors).toHaveLength(4);
  });
});

describe('safeRegExp (ajv code.regExp engine)', () => {
  it('returns a real RegExp with the flags ajv asks for, and names itself for standalone code', () => {
    const unicode = safeRegExp('^\\p{L}$', 'u');
    expect(unicode).toBeInstanceOf(RegExp);
    expect(unicode.flags).toBe('u');
    expect(unicode.test('é')).toBe(true);
    expect(safeRegExp('^a$', '').flags).toBe('');
    expect(typeof safeRegExp.code).toBe('string');
    expect(safeRegExp.code).not.toBe('new RegExp');
  });

  it('throws UnsafePatternError for refused patterns, SyntaxError for invalid ones', () => {
    expect(() => safeRegExp('(a+)+', 'u')).toThrow(UnsafePatternError);
    expect(() => safeRegExp('(', 'u')).toThrow(SyntaxError);
    expect(unsafePatternReason('^[a-z]+$')).toBeUndefined();
  });

  it('documents the known false positives: lookbehind, many quantifiers, unambiguous nesting', () => {
    expect(unsafePatternReason('(?<=\\$)\\d+')).toContain('cannot be analysed');
    expect(unsafePatternReason('^' + 'a?'.repeat(21) + 'a'.repeat(21) + '$')).toContain('more than 20 quantifiers');
    expect(unsafePatternReason('^' + 'a?'.repeat(20) + '\\d{3}'.repeat(10) + '$')).toBeUndefined();
    expect(unsafePatternReason('^[a-z]+(-[a-z]+)*$')).toContain('nested quantifiers');
    expect(unsafePatternReason('(ab|ac)*')).toContain('repeated alternation');
  });

  it('documents a known false negative: polynomial backtracking is not detected', () => {
    expect(unsafePatternReason('^\\d*\\d*\\d*$')).toBeUndefined();
  });
});
