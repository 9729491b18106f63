/**
 * A linear-time replacement for ajv's `uniqueItems` keyword.
 *
 * ajv compares the items of an array pairwise (O(n²)) unless `items` declares scalar types: 40,000
 * small objects block the event loop for ~20 s. Here every item gets a structural hash (JSON Schema
 * equality: key order ignored, -0 equals 0, 1 ≠ "1", [] ≠ {}), items are bucketed by hash in a
 * Map, and a hash match is confirmed with an exact deep-equality check — a collision costs time,
 * never a wrong answer. Hashing and comparing are iterative (no recursion, any nesting depth) and
 * each item is hashed in time linear in its size, so the whole array takes O(n) expected time.
 *
 * The keyword reports the very same error as ajv's built-in one (same pair of indices, params,
 * message, instancePath, schemaPath, same position among the array keywords).
 */
import {
  _,
  str,
  type Ajv,
  type CodeKeywordDefinition,
  type KeywordCxt,
  type KeywordErrorDefinition,
  type Name,
} from 'ajv';
import { checkDataTypes, DataType, getSchemaTypes } from 'ajv/dist/compile/validate/dataType.js';

// ---------------------------------------------------------------------------------------------
// Values: kinds

const LEAF = 0;
const ARRAY = 1;
const OBJECT = 2;
type Kind = typeof LEAF | typeof ARRAY | typeof OBJECT;

/**
 * Arrays and plain objects (what JSON.parse builds) are compared structurally. Anything else — strings,
 * numbers, booleans, null, and the non-JSON undefined, bigint, symbols, functions, class instances
 * (Date, Map, …) — is a leaf, equal to another leaf by SameValueZero: by value for primitives (NaN
 * equals NaN, -0 equals 0, 1n equals 1n), by identity for functions and objects.
 */
function kindOf(value: unknown): Kind {
  if (typeof value !== 'object' || value === null) return LEAF;
  if (Array.isArray(value)) return ARRAY;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? OBJECT : LEAF;
}

/**
 * Beyond this depth, the containers on the current path are tracked so that a cyclic value (never
 * produced by JSON) terminates: a container met again inside itself is a "back-reference", equal
 * only to the same back-reference. JSON documents nested less deeply pay nothing for this.
 */
const TRACK_DEPTH = 256;

// ---------------------------------------------------------------------------------------------
// Equality

class EqualFrame {
  constructor(
    readonly a: object,
    readonly b: object,
    /** the keys of `a` for objects, null for arrays */
    readonly keys: readonly string[] | null,
    readonly length: number,
    readonly tracked: boolean,
    public next = 0,
  ) {}
}

/** JSON Schema equality: see kindOf for values that JSON cannot produce. Any depth, any value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const result = equalShallow(a, b, 0);
  return result === TOO_DEEP ? equalContainers(a as object, b as object, kindOf(a)) : result === EQUAL;
}

const DIFFERENT = 0;
const EQUAL = 1;
const TOO_DEEP = 2;
/** How deep equalShallow recurses before handing over to equalContainers (below TRACK_DEPTH). */
const RECURSION_LIMIT = 64;

