import { describe, expect, it } from 'vitest';
import {
  linearRegExp,
  MAX_PATTERN_LENGTH,
  MAX_PROGRAM_SIZE,
  type PatternConstruct,
  translate,
  UnsupportedPatternError,
} from './re2-pattern.js';

/** Strings every table pattern also sees: line terminators, Unicode spaces, astral and lone surrogates. */
const TRICKY = ['', ' ', '\n', 'a\n', '\r', '\u2028', '\u00a0', '\ufeff', '\u000b', 'é', '😀', '\ud800', 'a\u0000b'];

/** The answer of JavaScript's RegExp, which linearRegExp must give. */
function nativeTest(pattern: string, input: string, flags = 'u'): boolean {
  return new RegExp(pattern, flags).test(input);
}

function expectSameAsNative(pattern: string, inputs: readonly string[], flags = 'u'): void {
  const regExp = linearRegExp(pattern, flags);
  const native = new RegExp(pattern, flags);
  const differences: string[] = [];
  for (const input of inputs) {
    const answer = regExp.test(input);
    if (answer !== native.test(input)) differences.push(`${JSON.stringify(input)}: RE2 ${answer}, RegExp ${!answer}`);
  }
  expect(differences, `/${pattern}/${flags}`).toEqual([]);
}

interface Case {
  name: string;
  pattern: string;
  match: string[];
  noMatch: string[];
}

