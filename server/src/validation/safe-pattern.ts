import { createRequire } from 'node:module';
import { type Root, type SetTokens, type Token, types } from 'ret';
import safeRegex from 'safe-regex2';

/**
 * Guards the regular expressions ajv builds from users' schemas (`pattern`, `patternProperties`
 * keys): a pattern that can backtrack catastrophically would block the event loop while a document
 * is validated, so it is refused when the schema is compiled instead.
 *
 * Checks, on the parse tree of `ret` (the parser behind safe-regex2):
 * - a pattern `ret` cannot parse (e.g. lookbehind) is refused;
 * - more than {@link MAX_PATTERN_REPETITIONS} variable quantifiers are refused;
 * - safe-regex2: nested quantifiers (star height > 1, e.g. `(a+)+`, `(x+x+)+y`), on a tree without
 *   the quantifiers that cannot nest harmfully (see {@link withoutHarmlessQuantifiers});
 * - ours: an alternation whose branches can start with the same character inside a repeated group
 *   (e.g. `(a|a)*`, `(\w|\d)+`), which safe-regex2 does not see.
 * Not complete: polynomial backtracking (`\d*\d*\d*$`) and overlaps that only appear after the
 * first character pass; some safe patterns are refused (see safe-pattern.test.ts).
 */

/** Longest pattern accepted (characters). */
export const MAX_PATTERN_LENGTH = 1000;

/**
 * Most variable quantifiers (`?`, `*`, `+`, `{m,n}` with m < n) one pattern may hold: even
 * unnested they can backtrack exponentially in their number (`^a?a?…a?aa…a$`: 24 of them take
 * about a second on a 48-character text). Fixed counts (`{3}`) are not counted.
 */
export const MAX_PATTERN_REPETITIONS = 20;

/** ret is CommonJS whose typings claim a `default` export it does not have at run time. */
const ret = createRequire(import.meta.url)('ret') as {
  (source: string): Root;
  reconstruct(token: Root | Token): string;
};

/** Thrown for a pattern that is refused; ajv passes it up as the compile error. */
export class UnsafePatternError extends Error {
  override readonly name = 'UnsafePatternError';
}

type Ranges = Array<readonly [number, number]>;

const MAX_CODE_POINT = 0x10ffff;
const ANY: Ranges = [[0, MAX_CODE_POINT]];

