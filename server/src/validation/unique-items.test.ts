import { describe, expect, it } from 'vitest';
import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  type ContainerHash,
  createContainerHash,
  findDuplicatePair,
  findDuplicatePairWithHash,
  jsonEqual,
  uniqueItemsKeyword,
  useLinearUniqueItems,
} from './unique-items.js';

// ---------------------------------------------------------------------------------------------
// A seeded generator of JSON-like values

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)]!;
  }

  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    return values;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NUMBERS = [0, -0, 1, 1.0, -1, 2, 0.5, 1e21, 2 ** 53, -(2 ** 53), 1.5e-7, 123456789, 3.14, 1e308, -1e-308];
// No "__proto__" string: ajv's own scalar path (items with scalar types) misses those duplicates.
const STRINGS = [
  '',
  'a',
  'b',
  'ab',
  '1',
  '0',
  'true',
  'false',
  'null',
  'a_',
  '1_',
  'é',
  '😀',
  'constructor',
  'toString',
];
// No "constructor", "valueOf", "toString" keys: ajv's deep equality mishandles them (tested apart).
const KEYS = ['a', 'b', 'c', '', '0', '1', 'A', 'aa', 'length', '__proto__', 'hasOwnProperty'];

/** Sets an own property, even "__proto__" (as JSON.parse does). */
function setOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomLeaf(rng: Random): Json {
  switch (rng.int(5)) {
    case 0:
      return rng.chance(0.5) ? rng.pick(NUMBERS) : rng.int(5) - 2;
    case 1:
      return rng.pick(STRINGS);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    default:
      return rng.chance(0.5) ? rng.int(4) : rng.pick(['a', 'b', '1']);
  }
}

function randomValue(rng: Random, depth: number): Json {
  if (depth >= 4 || rng.chance(0.35)) return randomLeaf(rng);
  if (rng.chance(0.5)) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  const value: Record<string, Json> = {};
  const keys = rng.shuffle([...KEYS]).slice(0, rng.int(4));
  for (const key of keys) setOwn(value, key, randomValue(rng, depth + 1));
  return value;
}

/** An equal value built anew: keys in another order, 0 and -0 swapped now and then. */
function cloneShuffled(rng: Random, value: Json): Json {
  if (Array.isArray(value)) return value.map((item) => cloneShuffled(rng, item));
  if (value !== null && typeof value === 'object') {
    const clone: Record<string, Json> = {};
    for (const key of rng.shuffle(Object.keys(value))) setOwn(clone, key, cloneShuffled(rng, value[key]!));
    return clone;
  }
  if (value === 0 && rng.chance(0.5)) return Object.is(value, 0) ? -0 : 0;
  return value;
}

/** A clone with one change, often to a look-alike (1 → "1", 0 → false, [] → {}, …). */
function cloneMutated(rng: Random, value: Json): Json {
  const lookAlike = (leaf: Json): Json => {
    if (typeof leaf === 'number') return rng.pick([String(leaf), leaf === 0 ? false : leaf + 1, [leaf]]);
    if (typeof leaf === 'string') return rng.pick([Number(leaf) || 0, `${leaf}_`, null]);
    if (typeof leaf === 'boolean') return rng.pick([!leaf, Number(leaf), String(leaf)]);
    return rng.pick([false, 0, 'null', {}]);
  };
  if (Array.isArray(value)) {
    if (value.length === 0) return rng.chance(0.5) ? {} : [null];
    const clone = value.map((item) => cloneShuffled(rng, item));
    const at = rng.int(value.length);
    if (rng.chance(0.2)) clone.splice(at, 1);
    else clone[at] = cloneMutated(rng, value[at]!);
    return clone;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return rng.chance(0.5) ? [] : { a: null };
    const changed = rng.pick(keys);
    const clone: Record<string, Json> = {};
    for (const key of rng.shuffle([...keys])) {
      if (key !== changed) setOwn(clone, key, cloneShuffled(rng, value[key]!));
      else if (rng.chance(0.8)) setOwn(clone, key, cloneMutated(rng, value[key]!));
      else setOwn(clone, `${key}x`, cloneShuffled(rng, value[key]!));
    }
    return clone;
  }
  return lookAlike(value);
}