const REAL_WORLD: Case[] = [
  {
    name: 'slug',
    pattern: '^[a-z]+(-[a-z]+)*$',
    match: ['abc', 'my-slug-here'],
    noMatch: ['-abc', 'abc-', 'a--b', 'Abc', 'a_b'],
  },
  {
    name: 'semver',
    pattern:
      '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)' +
      '(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$',
    match: ['1.2.3', '0.0.0', '1.0.0-alpha.1', '1.0.0+build.5', '10.20.30-rc.1+sha.abc'],
    noMatch: ['1.2', '01.2.3', '1.2.3-', '1.2.3-01', 'v1.2.3'],
  },
  {
    name: 'UUID',
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$',
    match: ['123e4567-e89b-12d3-a456-426614174000', 'C56A4180-65AA-42EC-A945-5FD21DEC0538'],
    noMatch: [
      '123e4567-e89b-12d3-c456-426614174000',
      '123e4567e89b12d3a456426614174000',
      'g23e4567-e89b-12d3-a456-426614174000',
    ],
  },
  {
    name: 'ISO 8601 date',
    pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
    match: ['2024-02-29', '1999-12-31'],
    noMatch: ['2024-13-01', '2024-00-10', '2024-1-1', '２０２４-01-01', '2024-01-01\n'],
  },
  {
    name: 'ISO 8601 date-time',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
    match: ['2024-05-01T12:30:00Z', '2024-05-01T12:30:00.123+02:00'],
    noMatch: ['2024-05-01 12:30:00Z', '2024-05-01T12:30Z', '2024-05-01T12:30:00'],
  },
  {
    name: 'e-mail-like',
    pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    match: ['a@b.co', 'first.last+tag@example.org', 'ü@exämple.de'],
    noMatch: ['a@b', 'a b@c.d', 'a\u00a0b@c.d', 'a@b@c.d', 'a\u3000@b.c', 'a\ufeff@b.c'],
  },
  {
    name: 'E.164 phone',
    pattern: '^\\+[1-9]\\d{1,14}$',
    match: ['+14155552671', '+442071838750'],
    noMatch: ['14155552671', '+0123', '+1234567890123456', '+1 415'],
  },
  {
    name: 'hex colour',
    pattern: '^#(?:[0-9a-fA-F]{3}){1,2}$',
    match: ['#fff', '#A0b1C2'],
    noMatch: ['fff', '#ffff', '#ggg', '#12345'],
  },
  {
    name: 'IPv4',
    pattern: '^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$',
    match: ['192.168.0.1', '255.255.255.255', '0.0.0.0'],
    noMatch: ['256.1.1.1', '1.1.1', '01.1.1.1', '1.1.1.1.1'],
  },
  {
    name: 'ULID',
    pattern: '^[0-7][0-9A-HJKMNP-TV-Z]{25}$',
    match: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    noMatch: ['81ARZ3NDEKTSV4RRFFQ69G5FAV', '01ARZ3NDEKTSV4RRFFQ69G5FAI', '01arz3ndektsv4rrffq69g5fav'],
  },
  { name: 'country code', pattern: '^[A-Z]{2}$', match: ['FR', 'US'], noMatch: ['fr', 'FRA', 'F', 'É1'] },
  {
    name: 'IBAN-ish',
    pattern: '^[A-Z]{2}\\d{2}[A-Z0-9]{11,30}$',
    match: ['GB82WEST12345698765432', 'DE89370400440532013000'],
    noMatch: ['GB82', 'gb82WEST12345698765432', 'GB82 WEST 1234 5698 7654 32'],
  },
  {
    name: 'US ZIP',
    pattern: '^\\d{5}(-\\d{4})?$',
    match: ['12345', '12345-6789'],
    noMatch: ['1234', '12345-678', '123456'],
  },
  {
    name: 'UK postcode',
    pattern: '^[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}$',
    match: ['SW1A 1AA', 'M1 1AE', 'B338TH'],
    noMatch: ['SW1A-1AA', '1AA SW1', 'sw1a 1aa'],
  },
  {
    name: 'Canadian postal code',
    pattern: '^[A-Za-z]\\d[A-Za-z][ -]?\\d[A-Za-z]\\d$',
    match: ['K1A 0B1', 'k1a-0b1', 'H0H0H0'],
    noMatch: ['K1A  0B1', '123 456', 'K1A0B'],
  },
  {
    name: 'URL-ish',
    pattern: '^https?:\\/\\/[^\\s/$.?#].[^\\s]*$',
    match: ['https://example.com', 'http://a.b/c?d=e#f', 'https://exämple.de/ü'],
    noMatch: ['ftp://example.com', 'https://', 'https://exa mple.com', 'https:// example.com', 'https://a.b/\u2028'],
  },
  {
    name: 'username',
    pattern: '^[a-zA-Z0-9_]{3,16}$',
    match: ['bob', 'Alice_99'],
    noMatch: ['ab', 'a-very-long-username-here', 'bob!', 'bøb'],
  },
  {
    name: 'time HH:MM',
    pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    match: ['00:00', '23:59', '09:05'],
    noMatch: ['24:00', '9:05', '12:60', '12:5'],
  },
  {
    name: 'base64',
    pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
    match: ['', 'TWFu', 'TWE=', 'TQ==', 'aGVsbG8gd29ybGQ='],
    noMatch: ['TWF', 'TQ=', 'TWFu!', 'T==='],
  },
  {
    name: 'JWT-ish',
    pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$',
    match: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_-DEF', 'a.b.'],
    noMatch: ['a.b', 'a..c', 'a.b.c.d', 'a+b.c.d'],
  },
  {
    name: 'MAC address',
    pattern: '^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$',
    match: ['00:1A:2b:3C:4d:5E', '00-1A-2B-3C-4D-5E'],
    noMatch: ['00:1A:2B:3C:4D', '001A2B3C4D5E', '00:1A:2B:3C:4D:5G'],
  },
  {
    name: 'ISBN-10/13',
    pattern: '^(97[89])?\\d{9}[\\dX]$',
    match: ['0306406152', '9780306406157', '080442957X'],
    noMatch: ['030640615', '9790306406157X', '978030640615x'],
  },
  {
    name: 'credit-card-ish digits',
    pattern: '^(?:\\d{4}[ -]?){3}\\d{4}$',
    match: ['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111'],
    noMatch: ['4111 1111 1111', '4111_1111_1111_1111', '4111 1111 1111 11111'],
  },
  {
    name: 'domain name',
    pattern: '^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$',
    match: ['example.com', 'sub.example.co.uk', 'xn--bcher-kva.ch'],
    noMatch: ['-example.com', 'example', 'exa_mple.com', 'example.c'],
  },
  {
    name: 'Unicode letters',
    pattern: '^\\p{L}+$',
    match: ['hello', 'héllo', 'Ωμέγα', '日本語', '𝒜𝒷'],
    noMatch: ['123', 'a b', 'a-b', '😀', ''],
  },
  {
    name: 'Unicode personal name',
    pattern: "^[\\p{L}\\p{M}' -]+$",
    match: ["O'Brien", 'José María', 'Zoë', 'Nguyễn'],
    noMatch: ['R2D2', 'a_b', 'x\u00a0y'],
  },
  {
    name: 'Unicode escapes',
    pattern: '^caf\\u00e9 \\u{1F600}$',
    match: ['café 😀'],
    noMatch: ['cafe 😀', 'café \ud83d', 'café 😀!'],
  },
  {
    name: 'Greek script (long name)',
    pattern: '^\\p{Script=Greek}+$',
    match: ['αβγ', 'Ωμέγα'],
    noMatch: ['abc', 'αb'],
  },
  {
    name: 'Cyrillic script (ISO 15924 code)',
    pattern: '^\\p{sc=Cyrl}+$',
    match: ['Привет'],
    noMatch: ['Hello', 'Прив3т'],
  },
  {
    name: 'General_Category long name',
    pattern: '^\\p{General_Category=Decimal_Number}+$',
    match: ['123', '١٢٣', '１２３'],
    noMatch: ['12a', 'Ⅻ'],
  },
  {
    name: 'no surrounding whitespace',
    pattern: '^\\S(.*\\S)?$',
    match: ['a', 'a b', 'é😀'],
    noMatch: [' a', 'a ', '\u00a0a', 'a\ufeff', 'a\u2028b', 'a\rb', '\u3000'],
  },
  {
    name: 'decimal number',
    pattern: '^-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?$',
    match: ['0', '-12.5', '6.02e23', '1E-9'],
    noMatch: ['01', '1.', '.5', '1e', '--1'],
  },
  {
    name: 'API path with escaped slashes',
    pattern: '^\\/api\\/v[0-9]+\\/[a-z-]+$',
    match: ['/api/v1/users', '/api/v22/user-groups'],
    noMatch: ['/api/v/users', 'api/v1/users', '/api/v1/Users'],
  },
  {
    name: 'no control characters',
    pattern: '^[^\\x00-\\x1F\\x7F]*$',
    match: ['plain text', 'ünïcödé 😀'],
    noMatch: ['tab\there', 'nul\u0000', 'del\u007f'],
  },
  { name: 'anchored end', pattern: '^abc$', match: ['abc'], noMatch: ['abc\n', '\nabc', 'abcd', 'xabc'] },
  {
    name: 'word boundary',
    pattern: '\\bcat\\b',
    match: ['a cat sat', 'cat', 'cat!'],
    noMatch: ['concatenate', 'cats', 'écatb'],
  },
  {
    name: 'named groups',
    pattern: '^(?<year>\\d{4})-(?<month>\\d{2})$',
    match: ['2024-05'],
    noMatch: ['2024-5', '24-05'],
  },
  { name: 'lazy quantifier', pattern: '^<.+?>$', match: ['<a>', '<a><b>'], noMatch: ['<>', '<a\n>'] },
  {
    name: 'dot is one code point',
    pattern: '^.{3}$',
    match: ['abc', 'a😀c', '😀😀😀', 'a\ud800c'],
    noMatch: ['ab', 'a\nc', 'a\u2029c', '😀😀'],
  },
  { name: '[^] and []', pattern: '^[^]{2}[]?$', match: ['\n\r', '😀\n'], noMatch: ['a', 'abc'] },
  {
    name: 'control and hex escapes',
    pattern: '^\\x41\\u0042\\u{43}\\cJ\\t\\0$',
    match: ['ABC\n\t\u0000'],
    noMatch: ['ABC\n\t0', 'abc\n\t\u0000'],
  },
  { name: 'surrogate pair escape', pattern: '^\\uD83D\\uDE00+$', match: ['😀', '😀😀'], noMatch: ['\ud83d', '😃'] },
  { name: 'lone surrogate escape', pattern: '\\uD83D', match: ['\ud83d', 'a\ud83db'], noMatch: ['😀', 'a'] },
  {
    name: 'class escapes',
    pattern: '^[\\w\\-.\\/\\]\\\\]+$',
    match: ['a-b.c/d]e\\f', '_'],
    noMatch: ['a b', 'a+b', 'é'],
  },
  {
    name: 'Unicode spaces',
    pattern: '^\\s+$',
    match: [' \t\n\r\u000b\f', '\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'],
    noMatch: ['\u200b', '\u180e', 'a'],
  },
];