function normalize(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function complement(ranges: Ranges): Ranges {
  const result: Ranges = [];
  let next = 0;
  for (const [from, to] of normalize(ranges)) {
    if (from > next) result.push([next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

function intersects(a: Ranges, b: Ranges): boolean {
  const x = normalize(a);
  const y = normalize(b);
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const [aFrom, aTo] = x[i]!;
    const [bFrom, bTo] = y[j]!;
    if (aFrom <= bTo && bFrom <= aTo) return true;
    if (aTo < bTo) i++;
    else j++;
  }
  return false;
}

function setRanges(set: SetTokens, not: boolean): Ranges {
  const ranges: Ranges = [];
  for (const item of set) {
    if (item.type === types.CHAR) ranges.push([item.value, item.value]);
    else if (item.type === types.RANGE) ranges.push([item.from, item.to]);
    else ranges.push(...setRanges(item.set, item.not));
  }
  return not ? complement(ranges) : ranges;
}

/** Characters a token can start with, and whether it can match the empty string. */
interface First {
  ranges: Ranges;
  nullable: boolean;
}

function firstOfSequence(tokens: readonly Token[]): First {
  const ranges: Ranges = [];
  for (const token of tokens) {
    const first = firstOfToken(token);
    ranges.push(...first.ranges);
    if (!first.nullable) return { ranges, nullable: false };
  }
  return { ranges, nullable: true };
}

function alternatives(group: { stack?: Token[]; options?: Token[][] }): Token[][] {
  return group.options ?? [group.stack ?? []];
}

function firstOfToken(token: Token): First {
  switch (token.type) {
    case types.CHAR:
      return { ranges: [[token.value, token.value]], nullable: false };
    case types.SET:
      return { ranges: setRanges(token.set, token.not), nullable: false };
    case types.POSITION:
      return { ranges: [], nullable: true };
    case types.REFERENCE:
      return { ranges: ANY, nullable: true };
    case types.REPETITION: {
      const first = firstOfToken(token.value);
      return { ranges: first.ranges, nullable: first.nullable || token.min === 0 };
    }
    case types.GROUP: {
      if (token.followedBy === true || token.notFollowedBy === true || token.lookBehind === true) {
        return { ranges: [], nullable: true };
      }
      const firsts = alternatives(token).map(firstOfSequence);
      return { ranges: firsts.flatMap((f) => f.ranges), nullable: firsts.some((f) => f.nullable) };
    }
  }
}

/** Whether two branches of an alternation can start with the same character. */
function branchesOverlap(options: readonly Token[][]): boolean {
  const firsts = options.map((option) => firstOfSequence(option).ranges);
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) if (intersects(firsts[i]!, firsts[j]!)) return true;
  }
  return false;
}

/** Finds an alternation with overlapping branches inside a group repeated more than once. */
function hasRepeatedOverlappingAlternation(token: Token | Root, repeated: boolean): boolean {
  switch (token.type) {
    case types.REPETITION:
      return hasRepeatedOverlappingAlternation(token.value, repeated || token.max > 1);
    case types.ROOT:
    case types.GROUP: {
      // A lookaround is atomic: what surrounds it cannot backtrack into it.
      const inner =
        token.type === types.GROUP &&
        (token.followedBy === true || token.notFollowedBy === true || token.lookBehind === true)
          ? false
          : repeated;
      if (inner && token.options !== undefined && branchesOverlap(token.options)) return true;
      return alternatives(token).some((option) =>
        option.some((child) => hasRepeatedOverlappingAlternation(child, inner)),
      );
    }
    case types.CHAR:
    case types.SET:
    case types.POSITION:
    case types.REFERENCE:
      return false;
  }
}

/**
 * `ret` knows no `u`-mode syntax: it would read `\p{L}` or `\u{1F600}` as literal characters.
 * Rewrites them for the analysis: a property escape as "any character" (so it
 * overlaps everything: safe side), a code point escape as `\uXXXX` (astral ones as U+FFFF).
 */
function forRet(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      const end = source[i + 2] === '{' ? source.indexOf('}', i + 3) : -1;
      if ((next === 'p' || next === 'P') && end !== -1) {
        out += inClass ? '\\s\\S' : '[\\s\\S]';
        i = end;
      } else if (next === 'u' && end !== -1) {
        const codePoint = Math.min(parseInt(source.slice(i + 3, end), 16), 0xffff);
        out += `\\u${codePoint.toString(16).padStart(4, '0')}`;
        i = end;
      } else {
        out += source.slice(i, i + 2);
        i++;
      }
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    out += c;
  }
  return out;
}

function countVariableQuantifiers(token: Root | Token): number {
  switch (token.type) {
    case types.REPETITION:
      return (token.min === token.max ? 0 : 1) + countVariableQuantifiers(token.value);
    case types.ROOT:
    case types.GROUP: {
      let count = 0;
      for (const option of alternatives(token)) for (const child of option) count += countVariableQuantifiers(child);
      return count;
    }
    case types.CHAR:
    case types.SET:
    case types.POSITION:
    case types.REFERENCE:
      return 0;
  }
}

function containsRepetition(token: Token): boolean {
  if (token.type === types.REPETITION) return true;
  if (token.type !== types.GROUP) return false;
  return alternatives(token).some((option) => option.some(containsRepetition));
}

/**
 * The tree safe-regex2 should judge. It counts every quantifier as a level of star height, so
 * `^\d+(\.\d+)?$` and `^\d{1,3}(,\d{3})*$` would be refused although their backtracking is
 * linear. Removed here: an optional (`?`, `{0,1}`) not itself inside a repeated group (it runs at
 * most once), and a fixed count (`{3}`) over a body without quantifiers (a fixed string). An
 * optional inside a repeated group stays: `(a?){30}` is exponential.
 */
function withoutHarmlessQuantifiers<T extends Root | Token>(token: T, repeated: boolean): T;
function withoutHarmlessQuantifiers(token: Root | Token, repeated: boolean): Root | Token {
  switch (token.type) {
    case types.REPETITION: {
      if ((token.max <= 1 && !repeated) || (token.min === token.max && !containsRepetition(token.value))) {
        return withoutHarmlessQuantifiers(token.value, repeated);
      }
      return { ...token, value: withoutHarmlessQuantifiers(token.value, repeated || token.max > 1) };
    }
    case types.ROOT:
    case types.GROUP: {
      const copy = { ...token };
      if (token.stack !== undefined) copy.stack = token.stack.map((t) => withoutHarmlessQuantifiers(t, repeated));
      if (token.options !== undefined) {
        copy.options = token.options.map((option) => option.map((t) => withoutHarmlessQuantifiers(t, repeated)));
      }
      return copy;
    }
    case types.CHAR:
    case types.SET:
    case types.POSITION:
    case types.REFERENCE:
      return token;
  }
}

function quoted(pattern: string): string {
  return JSON.stringify(pattern.length > 100 ? `${pattern.slice(0, 100)}…` : pattern);
}

/**
 * Why a pattern is refused, or undefined when it is accepted. The pattern must already be a valid
 * ECMAScript regular expression (in `u` mode when ajv asks for it).
 */
export function unsafePatternReason(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  }
  let tree: Root;
  try {
    tree = ret(forRet(pattern));
  } catch {
    return (
      `pattern ${quoted(pattern)} cannot be analysed for catastrophic backtracking ` +
      `(unsupported syntax such as lookbehind)`
    );
  }
  if (countVariableQuantifiers(tree) > MAX_PATTERN_REPETITIONS) {
    return `pattern ${quoted(pattern)} has more than ${MAX_PATTERN_REPETITIONS} quantifiers`;
  }
  // safe-regex2 judges the star height only: the quantifiers are counted above, all of them.
  if (!safeRegex(ret.reconstruct(withoutHarmlessQuantifiers(tree, false)), { limit: Infinity })) {
    return `pattern ${quoted(pattern)} may backtrack catastrophically (nested quantifiers)`;
  }
  if (hasRepeatedOverlappingAlternation(tree, false)) {
    return (
      `pattern ${quoted(pattern)} may backtrack catastrophically ` +
      `(a repeated alternation whose branches can match the same text)`
    );
  }
  return undefined;
}

function createSafeRegExp(pattern: string, flags: string): RegExp {
  // Checked first, so an overlong pattern is not even compiled.
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new UnsafePatternError(unsafePatternReason(pattern));
  }
  // Syntax errors surface as they would with ajv's default engine (`new RegExp`).
  const regExp = new RegExp(pattern, flags);
  const reason = unsafePatternReason(pattern);
  if (reason !== undefined) throw new UnsafePatternError(reason);
  return regExp;
}

/**
 * ajv's `code.regExp` engine: `new RegExp(pattern, flags)` for patterns that pass the checks,
 * an {@link UnsafePatternError} otherwise (so compiling the schema fails). `code` names the
 * engine in ajv's standalone output, which Tollgate does not use.
 */
export const safeRegExp = Object.assign(createSafeRegExp, {
  code: 'require("@tollgate/server/validation/safe-pattern").safeRegExp',
});