/** A random array, often with deliberate duplicates (and near-duplicates) of earlier items. */
function randomArray(rng: Random, leavesOnly = false): Json[] {
  const length = rng.chance(0.1) ? rng.int(80) : rng.int(25);
  const cloneRate = rng.chance(0.5) ? 0.25 : 0;
  const items: Json[] = [];
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    if (i > 0 && r < cloneRate) items.push(cloneShuffled(rng, rng.pick(items)));
    else if (i > 0 && r < cloneRate + 0.15) items.push(cloneMutated(rng, rng.pick(items)));
    else items.push(leavesOnly && rng.chance(0.9) ? randomLeaf(rng) : randomValue(rng, 0));
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// ajv built-in vs ours

type AjvClass = typeof Ajv | typeof Ajv2019 | typeof Ajv2020;

function pairOf(Class: AjvClass, options: Options): { builtin: Ajv; linear: Ajv } {
  const linear = new Class(options);
  useLinearUniqueItems(linear);
  return { builtin: new Class(options), linear };
}

interface Verdict {
  valid: boolean;
  errors: unknown;
}

function verdict(validate: ValidateFunction, data: unknown): Verdict {
  const valid = validate(data);
  return { valid, errors: validate.errors ?? null };
}

function compare(ajvs: { builtin: Ajv; linear: Ajv }, schema: AnySchema, dataSets: readonly unknown[]): void {
  const builtin = ajvs.builtin.compile(schema);
  const linear = ajvs.linear.compile(schema);
  for (const data of dataSets) {
    expect(verdict(linear, data), JSON.stringify(data)).toStrictEqual(verdict(builtin, data));
  }
}

const quiet: Options = { logger: false };

describe('jsonEqual', () => {
  it('follows JSON Schema equality', () => {
    const equal: Array<[unknown, unknown]> = [
      [1, 1.0],
      [0, -0],
      ['a', 'a'],
      [null, null],
      [true, true],
      [[], []],
      [{}, {}],
      [
        { a: 1, b: [1, { c: null }] },
        { b: [1, { c: null }], a: 1 },
      ],
      [
        [{ x: 0 }, [-0]],
        [{ x: -0 }, [0]],
      ],
      [JSON.parse('{"__proto__": 1, "a": 2}'), JSON.parse('{"a": 2, "__proto__": 1}')],
      [Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }],
    ];
    const different: Array<[unknown, unknown]> = [
      [1, '1'],
      [0, false],
      [1, true],
      [null, 'null'],
      [null, 0],
      [[], {}],
      [
        [1, 2],
        [2, 1],
      ],
      [[1], [1, 1]],
      [{ a: 1 }, { a: 1, b: 1 }],
      [{ a: 1 }, { b: 1 }],
      [{ a: [] }, { a: {} }],
      [{ a: undefined }, { b: undefined }],
      [JSON.parse('{"__proto__": 1}'), JSON.parse('{"__proto__": 2}')],
      [JSON.parse('{"__proto__": 1}'), {}],
      [{ '1': 'a' }, ['x', 'a']],
    ];
    for (const [a, b] of equal) {
      expect(jsonEqual(a, b), JSON.stringify([a, b])).toBe(true);
      expect(jsonEqual(b, a), JSON.stringify([b, a])).toBe(true);
    }
    for (const [a, b] of different) {
      expect(jsonEqual(a, b), JSON.stringify([a, b])).toBe(false);
      expect(jsonEqual(b, a), JSON.stringify([b, a])).toBe(false);
    }
  });

  it('treats values JSON cannot produce deterministically (SameValueZero, identity for functions and class instances)', () => {
    const f = (): number => 1;
    const date = new Date(0);
    expect(jsonEqual(NaN, NaN)).toBe(true);
    expect(jsonEqual([NaN], [NaN])).toBe(true);
    expect(jsonEqual(undefined, undefined)).toBe(true);
    expect(jsonEqual(undefined, null)).toBe(false);
    expect(jsonEqual(1n, 1n)).toBe(true);
    expect(jsonEqual(1n, 1)).toBe(false);
    expect(jsonEqual(f, f)).toBe(true);
    expect(jsonEqual(f, (): number => 1)).toBe(false);
    expect(jsonEqual({ d: date }, { d: date })).toBe(true);
    expect(jsonEqual(new Date(0), new Date(0))).toBe(false);
    expect(jsonEqual(new Map(), {})).toBe(false);
  });

  it('compares values nested 100,000 levels deep without recursion', () => {
    const nest = (depth: number, leaf: Json): Json => {
      let value: Json = leaf;
      for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
      return value;
    };
    expect(jsonEqual(nest(100_000, 1), nest(100_000, 1))).toBe(true);
    expect(jsonEqual(nest(100_000, 1), nest(100_000, 2))).toBe(false);
    expect(
      findDuplicatePair([nest(100_000, 2), nest(100_000, 1), 0, 1, 2, 3, 4, 5, 6, nest(100_000, 2)]),
    ).toStrictEqual([9, 0]);
  });

  it('terminates on cyclic values', () => {
    const a: unknown[] = [1];
    a.push(a);
    const b: unknown[] = [1];
    b.push(b);
    const o: Record<string, unknown> = { x: 1 };
    o.self = { back: o };
    expect(jsonEqual(a, a)).toBe(true);
    expect(jsonEqual(a, b)).toBe(false);
    expect(jsonEqual([a], [a])).toBe(true);
    // the same infinite tree, unrolled once
    const unrolled = { x: 1, self: { back: o } };
    expect(jsonEqual(o, unrolled)).toBe(true);
    expect(jsonEqual(o, { x: 1, self: { back: a } })).toBe(false);
    expect(findDuplicatePair([o, a, 1, 2, 3, 4, 5, 6, 7, unrolled])).toStrictEqual([9, 0]);
    const items = [a, b, o, 1, 2, 3, 4, 5, 6, a, o];
    expect(findDuplicatePair(items)).toStrictEqual([10, 2]);
    expect(findDuplicatePair(items.slice(0, 10))).toStrictEqual([9, 0]);
    expect(findDuplicatePair(items.slice(0, 9))).toBeNull();
  });
});