describe('linearRegExp: real-world patterns answer as JavaScript RegExp does', () => {
  it.each(REAL_WORLD)('$name', ({ pattern, match, noMatch }) => {
    for (const input of match) expect(nativeTest(pattern, input), `sample ${JSON.stringify(input)}`).toBe(true);
    for (const input of noMatch) expect(nativeTest(pattern, input), `sample ${JSON.stringify(input)}`).toBe(false);
    expectSameAsNative(pattern, [...match, ...noMatch, ...TRICKY]);
  });

  it('has more than 30 patterns', () => {
    expect(REAL_WORLD.length).toBeGreaterThan(30);
  });
});

describe('linearRegExp: built-in classes, over every BMP code point and a sample of astral ones', () => {
  const codePoints: number[] = [];
  for (let cp = 0; cp <= 0xffff; cp++) codePoints.push(cp); // lone surrogates included
  for (let cp = 0x10000; cp <= 0x10ffff; cp += 0x3f1) codePoints.push(cp);
  const inputs = codePoints.map((cp) => String.fromCodePoint(cp));

  it.each([
    '\\s',
    '\\S',
    '\\w',
    '\\W',
    '\\d',
    '\\D',
    '.',
    '[^\\s\\w]',
    '\\p{L}',
    '\\P{Lu}',
    '\\p{Assigned}',
    '\\p{ASCII}',
  ])('%s', (pattern) => {
    expectSameAsNative(`^${pattern}$`, inputs);
  });

  it.each([
    ['\\w', 'ui'],
    ['\\W', 'ui'],
    ['[a-z]', 'ui'],
    ['[^a-z]', 'ui'],
    ['\\p{Lu}', 'ui'],
    ['.', 'us'],
  ])('%s with flags %s', (pattern, flags) => {
    expectSameAsNative(`^${pattern}$`, inputs, flags);
  });
});

