import { RE2JS, RE2JSException } from 're2js';
import { LruMap } from '../lru-map.js';

/**
 * JSON Schema `pattern` / `patternProperties` on RE2 (the pure-JS port `re2js`): matching takes
 * time linear in the input whatever the pattern, so a schema cannot block the event loop with a
 * catastrophically backtracking regex (`^(a+)+$` on "aaaa…!" answers at once).
 *
 * Patterns are ECMAScript regexes (JSON Schema says ECMA-262) read with the `u` flag, as ajv and
 * @hyperjump/json-schema do. They are checked with the native parser (`new RegExp`), so exactly
 * the ECMAScript syntax is accepted, then translated to RE2 syntax construct by construct, keeping
 * JavaScript's answers: `.`, `\s`, `\w`, `\d`, `$`, escapes, classes, Unicode properties (see
 * {@link translate}). What RE2 cannot run is refused with an {@link UnsupportedPatternError} naming
 * the construct: lookahead, lookbehind, backreferences, repetition counts above 1000, …
 */

/** Longest pattern accepted (UTF-16 code units, i.e. `pattern.length`). */
export const MAX_PATTERN_LENGTH = 10_000;

/** Largest count in `{m,n}` RE2 runs (its own limit; nested counts multiply and share it). */
export const MAX_REPEAT_COUNT = 1000;

/**
 * Largest compiled RE2 program (instructions) accepted. Matching is linear in the input, but the
 * cost per input character grows with the program when the DFA gives up and the NFA runs: about
 * 7-8 ns per instruction per character (`[ab]*a[ab]{1000}$`, 1006 instructions: 0.47 s for 50,000
 * characters). A short pattern can compile big: `[a-z]{1000}` is 1000 instructions.
 */
export const MAX_PROGRAM_SIZE = 10_000;

/** Deepest group nesting accepted (RE2's own limit). */
export const MAX_NESTING_DEPTH = 1000;

/** How many compiled patterns are kept; the least recently used goes first. */
export const PATTERN_CACHE_SIZE = 1000;

/** A compiled pattern: `test` answers as `new RegExp(source, 'u').test` does, in linear time. */
export interface LinearRegExp {
  test(input: string): boolean;
  readonly source: string;
  /** `/source/flags`, as RegExp prints: ajv keys the patterns of a schema by `toString()`. */
  toString(): string;
}

/** Why a pattern is refused. */
export type PatternConstruct =
  | 'lookahead'
  | 'lookbehind'
  | 'backreference'
  | 'repetition-count'
  | 'unicode-property'
  | 'ignore-case-negated-property'
  | 'ignore-case-word-boundary'
  | 'flag'
  | 'too-long'
  | 'too-large'
  | 'invalid-syntax'
  | 'unsupported';

/** A pattern that is not valid, or that uses a construct RE2 cannot run. */
export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';

  constructor(
    /** The construct refused (`'invalid-syntax'` when the pattern is not a valid regex). */
    readonly construct: PatternConstruct,
    /** The pattern as given. */
    readonly pattern: string,
    message: string,
  ) {
    super(message);
  }
}

type Range = readonly [number, number];