describe('findDuplicatePair', () => {
  it('reports the pair ajv reports: the last item repeating an earlier one, and its nearest earlier copy', () => {
    expect(findDuplicatePair([])).toBeNull();
    expect(findDuplicatePair([1])).toBeNull();
    expect(findDuplicatePair([1, 2, 3])).toBeNull();
    expect(findDuplicatePair([1, 1])).toStrictEqual([1, 0]);
    expect(findDuplicatePair([1, 2, 1, 2])).toStrictEqual([3, 1]);
    expect(findDuplicatePair([{ a: 1 }, { b: 2 }, { a: 1 }, { b: 2 }, { a: 1 }])).toStrictEqual([4, 2]);
    const long = Array.from({ length: 50 }, (_, i) => ({ i }));
    expect(findDuplicatePair(long)).toBeNull();
    long.push({ i: 3 }, { i: 7 }, { i: 3 });
    expect(findDuplicatePair(long)).toStrictEqual([52, 50]);
    expect(findDuplicatePair([...long, 'x', 'x'])).toStrictEqual([54, 53]);
    expect(findDuplicatePair([...long, ...Array.from({ length: 20 }, (_, i) => `${i}`)])).toStrictEqual([52, 50]);
  });

  it('agrees with a naive pairwise search on thousands of random arrays, whatever the hash', () => {
    const rng = new Random(20240611);
    const hashes: Array<[string, () => ContainerHash]> = [
      ['structural', createContainerHash],
      ['constant (every container collides)', () => () => 0],
      ['by size', () => (value) => (Array.isArray(value) ? value.length : Object.keys(value).length + 100)],
    ];
    for (let n = 0; n < 2000; n++) {
      const items = randomArray(rng);
      let expected: [number, number] | null = null;
      search: for (let i = items.length - 1; i > 0; i--) {
        for (let j = i - 1; j >= 0; j--) {
          if (jsonEqual(items[i], items[j])) {
            expected = [i, j];
            break search;
          }
        }
      }
      expect(findDuplicatePair(items)).toStrictEqual(expected);
      for (const [, makeHash] of hashes) expect(findDuplicatePairWithHash(items, makeHash())).toStrictEqual(expected);
    }
  });

  it('never reports a duplicate on a hash collision: colliding values are compared exactly', () => {
    // Values that look alike, all in one bucket: only the real duplicate (index 9 of 4) is reported.
    const items: unknown[] = [
      { a: 1 },
      { a: '1' },
      { a: true },
      { a: [1] },
      { a: 1, b: 2 },
      { b: 1 },
      [1],
      ['1'],
      { a: { '0': 1 } },
      { b: 2, a: 1 },
      {},
      [],
    ];
    expect(findDuplicatePairWithHash(items, () => 42)).toStrictEqual([9, 4]);
    expect(
      findDuplicatePairWithHash(
        items.filter((_, i) => i !== 9),
        () => 42,
      ),
    ).toBeNull();
    // 2,000 distinct objects, all colliding.
    const distinct = Array.from({ length: 2000 }, (_, i) => ({ v: i % 2 === 0 ? i : String(i) }));
    expect(findDuplicatePairWithHash(distinct, () => 7)).toBeNull();
  });

  it('hashes equal values alike (key order, -0 / 0) within one hash function', () => {
    const rng = new Random(7);
    for (let n = 0; n < 1000; n++) {
      const hash = createContainerHash();
      const value = [randomValue(rng, 0), randomValue(rng, 1)];
      expect(hash(cloneShuffled(rng, value) as object)).toBe(hash(value));
    }
  });

  it('answers 40,000 small objects and 100,000 numbers at once', () => {
    const objects = Array.from({ length: 40_000 }, (_, k) => ({
      id: k,
      name: `item-${k % 1000}`,
      tags: ['x', k % 7],
      active: k % 2 === 0,
    }));
    expect(findDuplicatePair(objects)).toBeNull();
    objects.push({ tags: ['x', 12345 % 7], active: false, name: 'item-345', id: 12345 });
    expect(findDuplicatePair(objects)).toStrictEqual([40_000, 12345]);

    const numbers = Array.from({ length: 100_000 }, (_, k) => (k % 3 === 0 ? k * 1e9 : k % 3 === 1 ? -k : k + 0.5));
    expect(findDuplicatePair(numbers)).toBeNull();
    numbers[99_999] = numbers[500]!;
    expect(findDuplicatePair(numbers)).toStrictEqual([99_999, 500]);

    const ajv = new Ajv2020({ allErrors: true });
    useLinearUniqueItems(ajv);
    const validate = ajv.compile({ uniqueItems: true });
    expect(validate(numbers)).toBe(false);
    expect(validate.errors).toStrictEqual([
      {
        instancePath: '',
        schemaPath: '#/uniqueItems',
        keyword: 'uniqueItems',
        params: { i: 99_999, j: 500 },
        message: 'must NOT have duplicate items (items ## 500 and 99999 are identical)',
      },
    ]);
    expect(validate(objects)).toBe(false);
    expect(validate.errors?.[0]?.params).toStrictEqual({ i: 40_000, j: 12345 });
    expect(validate(objects.slice(0, 40_000))).toBe(true);
  });
});