describe('linearRegExp: catastrophic patterns run in linear time', () => {
  const n = 50_000;
  it.each([
    ['^(a+)+$', 'a'.repeat(n) + '!', false],
    ['^(a+)+$', 'a'.repeat(n), true],
    ['^(\\w+\\s?)*$', 'a'.repeat(n) + '!', false],
    ['^(\\w+\\s?)*$', 'ab '.repeat(n / 2), true],
    ['^(a|aa)+$', 'a'.repeat(n) + 'b', false],
    ['^(a|aa)+$', 'a'.repeat(n), true],
    ['^\\d*\\d*\\d*$', '1'.repeat(n) + 'x', false],
    ['^\\d*\\d*\\d*$', '1'.repeat(n), true],
    ['(x+x+)+y', 'x'.repeat(n), false],
    ['(x+x+)+y', 'x'.repeat(n) + 'y', true],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(n) + '!', false],
    [
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
      'a'.repeat(n) + '!',
      false,
    ],
  ] as const)('%s, 50,000-character input #%#', (pattern, input, expected) => {
    expect(linearRegExp(pattern, 'u').test(input)).toBe(expected);
  });
});

function refusal(pattern: string, flags = 'u'): UnsupportedPatternError {
  try {
    linearRegExp(pattern, flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedPatternError);
    return error as UnsupportedPatternError;
  }
  throw new Error(`pattern ${JSON.stringify(pattern)} was accepted`);
}