const MAX_CODE_POINT = 0x10ffff;
const ANY: readonly Range[] = [[0, MAX_CODE_POINT]];
const DIGIT: readonly Range[] = [[0x30, 0x39]];
const WORD: readonly Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** `\w` with the `i` and `u` flags also holds ſ (U+017F) and the Kelvin sign (U+212A), which fold to s and k. */
const WORD_IGNORE_CASE: readonly Range[] = normalize([...WORD, [0x17f, 0x17f], [0x212a, 0x212a]]);
/** JavaScript's `\s`: WhiteSpace (with U+FEFF and every Zs) and LineTerminator. */
const SPACE: readonly Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** What JavaScript's `.` does not match without the `s` flag. */
const LINE_TERMINATOR: readonly Range[] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function complement(ranges: readonly Range[]): Range[] {
  const result: Range[] = [];
  let next = 0;
  for (const [from, to] of normalize(ranges)) {
    if (from > next) result.push([next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

/** A code point in RE2 syntax: letters and digits as they are, ASCII punctuation `\`-escaped, anything else `\x{…}`. */
function codePointText(cp: number): string {
  const isAlnum = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  if (isAlnum) return String.fromCharCode(cp);
  if (cp > 0x20 && cp < 0x7f) return `\\${String.fromCharCode(cp)}`;
  return `\\x{${cp.toString(16).toUpperCase()}}`;
}

function rangesText(ranges: readonly Range[]): string {
  return ranges
    .map(([from, to]) => (from === to ? codePointText(from) : `${codePointText(from)}-${codePointText(to)}`))
    .join('');
}

/** A class matching `ranges` (or their complement); `[]` means "nothing" in ECMAScript, not in RE2. */
function classText(ranges: readonly Range[], negate: boolean): string {
  if (ranges.length === 0) return negate ? `[${rangesText(ANY)}]` : `[^${rangesText(ANY)}]`;
  return `[${negate ? '^' : ''}${rangesText(ranges)}]`;
}

/** General_Category values and aliases (ECMA-262 table "Value aliases and canonical values for General_Category"). */
const GENERAL_CATEGORIES: ReadonlyMap<string, string> = new Map(
  (
    'C:Other Cc:Control:cntrl Cf:Format Cn:Unassigned Co:Private_Use Cs:Surrogate L:Letter ' +
    'LC:Cased_Letter Ll:Lowercase_Letter Lm:Modifier_Letter Lo:Other_Letter Lt:Titlecase_Letter ' +
    'Lu:Uppercase_Letter M:Mark:Combining_Mark Mc:Spacing_Mark Me:Enclosing_Mark Mn:Nonspacing_Mark ' +
    'N:Number Nd:Decimal_Number:digit Nl:Letter_Number No:Other_Number P:Punctuation:punct ' +
    'Pc:Connector_Punctuation Pd:Dash_Punctuation Pe:Close_Punctuation Pf:Final_Punctuation ' +
    'Pi:Initial_Punctuation Po:Other_Punctuation Ps:Open_Punctuation S:Symbol Sc:Currency_Symbol ' +
    'Sk:Modifier_Symbol Sm:Math_Symbol So:Other_Symbol Z:Separator Zl:Line_Separator ' +
    'Zp:Paragraph_Separator Zs:Space_Separator'
  )
    .split(' ')
    .flatMap((entry) => {
      const names = entry.split(':');
      const short = names[0]!;
      return names.map((name) => [name, short] as const);
    }),
);

/** The binary properties RE2 knows, by every name ECMAScript accepts for them. */
const BINARY_PROPERTIES: ReadonlyMap<string, string> = new Map(
  (
    'ASCII_Hex_Digit:AHex Alphabetic:Alpha Dash Emoji Emoji_Component:EComp Emoji_Modifier:EMod ' +
    'Emoji_Modifier_Base:EBase Emoji_Presentation:EPres Extended_Pictographic:ExtPict Hex_Digit:Hex ' +
    'Lowercase:Lower Math Quotation_Mark:QMark Terminal_Punctuation:Term Uppercase:Upper White_Space:space'
  )
    .split(' ')
    .flatMap((entry) => {
      const names = entry.split(':');
      const long = names[0]!;
      return names.map((name) => [name, long] as const);
    }),
);

/** ISO 15924 codes ECMAScript accepts for a Script, to the long names RE2 knows (Unicode 17). */
const SCRIPT_CODES: ReadonlyMap<string, string> = new Map(
  (
    'Adlm:Adlam Aghb:Caucasian_Albanian Arab:Arabic Armi:Imperial_Aramaic Armn:Armenian Avst:Avestan ' +
    'Bali:Balinese Bamu:Bamum Bass:Bassa_Vah Batk:Batak Beng:Bengali Berf:Beria_Erfe Bhks:Bhaiksuki ' +
    'Bopo:Bopomofo Brah:Brahmi Brai:Braille Bugi:Buginese Buhd:Buhid Cakm:Chakma ' +
    'Cans:Canadian_Aboriginal Cari:Carian Cher:Cherokee Chrs:Chorasmian Copt:Coptic Cpmn:Cypro_Minoan ' +
    'Cprt:Cypriot Cyrl:Cyrillic Deva:Devanagari Diak:Dives_Akuru Dogr:Dogra Dsrt:Deseret ' +
    'Dupl:Duployan Egyp:Egyptian_Hieroglyphs Elba:Elbasan Elym:Elymaic Ethi:Ethiopic Gara:Garay ' +
    'Geor:Georgian Glag:Glagolitic Gong:Gunjala_Gondi Gonm:Masaram_Gondi Goth:Gothic Gran:Grantha ' +
    'Grek:Greek Gujr:Gujarati Gukh:Gurung_Khema Guru:Gurmukhi Hang:Hangul Hani:Han Hano:Hanunoo ' +
    'Hatr:Hatran Hebr:Hebrew Hira:Hiragana Hluw:Anatolian_Hieroglyphs Hmng:Pahawh_Hmong ' +
    'Hmnp:Nyiakeng_Puachue_Hmong Hung:Old_Hungarian Ital:Old_Italic Java:Javanese Kali:Kayah_Li ' +
    'Kana:Katakana Khar:Kharoshthi Khmr:Khmer Khoj:Khojki Kits:Khitan_Small_Script Knda:Kannada ' +
    'Krai:Kirat_Rai Kthi:Kaithi Lana:Tai_Tham Laoo:Lao Latn:Latin Lepc:Lepcha Limb:Limbu ' +
    'Lina:Linear_A Linb:Linear_B Lyci:Lycian Lydi:Lydian Mahj:Mahajani Maka:Makasar Mand:Mandaic ' +
    'Mani:Manichaean Marc:Marchen Medf:Medefaidrin Mend:Mende_Kikakui Merc:Meroitic_Cursive ' +
    'Mero:Meroitic_Hieroglyphs Mlym:Malayalam Mong:Mongolian Mroo:Mro Mtei:Meetei_Mayek Mult:Multani ' +
    'Mymr:Myanmar Nagm:Nag_Mundari Nand:Nandinagari Narb:Old_North_Arabian Nbat:Nabataean Nkoo:Nko ' +
    'Nshu:Nushu Ogam:Ogham Olck:Ol_Chiki Onao:Ol_Onal Orkh:Old_Turkic Orya:Oriya Osge:Osage ' +
    'Osma:Osmanya Ougr:Old_Uyghur Palm:Palmyrene Pauc:Pau_Cin_Hau Perm:Old_Permic Phag:Phags_Pa ' +
    'Phli:Inscriptional_Pahlavi Phlp:Psalter_Pahlavi Phnx:Phoenician Plrd:Miao ' +
    'Prti:Inscriptional_Parthian Qaac:Coptic Qaai:Inherited Rjng:Rejang Rohg:Hanifi_Rohingya ' +
    'Runr:Runic Samr:Samaritan Sarb:Old_South_Arabian Saur:Saurashtra Sgnw:SignWriting Shaw:Shavian ' +
    'Shrd:Sharada Sidd:Siddham Sidt:Sidetic Sind:Khudawadi Sinh:Sinhala Sogd:Sogdian Sogo:Old_Sogdian ' +
    'Sora:Sora_Sompeng Soyo:Soyombo Sund:Sundanese Sunu:Sunuwar Sylo:Syloti_Nagri Syrc:Syriac ' +
    'Tagb:Tagbanwa Takr:Takri Tale:Tai_Le Talu:New_Tai_Lue Taml:Tamil Tang:Tangut Tavt:Tai_Viet ' +
    'Tayo:Tai_Yo Telu:Telugu Tfng:Tifinagh Tglg:Tagalog Thaa:Thaana Tibt:Tibetan Tirh:Tirhuta ' +
    'Tnsa:Tangsa Todr:Todhri Tols:Tolong_Siki Tutg:Tulu_Tigalari Ugar:Ugaritic Vaii:Vai Vith:Vithkuqi ' +
    'Wara:Warang_Citi Wcho:Wancho Xpeo:Old_Persian Xsux:Cuneiform Yezi:Yezidi Yiii:Yi ' +
    'Zanb:Zanabazar_Square Zinh:Inherited Zyyy:Common Zzzz:Unknown'
  )
    .split(' ')
    .map((entry) => {
      const [code, name] = entry.split(':');
      return [code!, name!] as const;
    }),
);

const knownToRe2 = new Map<string, boolean>();

/** Whether RE2 knows `\p{name}` (a script's long name). */
function re2Knows(name: string): boolean {
  let known = knownToRe2.get(name);
  if (known === undefined) {
    try {
      RE2JS.compile(`\\p{${name}}`);
      known = true;
    } catch {
      known = false;
    }
    knownToRe2.set(name, known);
  }
  return known;
}

/** A Unicode property in RE2 terms: explicit ranges, or a name for `\p{…}` (`negated`: `\P{…}`). */
type PropertySet = { kind: 'ranges'; ranges: readonly Range[] } | { kind: 'name'; name: string; negated: boolean };

function resolveProperty(body: string): PropertySet | undefined {
  const equals = body.indexOf('=');
  if (equals >= 0) {
    const key = body.slice(0, equals);
    const value = body.slice(equals + 1);
    if (key === 'General_Category' || key === 'gc') {
      const category = GENERAL_CATEGORIES.get(value);
      return category === undefined ? undefined : { kind: 'name', name: category, negated: false };
    }
    if (key === 'Script' || key === 'sc') {
      const name = SCRIPT_CODES.get(value) ?? value;
      return re2Knows(name) ? { kind: 'name', name, negated: false } : undefined;
    }
    return undefined; // Script_Extensions: RE2 has no such tables
  }
  const category = GENERAL_CATEGORIES.get(body);
  if (category !== undefined) return { kind: 'name', name: category, negated: false };
  if (body === 'ASCII') return { kind: 'ranges', ranges: [[0, 0x7f]] };
  if (body === 'Any') return { kind: 'ranges', ranges: ANY };
  if (body === 'Assigned') return { kind: 'name', name: 'Cn', negated: true };
  const binary = BINARY_PROPERTIES.get(body);
  return binary === undefined ? undefined : { kind: 'name', name: binary, negated: false };
}

function propertyText(set: PropertySet & { kind: 'name' }): string {
  return `\\${set.negated ? 'P' : 'p'}{${set.name}}`;
}

/** The flags that change what a pattern matches: `i` and `s` (and their `(?i:…)` modifiers). */
export interface PatternModes {
  readonly ignoreCase: boolean;
  readonly dotAll: boolean;
}

/** One element of a character class: a code point, ranges, or a Unicode property by name. */
type ClassAtom =
  { kind: 'char'; cp: number } | { kind: 'ranges'; ranges: readonly Range[] } | { kind: 'name'; text: string };

const SYNTAX_CHARACTERS = '^$\\.*+?()[]{}|/';
const QUANTIFIER_BRACES = /\{(\d+)(?:(,)(\d*))?\}/y;
const GROUP_MODIFIERS = /\(\?([a-z]*)(?:-([a-z]*))?:/y;

function quote(pattern: string): string {
  return JSON.stringify(pattern.length > 100 ? `${pattern.slice(0, 100)}…` : pattern);
}

/**
 * Translates a pattern the native parser accepted with the `u` flag into RE2 syntax (a recursive
 * descent over ECMAScript's Pattern grammar):
 * - `.` → `[^\n\r\x{2028}\x{2029}]` (all code points with the `s` flag);
 * - `\d` `\w` `\s` and negations → explicit classes (JavaScript's `\s` holds Unicode spaces and
 *   U+FEFF; `\w` with `i` holds U+017F and U+212A);
 * - `^`, `$`, `\b`, `\B` as they are (RE2's `$` without `m` is the end of the text, like JS);
 * - escapes `\t \n \v \f \r \0 \cX \xHH \uHHHH \u{H…}` (a `\uD83D\uDE00` pair is one code point),
 *   `\/` and the other identity escapes → the code point, written `\x{…}` unless alphanumeric;
 * - classes rebuilt from code points and ranges (`[]` → never matches, `[^]` → any code point);
 * - `\p{…}` / `\P{…}`: General_Category values and aliases, `Script=`/`sc=` (long names and
 *   ISO 15924 codes), the binary properties RE2 has, ASCII, Any, Assigned;
 * - every group → `(?:…)` (names and captures do not matter to `test`); `i` → `(?i:…)`;
 * - quantifiers as they are, lazy ones too.
 */
class Translator {
  private pos = 0;
  private depth = 0;

  constructor(private readonly pattern: string) {}

  run(modes: PatternModes): string {
    const body = this.disjunction(modes);
    if (this.pos < this.pattern.length) throw this.unexpected();
    return modes.ignoreCase ? `(?i:${body})` : body;
  }

  private refuse(construct: PatternConstruct, what: string): UnsupportedPatternError {
    return new UnsupportedPatternError(
      construct,
      this.pattern,
      `pattern ${quote(this.pattern)} uses ${what}, which the linear-time regex engine (RE2) cannot run`,
    );
  }

  private unexpected(): UnsupportedPatternError {
    return new UnsupportedPatternError(
      'unsupported',
      this.pattern,
      `pattern ${quote(this.pattern)} could not be translated for the linear-time regex engine (RE2) ` +
        `at offset ${this.pos}`,
    );
  }

  private at(offset = 0): string | undefined {
    return this.pattern[this.pos + offset];
  }

  private startsWith(text: string): boolean {
    return this.pattern.startsWith(text, this.pos);
  }

  private expect(text: string): void {
    if (!this.startsWith(text)) throw this.unexpected();
    this.pos += text.length;
  }

  /** The code point at the current position (a surrogate pair is one), consumed. */
  private codePoint(): number {
    const cp = this.pattern.codePointAt(this.pos);
    if (cp === undefined) throw this.unexpected();
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private disjunction(modes: PatternModes): string {
    let out = this.alternative(modes);
    while (this.at() === '|') {
      this.pos++;
      out += `|${this.alternative(modes)}`;
    }
    return out;
  }

  private alternative(modes: PatternModes): string {
    let out = '';
    for (let c = this.at(); c !== undefined && c !== '|' && c !== ')'; c = this.at()) out += this.term(modes);
    return out;
  }

  private term(modes: PatternModes): string {
    if (this.startsWith('^') || this.startsWith('$') || this.startsWith('\\b') || this.startsWith('\\B')) {
      const assertion = this.at() === '\\' ? this.pattern.slice(this.pos, this.pos + 2) : this.at()!;
      if (assertion.length === 2 && modes.ignoreCase) {
        // With `i` and `u`, ECMAScript's word characters include U+017F and U+212A; RE2's \b is ASCII only.
        throw this.refuse('ignore-case-word-boundary', `a word boundary (${assertion}) with case-insensitive matching`);
      }
      this.pos += assertion.length;
      return assertion;
    }
    if (this.startsWith('(?=')) throw this.refuse('lookahead', 'a lookahead ((?=…))');
    if (this.startsWith('(?!')) throw this.refuse('lookahead', 'a negative lookahead ((?!…))');
    if (this.startsWith('(?<=')) throw this.refuse('lookbehind', 'a lookbehind ((?<=…))');
    if (this.startsWith('(?<!')) throw this.refuse('lookbehind', 'a negative lookbehind ((?<!…))');
    const atom = this.atom(modes);
    return atom + this.quantifier();
  }

  private quantifier(): string {
    let quantifier: string;
    const c = this.at();
    if (c === '*' || c === '+' || c === '?') {
      quantifier = c;
      this.pos++;
    } else if (c === '{') {
      QUANTIFIER_BRACES.lastIndex = this.pos;
      const match = QUANTIFIER_BRACES.exec(this.pattern);
      if (match === null) throw this.unexpected();
      quantifier = match[0];
      const counts = [match[1], match[3]].filter((count) => count !== undefined && count !== '');
      if (counts.some((count) => Number(count) > MAX_REPEAT_COUNT)) {
        throw this.refuse('repetition-count', `a repetition count above ${MAX_REPEAT_COUNT} (${quantifier})`);
      }
      this.pos += quantifier.length;
    } else {
      return '';
    }
    if (this.at() === '?') {
      this.pos++;
      quantifier += '?';
    }
    return quantifier;
  }

  private atom(modes: PatternModes): string {
    switch (this.at()) {
      case '.':
        this.pos++;
        return modes.dotAll ? classText(ANY, false) : classText(LINE_TERMINATOR, true);
      case '(':
        return this.group(modes);
      case '[':
        return this.characterClass(modes);
      case '\\':
        return this.atomEscape(modes);
      case undefined:
      case ')':
      case ']':
      case '{':
      case '}':
      case '*':
      case '+':
      case '?':
      case '|':
        throw this.unexpected();
      default:
        return codePointText(this.codePoint());
    }
  }

  private group(modes: PatternModes): string {
    let open = '(?:';
    let inner = modes;
    if (this.startsWith('(?:')) {
      this.pos += 3;
    } else if (this.startsWith('(?<')) {
      const end = this.pattern.indexOf('>', this.pos);
      if (end < 0) throw this.unexpected();
      this.pos = end + 1;
    } else if (this.startsWith('(?')) {
      // Modifiers, (?i:…) (?-i:…) (?s:…): ES2025, accepted by the native parser of newer Node versions.
      GROUP_MODIFIERS.lastIndex = this.pos;
      const match = GROUP_MODIFIERS.exec(this.pattern);
      if (match === null) throw this.unexpected();
      const added = match[1] ?? '';
      const removed = match[2] ?? '';
      for (const flag of added + removed) {
        if (flag !== 'i' && flag !== 's') throw this.refuse('flag', `the modifier "${flag}" (${match[0]}…)`);
      }
      inner = {
        ignoreCase: added.includes('i') ? true : removed.includes('i') ? false : modes.ignoreCase,
        dotAll: added.includes('s') ? true : removed.includes('s') ? false : modes.dotAll,
      };
      if (inner.ignoreCase !== modes.ignoreCase) open = inner.ignoreCase ? '(?i:' : '(?-i:';
      this.pos += match[0].length;
    } else {
      this.pos++;
    }
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new UnsupportedPatternError(
        'too-large',
        this.pattern,
        `pattern ${quote(this.pattern)} nests groups more than ${MAX_NESTING_DEPTH} deep, ` +
          'more than the linear-time regex engine (RE2) accepts',
      );
    }
    const body = this.disjunction(inner);
    this.expect(')');
    this.depth--;
    return `${open}${body})`;
  }

  private atomEscape(modes: PatternModes): string {
    const next = this.at(1);
    if (next !== undefined && next >= '1' && next <= '9') {
      const digits = /\\\d+/y;
      digits.lastIndex = this.pos;
      throw this.refuse('backreference', `a backreference (${digits.exec(this.pattern)?.[0] ?? '\\1'})`);
    }
    if (next === 'k') {
      const end = this.pattern.indexOf('>', this.pos);
      throw this.refuse('backreference', `a backreference (${this.pattern.slice(this.pos, end + 1)})`);
    }
    const atom = this.classEscape(modes, false);
    switch (atom.kind) {
      case 'char':
        return codePointText(atom.cp);
      case 'ranges':
        return classText(atom.ranges, false);
      case 'name':
        return atom.text;
    }
  }

  /** A `\` escape in a class (`inClass`: `\b` is U+0008, `\-` is allowed) or outside one. */
  private classEscape(modes: PatternModes, inClass: boolean): ClassAtom {
    this.expect('\\');
    const c = this.at();
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': {
        this.pos++;
        const lower = c.toLowerCase();
        const set = lower === 'd' ? DIGIT : lower === 's' ? SPACE : modes.ignoreCase ? WORD_IGNORE_CASE : WORD;
        return { kind: 'ranges', ranges: c === lower ? set : complement(set) };
      }
      case 'p':
      case 'P':
        return this.property(modes, c === 'P');
      case undefined:
        throw this.unexpected();
      default:
        return { kind: 'char', cp: this.characterEscape(inClass) };
    }
  }

  private property(modes: PatternModes, negated: boolean): ClassAtom {
    const start = this.pos - 1;
    this.pos++;
    this.expect('{');
    const end = this.pattern.indexOf('}', this.pos);
    if (end < 0) throw this.unexpected();
    const body = this.pattern.slice(this.pos, end);
    this.pos = end + 1;
    const written = this.pattern.slice(start, this.pos);
    const set = resolveProperty(body);
    if (set === undefined)
      throw this.refuse('unicode-property', `the Unicode property ${written} (RE2 has no table for it)`);
    if (negated && modes.ignoreCase) {
      // ECMAScript folds the complement (so /\P{Lu}/iu matches "A"), RE2 complements the folded set.
      throw this.refuse(
        'ignore-case-negated-property',
        `a negated Unicode property (${written}) with case-insensitive matching`,
      );
    }
    if (set.kind === 'ranges') return { kind: 'ranges', ranges: negated ? complement(set.ranges) : set.ranges };
    return { kind: 'name', text: propertyText({ ...set, negated: set.negated !== negated }) };
  }

  private hex(digits: number): number {
    const text = this.pattern.slice(this.pos, this.pos + digits);
    if (!/^[0-9a-fA-F]+$/.test(text) || text.length !== digits) throw this.unexpected();
    this.pos += digits;
    return parseInt(text, 16);
  }

  /** The code point of a CharacterEscape (after the `\`). */
  private characterEscape(inClass: boolean): number {
    const c = this.at();
    if (c === undefined) throw this.unexpected();
    this.pos++;
    switch (c) {
      case 't':
        return 0x09;
      case 'n':
        return 0x0a;
      case 'v':
        return 0x0b;
      case 'f':
        return 0x0c;
      case 'r':
        return 0x0d;
      case '0':
        return 0;
      case 'c':
        return this.codePoint() % 32;
      case 'x':
        return this.hex(2);
      case 'u': {
        if (this.at() === '{') {
          this.pos++;
          const end = this.pattern.indexOf('}', this.pos);
          if (end < 0) throw this.unexpected();
          const cp = parseInt(this.pattern.slice(this.pos, end), 16);
          this.pos = end + 1;
          return cp;
        }
        const unit = this.hex(4);
        // \uD83D\uDE00: with the `u` flag, a lead and a trail surrogate escaped in a row are one code point.
        if (
          unit >= 0xd800 &&
          unit <= 0xdbff &&
          /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(this.pattern.slice(this.pos, this.pos + 6))
        ) {
          this.pos += 2;
          const trail = this.hex(4);
          return (unit - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000;
        }
        return unit;
      }
      case 'b':
        if (inClass) return 0x08;
        throw this.unexpected();
      case '-':
        if (inClass) return 0x2d;
        throw this.unexpected();
      default:
        if (SYNTAX_CHARACTERS.includes(c)) return c.charCodeAt(0);
        throw this.unexpected();
    }
  }

  private classAtom(modes: PatternModes): ClassAtom {
    if (this.at() === '\\') return this.classEscape(modes, true);
    return { kind: 'char', cp: this.codePoint() };
  }

  private characterClass(modes: PatternModes): string {
    this.expect('[');
    const negate = this.at() === '^';
    if (negate) this.pos++;
    const ranges: Range[] = [];
    const names: string[] = [];
    const add = (atom: ClassAtom): void => {
      if (atom.kind === 'char') ranges.push([atom.cp, atom.cp]);
      else if (atom.kind === 'ranges') ranges.push(...atom.ranges);
      else names.push(atom.text);
    };
    while (this.at() !== ']') {
      if (this.at() === undefined) throw this.unexpected();
      const first = this.classAtom(modes);
      if (this.at() === '-' && this.at(1) !== ']' && this.at(1) !== undefined) {
        this.pos++;
        const last = this.classAtom(modes);
        if (first.kind !== 'char' || last.kind !== 'char' || first.cp > last.cp) throw this.unexpected();
        ranges.push([first.cp, last.cp]);
      } else {
        add(first);
      }
    }
    this.pos++;
    if (names.length === 0) return classText(normalize(ranges), negate);
    return `[${negate ? '^' : ''}${rangesText(normalize(ranges))}${names.join('')}]`;
  }
}

/** The RE2 syntax for an ECMAScript pattern (already checked by the native parser). */
export function translate(pattern: string, modes: PatternModes = { ignoreCase: false, dotAll: false }): string {
  return new Translator(pattern).run(modes);
}

class Re2RegExp implements LinearRegExp {
  constructor(
    readonly source: string,
    readonly flags: string,
    /** The pattern as RE2 runs it. */
    readonly re2Source: string,
    private readonly re2: RE2JS,
  ) {}

  test(input: string): boolean {
    return this.re2.test(typeof input === 'string' ? input : String(input));
  }

  /** Like RegExp's: ajv keys the patterns of a schema by `toString()`. */
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/** Flags taken: `u` (always applied, see below), `i`, `s`; `d` changes nothing `test` sees. */
const ACCEPTED_FLAGS = 'uisd';

function compile(pattern: string, flags: string): Re2RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new UnsupportedPatternError(
      'too-long',
      pattern,
      `pattern ${quote(pattern)} is ${pattern.length} characters long, more than the limit of ` +
        `${MAX_PATTERN_LENGTH} characters`,
    );
  }
  try {
    new RegExp('', flags);
  } catch {
    throw new UnsupportedPatternError(
      'invalid-syntax',
      pattern,
      `pattern ${quote(pattern)} has invalid flags ${JSON.stringify(flags)}`,
    );
  }
  for (const flag of flags) {
    if (!ACCEPTED_FLAGS.includes(flag)) {
      throw new UnsupportedPatternError(
        'flag',
        pattern,
        `pattern ${quote(pattern)} uses the flag "${flag}", which the linear-time regex engine (RE2) cannot run`,
      );
    }
  }
  const modes: PatternModes = { ignoreCase: flags.includes('i'), dotAll: flags.includes('s') };
  // The syntax is ECMAScript's with the `u` flag (as JSON Schema validators use), even when absent.
  try {
    new RegExp(pattern, `u${modes.ignoreCase ? 'i' : ''}${modes.dotAll ? 's' : ''}`);
  } catch (error) {
    // V8 says "Invalid regular expression: /<the whole pattern>/u: <reason>": keep the reason.
    const message = error instanceof Error ? error.message : String(error);
    throw new UnsupportedPatternError(
      'invalid-syntax',
      pattern,
      `pattern ${quote(pattern)} is not a valid regular expression: ${message.slice(message.lastIndexOf(': ') + 2)}`,
    );
  }
  const re2Source = translate(pattern, modes);
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(re2Source);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    if (error.message.includes('invalid repeat count')) {
      throw new UnsupportedPatternError(
        'repetition-count',
        pattern,
        `pattern ${quote(pattern)} uses nested repetition counts whose product is above ${MAX_REPEAT_COUNT}, ` +
          'which the linear-time regex engine (RE2) cannot run',
      );
    }
    const tooLarge = /too large|too deeply/.test(error.message);
    throw new UnsupportedPatternError(
      tooLarge ? 'too-large' : 'unsupported',
      pattern,
      `pattern ${quote(pattern)} cannot be run by the linear-time regex engine (RE2): ${error.message}`,
    );
  }
  const size = re2.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    throw new UnsupportedPatternError(
      'too-large',
      pattern,
      `pattern ${quote(pattern)} compiles to ${size} RE2 instructions, more than the limit of ${MAX_PROGRAM_SIZE}`,
    );
  }
  return new Re2RegExp(pattern, flags, re2Source, re2);
}

const cache = new LruMap<string, Re2RegExp>(PATTERN_CACHE_SIZE);

/**
 * Compiles an ECMAScript-syntax pattern (the `u` flag semantics JSON Schema uses) to an RE2
 * matcher; throws {@link UnsupportedPatternError}. Unanchored search, like RegExp.prototype.test.
 * Cached (least recently used first out, {@link PATTERN_CACHE_SIZE} entries) by flags and source.
 *
 * `flags`: ajv passes "u" (or "" with `unicodeRegExp: false`; read as "u" all the same); `i`, `s`
 * and `d` are taken too; `m`, `g`, `y`, `v` are refused.
 */
export function linearRegExp(pattern: string, flags = 'u'): LinearRegExp {
  const key = `${flags}/${pattern}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compile(pattern, flags);
    cache.set(key, compiled);
  }
  return compiled;
}