describe('uniqueItemsKeyword (differential: the same verdicts and errors as ajv built-in)', () => {
  const configurations: Array<[string, AjvClass, Options]> = [
    ['2020-12, allErrors', Ajv2020, { ...quiet, allErrors: true }],
    ['draft-07, allErrors', Ajv, { ...quiet, allErrors: true }],
    ['2019-09, verbose, first error only', Ajv2019, { ...quiet, verbose: true }],
  ];

  for (const [name, Class, options] of configurations) {
    it(`agrees on thousands of random arrays (${name})`, () => {
      const ajvs = pairOf(Class, options);
      const rng = new Random(name.length * 7919);
      const arrays = Array.from({ length: 3000 }, () => randomArray(rng));
      const duplicated = arrays.filter((items) => findDuplicatePair(items) !== null).length;
      // both outcomes are well represented
      expect(duplicated).toBeGreaterThan(600);
      expect(arrays.length - duplicated).toBeGreaterThan(600);
      compare(ajvs, { uniqueItems: true }, arrays);
      // nested: instancePath and schemaPath
      compare(
        ajvs,
        { type: 'object', properties: { list: { type: 'array', items: { uniqueItems: true }, uniqueItems: true } } },
        arrays.slice(0, 500).map((items) => ({ list: [items, items.slice(1), [...items].reverse()] })),
      );
      compare(ajvs, { uniqueItems: false }, arrays.slice(0, 200));
    });

    it(`agrees when items declare scalar types, ajv's own O(n) path (${name})`, () => {
      const ajvs = pairOf(Class, options);
      const rng = new Random(name.length * 104729);
      const arrays = Array.from({ length: 1500 }, () => randomArray(rng, true));
      for (const type of [
        'number',
        'integer',
        'string',
        'boolean',
        ['string', 'number'],
        ['string', 'number', 'boolean', 'null'],
      ]) {
        compare(ajvs, { items: { type }, uniqueItems: true }, arrays);
      }
      compare(ajvs, { items: { type: ['string', 'object'] }, uniqueItems: true }, arrays.slice(0, 300));
      compare(ajvs, { items: true, uniqueItems: true }, arrays.slice(0, 300));
    });
  }

  it('agrees with the $data reference, messages: false, strictNumbers: false, without allErrors', () => {
    const rng = new Random(99);
    const arrays = Array.from({ length: 300 }, () => randomArray(rng));
    const data = arrays.flatMap((list, n) => [
      { flag: true, list },
      { flag: false, list },
      { list },
      { flag: n % 2 === 0 ? 'yes' : null, list },
    ]);
    const schema = {
      type: 'object',
      properties: { list: { uniqueItems: { $data: '1/flag' } }, flag: {} },
    };
    compare(pairOf(Ajv2020, { ...quiet, $data: true, allErrors: true }), schema, data);
    compare(pairOf(Ajv, { ...quiet, $data: true }), schema, data);
    compare(pairOf(Ajv2020, { ...quiet, messages: false, allErrors: true }), { uniqueItems: true }, arrays);
    compare(
      pairOf(Ajv2020, { ...quiet, strictNumbers: false, allErrors: true }),
      { items: { type: 'number' }, uniqueItems: true },
      [
        [NaN, 1, NaN],
        [Infinity, 1, -Infinity, Infinity],
        [1, 2, 3],
      ],
    );
  });

  it('keeps its place among the array keywords (error order, first error without allErrors)', () => {
    for (const Class of [Ajv, Ajv2019, Ajv2020]) {
      const { builtin, linear } = pairOf(Class, quiet);
      const keywords = (ajv: Ajv): string[][] =>
        ajv.RULES.rules.map((group) => group.rules.map((rule) => rule.keyword));
      expect(keywords(linear)).toStrictEqual(keywords(builtin));
    }
    const schemas: AnySchema[] = [
      { contains: { type: 'string' }, uniqueItems: true, maxItems: 2 },
      { prefixItems: [{ type: 'number' }], unevaluatedItems: false, uniqueItems: true },
      { items: { type: 'number' }, minContains: 3, contains: { const: 1 }, uniqueItems: true },
    ];
    const data = [
      [1, 1, 1],
      [{}, {}],
      [1, 'a', 'a'],
      [[], {}],
      [1, 2],
    ];
    for (const schema of schemas) {
      compare(pairOf(Ajv2020, quiet), schema, data);
      compare(pairOf(Ajv2020, { ...quiet, allErrors: true }), schema, data);
    }
  });

  it('is installed once, and can be added by hand after removing the built-in', () => {
    const ajv = new Ajv2020(quiet);
    useLinearUniqueItems(ajv);
    useLinearUniqueItems(ajv);
    expect(ajv.RULES.rules.flatMap((group) => group.rules).filter((r) => r.keyword === 'uniqueItems')).toHaveLength(1);
    const manual = new Ajv(quiet).removeKeyword('uniqueItems').addKeyword(uniqueItemsKeyword);
    const validate = manual.compile({ uniqueItems: true });
    expect(validate([{ a: 1, b: 2 }, 3, { b: 2, a: 1 }])).toBe(false);
    expect(validate.errors?.[0]?.params).toStrictEqual({ i: 2, j: 0 });
  });

  it('fixes what ajv built-in gets wrong on JSON documents', () => {
    const { builtin, linear } = pairOf(Ajv2020, { ...quiet, allErrors: true });
    const parse = (text: string): unknown => JSON.parse(text);
    const any = { builtin: builtin.compile({ uniqueItems: true }), linear: linear.compile({ uniqueItems: true }) };
    const strings = {
      builtin: builtin.compile({ items: { type: 'string' }, uniqueItems: true }),
      linear: linear.compile({ items: { type: 'string' }, uniqueItems: true }),
    };
    // fast-deep-equal calls a.valueOf() when an object has its own "valueOf" (or "toString")
    const valueOf = parse('[{"valueOf": 1}, {"valueOf": 1}]');
    expect(() => any.builtin(valueOf)).toThrow(TypeError);
    expect(verdict(any.linear, valueOf).valid).toBe(false);
    expect(verdict(any.linear, parse('[{"toString": "a"}, {"toString": "b"}]')).valid).toBe(true);
    // … and compares objects' "constructor" properties by identity
    const constructor = parse('[{"constructor": {}}, {"constructor": {}}]');
    expect(verdict(any.builtin, constructor).valid).toBe(true);
    expect(verdict(any.linear, constructor).valid).toBe(false);
    // its scalar path indexes an object literal, where "__proto__" is not a key like others
    expect(verdict(strings.builtin, ['__proto__', '__proto__']).valid).toBe(true);
    expect(verdict(strings.linear, ['__proto__', '__proto__']).errors).toStrictEqual([
      {
        instancePath: '',
        schemaPath: '#/uniqueItems',
        keyword: 'uniqueItems',
        params: { i: 0, j: 1 },
        message: 'must NOT have duplicate items (items ## 1 and 0 are identical)',
      },
    ]);
  });
});