describe('linearRegExp: refusals name the construct', () => {
  it.each([
    ['a(?=b)', 'lookahead', /uses a lookahead \(\(\?=…\)\), which the linear-time regex engine \(RE2\) cannot run/],
    ['^(?!admin$).*$', 'lookahead', /negative lookahead \(\(\?!…\)\)/],
    ['^(?:(?!--).)*$', 'lookahead', /negative lookahead/],
    ['^(?=.*\\d)(?=.*[a-z]).{8,}$', 'lookahead', /uses a lookahead/],
    ['(?<=\\$)\\d+', 'lookbehind', /uses a lookbehind \(\(\?<=…\)\)/],
    ['(?<!-)\\d+', 'lookbehind', /negative lookbehind \(\(\?<!…\)\)/],
    ['^(a)\\1$', 'backreference', /backreference \(\\1\)/],
    ['^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10$', 'backreference', /backreference \(\\10\)/],
    ['^(?<q>["\'])\\w+\\k<q>$', 'backreference', /backreference \(\\k<q>\)/],
    ['^a{1001}$', 'repetition-count', /repetition count above 1000 \(\{1001\}\)/],
    ['^.{0,5000}$', 'repetition-count', /\{0,5000\}/],
    ['^(?:a{100}){100}$', 'repetition-count', /nested repetition counts/],
    ['\\p{scx=Latin}', 'unicode-property', /Unicode property \\p\{scx=Latin\}/],
    ['\\p{ID_Start}', 'unicode-property', /Unicode property \\p\{ID_Start\}/],
  ] as Array<[string, PatternConstruct, RegExp]>)('%s → %s', (pattern, construct, message) => {
    const error = refusal(pattern);
    expect(error.construct).toBe(construct);
    expect(error.pattern).toBe(pattern);
    expect(error.name).toBe('UnsupportedPatternError');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(JSON.stringify(pattern));
  });

  it.each([
    '(',
    'a)',
    '[a-',
    '*a',
    'a**',
    'a{2,1}',
    '[z-a]',
    '\\p{Foo}',
    '\\u{110000}',
    '\\k<nope>',
    '(?<n>a)(?<n>b)',
    '\\-',
    'a{',
    '\\1',
  ])('invalid syntax: %s', (pattern) => {
    const error = refusal(pattern);
    expect(error.construct).toBe('invalid-syntax');
    expect(error.message).toMatch(/^pattern ".*" is not a valid regular expression: \w+/);
    expect(() => new RegExp(pattern, 'u')).toThrow(SyntaxError);
  });

  it('gives the reason of the native parser, not the whole pattern again', () => {
    expect(refusal('(').message).toBe('pattern "(" is not a valid regular expression: Unterminated group');
    expect(refusal(`${'a'.repeat(5000)}(`).message.length).toBeLessThan(200);
  });

  it('refuses patterns longer than MAX_PATTERN_LENGTH, naming the limit', () => {
    expect(MAX_PATTERN_LENGTH).toBe(10_000);
    const error = refusal('a'.repeat(MAX_PATTERN_LENGTH + 1));
    expect(error.construct).toBe('too-long');
    expect(error.message).toContain('10001 characters long, more than the limit of 10000 characters');
    expect(error.message.length).toBeLessThan(300);
    const longest = '[a-z]'.repeat(MAX_PATTERN_LENGTH / 5);
    expect(longest).toHaveLength(MAX_PATTERN_LENGTH);
    expect(linearRegExp(longest).test('x'.repeat(MAX_PATTERN_LENGTH / 5))).toBe(true);
  });

  it('refuses a short pattern that compiles to a large RE2 program', () => {
    const error = refusal('[a-z]{1000}[0-9]{1000}'.repeat(6)); // 132 characters, 12,002 instructions
    expect(error.construct).toBe('too-large');
    expect(error.message).toContain(`more than the limit of ${MAX_PROGRAM_SIZE}`);
  });

  it('refuses nesting deeper than RE2 accepts', () => {
    const error = refusal('('.repeat(1001) + 'a' + ')'.repeat(1001));
    expect(error.construct).toBe('too-large');
  });

  it.each(['m', 'g', 'y', 'v'])('refuses the flag %s', (flag) => {
    const error = refusal('a', flag);
    expect(error.construct).toBe('flag');
    expect(error.message).toContain(`the flag "${flag}"`);
  });

  it('refuses unknown or repeated flags as invalid', () => {
    expect(refusal('a', 'q').construct).toBe('invalid-syntax');
    expect(refusal('a', 'uu').construct).toBe('invalid-syntax');
  });

  it('refuses \\P{…} with the i flag (ECMAScript folds the complement, RE2 complements the folding)', () => {
    expect(new RegExp('\\P{Lu}', 'iu').test('A')).toBe(true);
    expect(refusal('\\P{Lu}', 'ui').construct).toBe('ignore-case-negated-property');
    expect(refusal('[\\P{ASCII}]', 'ui').construct).toBe('ignore-case-negated-property');
  });

  it('refuses \\b and \\B with the i flag (ECMAScript then counts U+017F and U+212A as word characters)', () => {
    expect(new RegExp('\\bs', 'iu').test('ſ')).toBe(true); // RE2's (?i)\bs: false
    expect(refusal('\\bs', 'ui').construct).toBe('ignore-case-word-boundary');
    expect(refusal('a\\B', 'ui').construct).toBe('ignore-case-word-boundary');
  });
});