/** The fast path for values nested less than RECURSION_LIMIT deep (that is, nearly all). */
function equalShallow(a: unknown, b: unknown, depth: number): typeof DIFFERENT | typeof EQUAL | typeof TOO_DEEP {
  if (a === b) return EQUAL;
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return DIFFERENT;
  if (kind === LEAF) return a !== a && b !== b ? EQUAL : DIFFERENT; // NaN
  if (depth === RECURSION_LIMIT) return TOO_DEEP;
  if (kind === ARRAY) {
    const x = a as readonly unknown[];
    const y = b as readonly unknown[];
    if (x.length !== y.length) return DIFFERENT;
    for (let i = 0; i < x.length; i++) {
      const result = equalShallow(x[i], y[i], depth + 1);
      if (result !== EQUAL) return result;
    }
    return EQUAL;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return DIFFERENT;
  for (const key of keys) if (!Object.prototype.propertyIsEnumerable.call(y, key)) return DIFFERENT;
  for (const key of keys) {
    const result = equalShallow(x[key], y[key], depth + 1);
    if (result !== EQUAL) return result;
  }
  return EQUAL;
}

function equalContainers(rootA: object, rootB: object, rootKind: Kind): boolean {
  const frames: EqualFrame[] = [];
  // the tracked containers (deeper than TRACK_DEPTH) on the current paths in a and in b
  // (`open` creates them: `as` keeps TypeScript from narrowing them to null here)
  let pathA = null as Set<object> | null;
  let pathB = null as Set<object> | null;

  /** Pushes the frame comparing a and b, or returns false when their shapes already differ. */
  function open(a: object, b: object, kind: Kind, depth: number): boolean {
    let frame: EqualFrame;
    const tracked = depth > TRACK_DEPTH;
    if (kind === ARRAY) {
      const length = (a as readonly unknown[]).length;
      if (length !== (b as readonly unknown[]).length) return false;
      frame = new EqualFrame(a, b, null, length, tracked);
    } else {
      const keys = Object.keys(a);
      if (keys.length !== Object.keys(b).length) return false;
      for (const key of keys) if (!Object.prototype.propertyIsEnumerable.call(b, key)) return false;
      frame = new EqualFrame(a, b, keys, keys.length, tracked);
    }
    if (tracked) {
      (pathA ??= new Set()).add(a);
      (pathB ??= new Set()).add(b);
    }
    frames.push(frame);
    return true;
  }

  if (!open(rootA, rootB, rootKind, 0)) return false;
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next === frame.length) {
      frames.pop();
      if (frame.tracked) {
        pathA!.delete(frame.a);
        pathB!.delete(frame.b);
      }
      continue;
    }
    const key = frame.keys === null ? frame.next : frame.keys[frame.next]!;
    frame.next++;
    const x = (frame.a as Record<string | number, unknown>)[key];
    const y = (frame.b as Record<string | number, unknown>)[key];
    const depth = frames.length; // the depth of x and y
    // The same value (not a back-reference, which only exists beyond TRACK_DEPTH) equals itself.
    if (x === y && depth <= TRACK_DEPTH) continue;
    const kind = kindOf(x);
    if (kind !== kindOf(y)) return false;
    if (kind === LEAF) {
      if (x === y || (x !== x && y !== y)) continue; // NaN
      return false;
    }
    if (depth > TRACK_DEPTH) {
      const backA = pathA?.has(x as object) === true;
      const backB = pathB?.has(y as object) === true;
      if (backA || backB) {
        if (backA && backB && x === y) continue;
        return false;
      }
    }
    if (!open(x as object, y as object, kind, depth)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Hashing

/** Per-process secret: distinct values colliding on purpose cannot be precomputed. */
const SEED = globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! | 0;

/** murmur3's 32-bit finalizer: a bijection that mixes every input bit into every output bit. */
function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const ARRAY_SALT = 0x2f5c3e91;
const OBJECT_SALT = 0x61c88647;

class HashFrame {
  node: object = HashFrame;
  keys: readonly string[] | null = null;
  length = 0;
  next = 0;
  acc = 0;
  tracked = false;
}

/** A structural hash of a value, computed with the help of a JsonHasher. */
export type ContainerHash = (value: object) => number;

/**
 * Structural hashes: equal values (jsonEqual) always get equal hashes. Leaves are interned in a Map
 * (its SameValueZero is exactly the equality of leaves) and numbered, so distinct leaves never
 * collide; arrays fold their children in order, objects add up their (key, value) entries, so key
 * order does not matter. One hasher per array: leaf numbers are only meaningful within it.
 */
class JsonHasher {
  private readonly leaves = new Map<unknown, number>();
  private readonly frames: HashFrame[] = [];
  private readonly path = new Set<object>();

  leaf(value: unknown): number {
    let h = this.leaves.get(value);
    if (h === undefined) {
      h = fmix32(Math.imul(this.leaves.size + 1, 0x9e3779b1) ^ SEED);
      this.leaves.set(value, h);
    }
    return h;
  }

  /** The hash of an array or a plain object. */
  readonly hash: ContainerHash = (root) => {
    const { frames, path } = this;
    let depth = 0;
    this.enter(root, 0);
    for (;;) {
      const frame = frames[depth]!;
      let childHash: number;
      if (frame.next < frame.length) {
        const keys = frame.keys;
        const child =
          keys === null
            ? (frame.node as readonly unknown[])[frame.next]
            : (frame.node as Record<string, unknown>)[keys[frame.next]!];
        if (kindOf(child) === LEAF || (depth >= TRACK_DEPTH && path.has(child as object))) {
          // a leaf, or a back-reference (hashed by identity: equal only to itself)
          childHash = this.leaf(child);
        } else {
          depth++;
          this.enter(child as object, depth);
          continue;
        }
      } else {
        childHash = this.finish(frame);
        if (frame.tracked) path.delete(frame.node);
        frame.node = HashFrame;
        frame.keys = null;
        if (depth === 0) return childHash;
        depth--;
      }
      // fold childHash into the frame now on top (the parent, when a container was just finished)
      const parent = frames[depth]!;
      if (parent.keys === null) {
        parent.acc = (Math.imul(((parent.acc << 13) | (parent.acc >>> 19)) ^ childHash, 0x5bd1e995) + 0xe6546b64) | 0;
      } else {
        const keyHash = this.leaf(parent.keys[parent.next]);
        parent.acc =
          (parent.acc + fmix32(Math.imul(keyHash, 0xcc9e2d51) + Math.imul(childHash ^ SEED, 0x1b873593))) | 0;
      }
      parent.next++;
    }
  };

  private enter(node: object, depth: number): void {
    let frame = this.frames[depth];
    if (frame === undefined) {
      frame = new HashFrame();
      this.frames[depth] = frame;
    }
    frame.node = node;
    frame.keys = Array.isArray(node) ? null : Object.keys(node);
    frame.length = frame.keys === null ? (node as readonly unknown[]).length : frame.keys.length;
    frame.next = 0;
    frame.acc = SEED;
    frame.tracked = depth > TRACK_DEPTH;
    if (frame.tracked) this.path.add(node);
  }

  private finish(frame: HashFrame): number {
    const salt = frame.keys === null ? ARRAY_SALT : OBJECT_SALT;
    return fmix32((frame.acc ^ salt) + Math.imul(frame.length, 0x27d4eb2f));
  }
}

/**
 * A fresh structural hash of arrays and plain objects: jsonEqual values get equal hashes when hashed
 * by the same function (its leaf numbering is its own). Exposed for tests.
 */
export function createContainerHash(): ContainerHash {
  return new JsonHasher().hash;
}

// ---------------------------------------------------------------------------------------------
// Duplicates

/** Up to this length, comparing every pair is cheaper than hashing. */
const PAIRWISE_MAX = 8;

/**
 * Indices [i, j] (j < i) of a duplicate pair as ajv reports it, or null when all items are unique.
 * O(n) expected.
 *
 * ajv (loops `for (i = n; i--;) for (j = i; j--;)`) reports the greatest i that equals some earlier
 * item and, for that i, the greatest such j: the last item that repeats an earlier one, and the
 * nearest earlier copy of it.
 */
export function findDuplicatePair(items: readonly unknown[]): [number, number] | null {
  if (items.length <= PAIRWISE_MAX) {
    for (let i = items.length - 1; i > 0; i--) {
      for (let j = i - 1; j >= 0; j--) if (jsonEqual(items[i], items[j])) return [i, j];
    }
    return null;
  }
  return findDuplicatePairWithHash(items, createContainerHash());
}

/**
 * findDuplicatePair with the hash of arrays and objects supplied by the caller (tests force
 * collisions with it). Any function of the value is correct; a poor one only makes it slower.
 */
export function findDuplicatePairWithHash(items: readonly unknown[], hash: ContainerHash): [number, number] | null {
  // For each class of equal items, the index of its last member seen so far: leaves by value,
  // containers in buckets by hash (one class per bucket, unless distinct values collide).
  const leaves = new Map<unknown, number>();
  const buckets = new Map<number, number | number[]>();
  let found: [number, number] | null = null;
  // Forward: the last duplicate met is the greatest i; the class's last member is the greatest j.
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (kindOf(item) === LEAF) {
      const last = leaves.get(item);
      if (last !== undefined) found = [i, last];
      leaves.set(item, i);
      continue;
    }
    const h = hash(item as object);
    const bucket = buckets.get(h);
    if (bucket === undefined) {
      buckets.set(h, i);
    } else if (typeof bucket === 'number') {
      if (jsonEqual(items[bucket], item)) {
        found = [i, bucket];
        buckets.set(h, i);
      } else {
        buckets.set(h, [bucket, i]);
      }
    } else {
      const at = bucket.findIndex((last) => jsonEqual(items[last], item));
      if (at >= 0) {
        found = [i, bucket[at]!];
        bucket[at] = i;
      } else {
        bucket.push(i);
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// The ajv keyword

/** ajv's own error for uniqueItems (vocabularies/validation/uniqueItems.js), unchanged. */
const error: KeywordErrorDefinition = {
  message: ({ params: { i, j } }) => str`must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
  params: ({ params: { i, j } }) => _`{i: ${i}, j: ${j}}`,
};

/**
 * ajv's uniqueItems, generated the same way, except that:
 * - when `items` declares scalar types only (ajv's own O(n) path, which skips items of another
 *   type and reports i < j), the index table is a Map, not an object literal (with which ajv never
 *   sees two "__proto__" strings as duplicates);
 * - otherwise findDuplicatePair replaces the pairwise loop.
 */
export const uniqueItemsKeyword: CodeKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  $data: true,
  error,
  code(cxt: KeywordCxt) {
    const { gen, data, $data, parentSchema, schemaCode, it } = cxt;
    if (!$data && cxt.schema !== true) return;
    const valid = gen.let('valid');
    const items: unknown = parentSchema.items;
    const itemTypes = items ? getSchemaTypes(items) : [];
    const scalarItems = itemTypes.length > 0 && !itemTypes.some((t) => t === 'object' || t === 'array');
    cxt.block$data(valid, validateUniqueItems, _`${schemaCode} === false`);
    cxt.ok(valid);

    function validateUniqueItems(): void {
      const i = gen.let('i', _`${data}.length`);
      const j = gen.let('j');
      cxt.setParams({ i, j });
      gen.assign(valid, true);
      gen.if(_`${i} > 1`, () => (scalarItems ? loopScalars(i, j) : loopAny(i, j)));
    }

    function loopScalars(i: Name, j: Name): void {
      const item = gen.name('item');
      const wrongType = checkDataTypes(itemTypes, item, it.opts.strictNumbers, DataType.Wrong);
      const indices = gen.const('indices', _`new Map()`);
      gen.for(_`;${i}--;`, () => {
        gen.let(item, _`${data}[${i}]`);
        gen.if(wrongType, _`continue`);
        gen.assign(j, _`${indices}.get(${item})`);
        gen.if(_`${j} !== undefined`, () => {
          cxt.error();
          gen.assign(valid, false).break();
        });
        gen.code(_`${indices}.set(${item}, ${i})`);
      });
    }

    function loopAny(i: Name, j: Name): void {
      const find = gen.scopeValue('func', { ref: findDuplicatePair });
      const pair = gen.const('pair', _`${find}(${data})`);
      gen.if(_`${pair} !== null`, () => {
        gen.assign(i, _`${pair}[0]`).assign(j, _`${pair}[1]`);
        cxt.error();
        gen.assign(valid, false);
      });
    }
  },
};

/**
 * Replaces ajv's uniqueItems with uniqueItemsKeyword, at the same place among the keywords (the
 * order of errors, and which one is reported without allErrors, stay the same). Call it before
 * compiling: schemas already compiled keep the built-in keyword. Idempotent.
 */
export function useLinearUniqueItems(ajv: Ajv): void {
  const current = ajv.RULES.all.uniqueItems;
  if (
    typeof current === 'object' &&
    'code' in current.definition &&
    current.definition.code === uniqueItemsKeyword.code
  ) {
    return;
  }
  let before: string | undefined;
  for (const group of ajv.RULES.rules) {
    const at = group.rules.findIndex((rule) => rule.keyword === 'uniqueItems');
    if (at >= 0) before = group.rules[at + 1]?.keyword;
  }
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword(before === undefined ? uniqueItemsKeyword : { ...uniqueItemsKeyword, before });
}