describe('linearRegExp: the object ajv and hyperjump receive', () => {
  it('is cached by flags and source, and prints like a RegExp (ajv keys patterns by toString)', () => {
    const a = linearRegExp('^[a-z]+$', 'u');
    expect(linearRegExp('^[a-z]+$', 'u')).toBe(a);
    expect(linearRegExp('^[a-z]+$')).toBe(a);
    expect(linearRegExp('^[a-z]+$', 'ui')).not.toBe(a);
    expect(a.source).toBe('^[a-z]+$');
    expect(String(a)).toBe('/^[a-z]+$/u');
    expect(String(linearRegExp('^[0-9]+$'))).not.toBe(String(a));
  });

  it('searches unanchored, like RegExp.prototype.test, and keeps no state between calls', () => {
    const regExp = linearRegExp('b+');
    expect(regExp.test('aabba')).toBe(true);
    expect(regExp.test('aabba')).toBe(true);
    expect(regExp.test('aaa')).toBe(false);
  });

  it('takes the flags "" (read as "u"), "i" and "s"', () => {
    expect(linearRegExp('^.$', '').test('😀')).toBe(true);
    expectSameAsNative('^ab.c$', ['ABxC', 'ab\nc', 'AB\nC'], 'ui');
    expectSameAsNative('^ab.c$', ['ABxC', 'ab\nc', 'AB\nC'], 'us');
    expectSameAsNative('^ſ\\u212a$', ['SK', 'sk', 'ſK'], 'ui');
  });

  it('translates to RE2 syntax', () => {
    expect(translate('^[a-z]+(-[a-z]+)*$')).toBe('^[a-z]+(?:\\-[a-z]+)*$');
    expect(translate('(?<year>\\d{4})\\/.')).toBe('(?:[0-9]{4})\\/[^\\x{A}\\x{D}\\x{2028}-\\x{2029}]');
    expect(translate('\\u{1F600}\\uD83D\\uDE00\\p{sc=Grek}\\p{Letter}')).toBe('\\x{1F600}\\x{1F600}\\p{Greek}\\p{L}');
    const classes = translate('[]|[^]|\\S');
    expect(
      classes.startsWith('[^\\x{0}-\\x{10FFFF}]|[\\x{0}-\\x{10FFFF}]|[\\x{0}-\\x{8}\\x{E}-\\x{1F}\\!-\\x{9F}'),
    ).toBe(true);
    expect(classes.endsWith('\\x{3001}-\\x{FEFE}\\x{FF00}-\\x{10FFFF}]')).toBe(true);
  });

  it('translates the ES2025 modifiers that newer Node versions accept', () => {
    const plain = { ignoreCase: false, dotAll: false };
    expect(translate('(?i:a)b', plain)).toBe('(?i:a)b');
    expect(translate('a(?-i:b)', { ignoreCase: true, dotAll: false })).toBe('(?i:a(?-i:b))');
    expect(translate('(?s:.)', plain)).toBe('(?:[\\x{0}-\\x{10FFFF}])');
    expect(() => translate('(?m:^a)', plain)).toThrow(/the modifier "m"/);
  });
});

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPattern(random: () => number, alphabet: readonly string[], wordBoundaries: boolean): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let groups = 0;
  const atom = (depth: number): string => {
    const roll = random();
    if (roll < 0.4) return pick(alphabet);
    if (roll < 0.5) return '.';
    if (roll < 0.7) {
      const negate = random() < 0.3 ? '^' : '';
      // In a class `-` is written `\-`, so that it never makes a range of its neighbours.
      const member = (char: string): string => (char === '-' ? '\\-' : char);
      const range = (): string => {
        const [from, to] = [pick(alphabet), pick(alphabet)].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
        return `${member(from!)}-${member(to!)}`;
      };
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        random() < 0.3 ? range() : pick([...alphabet.map(member), '\\d', '\\s', '\\w', '\\W']),
      );
      return `[${negate}${items.join('')}]`;
    }
    if (roll < 0.75) return pick(['\\d', '\\s', '\\w', '\\S']);
    if (depth <= 0) return pick(alphabet);
    const open = pick(['(', '(?:', `(?<g${groups++}>`]);
    return `${open}${disjunction(depth - 1)})`;
  };
  const quantifier = (): string => {
    const roll = random();
    if (roll < 0.55) return '';
    const m = Math.floor(random() * 3);
    const q = pick(['?', '*', '+', `{${m}}`, `{${m},}`, `{${m},${m + Math.floor(random() * 3)}}`]);
    return random() < 0.2 ? `${q}?` : q;
  };
  const term = (depth: number): string => {
    const roll = random();
    if (roll < 0.08) return '^';
    if (roll < 0.16) return '$';
    if (roll < 0.2 && wordBoundaries) return pick(['\\b', '\\B']);
    return atom(depth) + quantifier();
  };
  const alternative = (depth: number): string =>
    Array.from({ length: 1 + Math.floor(random() * 4) }, () => term(depth)).join('');
  const disjunction = (depth: number): string =>
    Array.from({ length: random() < 0.7 ? 1 : 2 + Math.floor(random() * 2) }, () => alternative(depth)).join('|');
  return disjunction(2);
}

function randomString(random: () => number, alphabet: readonly string[]): string {
  const length = Math.floor(random() * 9);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

describe('linearRegExp: random patterns answer as JavaScript RegExp does', () => {
  it.each([
    { seed: 1, flags: 'u', patternAlphabet: ['a', 'b', 'c'], textAlphabet: ['a', 'b', 'c', ' ', '1', '\n', '😀'] },
    {
      seed: 2,
      flags: 'u',
      patternAlphabet: ['a', 'b', '-', '😀', 'é'],
      textAlphabet: ['a', 'b', '-', '😀', 'é', '\u00a0', '\r'],
    },
    {
      seed: 3,
      flags: 'ui',
      patternAlphabet: ['a', 'B', 'k', 's'],
      textAlphabet: ['a', 'A', 'b', 'B', 'k', 'K', '\u212a', 's', 'ſ'],
    },
    { seed: 4, flags: 'us', patternAlphabet: ['a', 'b'], textAlphabet: ['a', 'b', '\n', '\u2028'] },
  ])('seed $seed, flags $flags', ({ seed, flags, patternAlphabet, textAlphabet }) => {
    const random = prng(seed);
    let cases = 0;
    for (let i = 0; i < 400; i++) {
      const pattern = randomPattern(random, patternAlphabet, !flags.includes('i'));
      const inputs = Array.from({ length: 8 }, () => randomString(random, textAlphabet));
      expectSameAsNative(pattern, inputs, flags);
      cases += inputs.length;
    }
    expect(cases).toBe(3200);
  });
});
