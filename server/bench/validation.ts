import { Ajv2020 } from 'ajv/dist/2020.js';
import { getValidator, validateDocument } from '../src/validation/json-schema.js';
import { linearRegExp } from '../src/validation/re2-pattern.js';
import { markdownTable } from './markdown.js';
import {
  OBJECT_DOCUMENT,
  OBJECT_SCHEMA,
  SLUG,
  SLUG_DOCUMENT,
  SLUG_PATTERN,
  SLUG_SCHEMA,
  UNEVALUATED_DOCUMENT,
  UNEVALUATED_SCHEMA,
  UNIQUE_ITEMS_COUNT,
  UNIQUE_ITEMS_DOCUMENT,
  UNIQUE_ITEMS_SCHEMA,
} from './validation-cases.js';

/** How long each contender is warmed up and measured, and how many rounds give the median. */
export interface ValidationSettings {
  warmupMs: number;
  roundMs: number;
  rounds: number;
  /** fewest calls per round, whatever their cost */
  minIterations: number;
}

export const FULL_SETTINGS: ValidationSettings = { warmupMs: 300, roundMs: 250, rounds: 5, minIterations: 5 };
/** `--quick`: the whole section in about two seconds. */
export const QUICK_SETTINGS: ValidationSettings = { warmupMs: 25, roundMs: 25, rounds: 3, minIterations: 2 };

/** One call: answers whether the document (or string) passed, which must be `true`. */
type Op = () => boolean;

interface Timing {
  /** median of the rounds, microseconds per call */
  us: number;
  /** calls per round */
  iterations: number;
}

export interface ValidationComparison {
  case: string;
  /** what Tollgate runs (the engine its getValidator chose) */
  tollgate: string;
  baseline: string;
  tollgateTiming: Timing;
  baselineTiming: Timing;
  /** baseline µs ÷ Tollgate µs: above 1, Tollgate is faster */
  ratio: number;
  /** the least acceptable ratio, when there is one */
  target?: number;
  note: string;
}

export interface ValidationSection {
  settings: ValidationSettings;
  comparisons: ValidationComparison[];
  /** the section's Markdown: a method paragraph and the table */
  lines: string[];
}

/** Runs `op` `iterations` times; nanoseconds elapsed. Throws if any call answers `false`. */
function run(op: Op, iterations: number): number {
  let passed = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (op()) passed++;
  const elapsed = Number(process.hrtime.bigint() - started);
  if (passed !== iterations) throw new Error(`a benchmarked call answered "invalid" (${passed}/${iterations} passed)`);
  return elapsed;
}

/** Calls `op` for about `ms` (at least once); nanoseconds per call. */
function warmUp(op: Op, ms: number): number {
  let calls = 0;
  let elapsed = 0;
  let batch = 1;
  while (elapsed < ms * 1e6) {
    elapsed += run(op, batch);
    calls += batch;
    batch = Math.min(batch * 2, 10_000);
  }
  return elapsed / calls;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** A comparison to run: what the table says about it, and the two calls. */
interface ComparisonSpec {
  fields: Omit<ValidationComparison, 'baselineTiming' | 'tollgateTiming' | 'ratio'>;
  baseline: Op;
  tollgate: Op;
}

/**
 * Sizes each contender's rounds to `roundMs` (after a short warm-up), then measures the two in
 * alternating rounds (baseline first on even rounds, Tollgate first on odd ones); the median round.
 */
function compare({ fields, baseline, tollgate }: ComparisonSpec, settings: ValidationSettings): ValidationComparison {
  const ops = [baseline, tollgate];
  const iterations = ops.map((op) =>
    Math.max(settings.minIterations, Math.ceil((settings.roundMs * 1e6) / warmUp(op, settings.roundMs / 4))),
  );
  const samples: number[][] = [[], []];
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) samples[index]!.push(run(ops[index]!, iterations[index]!) / iterations[index]! / 1000);
  }
  const baselineTiming = { us: median(samples[0]!), iterations: iterations[0]! };
  const tollgateTiming = { us: median(samples[1]!), iterations: iterations[1]! };
  return { ...fields, baselineTiming, tollgateTiming, ratio: baselineTiming.us / tollgateTiming.us };
}

/**
 * Every call is warmed up before any is measured: the measuring loop is shared, and the first
 * comparison would otherwise pay for V8 settling it (and the validators) while it is timed.
 */
function compareAll(specs: readonly ComparisonSpec[], settings: ValidationSettings): ValidationComparison[] {
  for (const spec of specs) for (const op of [spec.baseline, spec.tollgate]) warmUp(op, settings.warmupMs);
  return specs.map((spec) => compare(spec, settings));
}

/** Microseconds with three significant figures, never in exponent notation. */
export function formatMicros(us: number): string {
  if (us >= 100) return Math.round(us).toLocaleString('en-US');
  if (us >= 10) return us.toFixed(1);
  if (us >= 1) return us.toFixed(2);
  if (us >= 0.1) return us.toFixed(3);
  return us.toFixed(4);
}

function formatRatio(ratio: number): string {
  if (ratio >= 100) return `${Math.round(ratio).toLocaleString('en-US')}×`;
  return ratio >= 0.1 ? `${ratio.toFixed(2)}×` : `${ratio.toPrecision(2)}×`;
}

function formatTarget(row: ValidationComparison): string {
  if (row.target === undefined) return '—';
  return `≥ ${row.target.toFixed(2)}×: ${row.ratio >= row.target ? 'met' : 'MISSED'}`;
}

/** The validation-engine comparisons: Tollgate's compiled validators next to raw ajv, in-process. */
export async function benchValidation(settings: ValidationSettings): Promise<ValidationSection> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const raw = (schema: object, document: unknown): Op => {
    const validate = ajv.compile(schema);
    return () => validate(document);
  };
  const tollgate = async (schema: object, document: unknown) => {
    const compiled = await getValidator(schema);
    const op: Op = () => validateDocument(compiled, document).valid;
    return { op, engine: compiled.engine };
  };

  const object = await tollgate(OBJECT_SCHEMA, OBJECT_DOCUMENT);
  // The one option of Tollgate's (ajv-engine.ts) that changes the code ajv generates for this schema.
  const rawOwnProperties = new Ajv2020({ allErrors: true, strict: false, ownProperties: true }).compile(OBJECT_SCHEMA);
  const slug = await tollgate(SLUG_SCHEMA, SLUG_DOCUMENT);
  const linear = linearRegExp(SLUG_PATTERN);
  const native = new RegExp(SLUG_PATTERN, 'u');
  const unevaluated = await tollgate(UNEVALUATED_SCHEMA, UNEVALUATED_DOCUMENT);
  const unique = await tollgate(UNIQUE_ITEMS_SCHEMA, UNIQUE_ITEMS_DOCUMENT);

  const specs: ComparisonSpec[] = [
    {
      fields: {
        case: '3-property object, valid document',
        tollgate: `validateDocument (${object.engine})`,
        baseline: 'raw Ajv2020 validate',
        target: 0.8,
        note: 'the compiled validator a job reuses for each of its documents',
      },
      baseline: raw(OBJECT_SCHEMA, OBJECT_DOCUMENT),
      tollgate: object.op,
    },
    {
      fields: {
        case: '3-property object, baseline given Tollgate’s `ownProperties: true`',
        tollgate: `validateDocument (${object.engine})`,
        baseline: 'raw Ajv2020 validate, `ownProperties: true`',
        note: 'isolates Tollgate’s own layer (wrapper, result object) from the option’s cost',
      },
      baseline: () => rawOwnProperties(OBJECT_DOCUMENT),
      tollgate: object.op,
    },
    {
      fields: {
        case: '+ slug `pattern` property, valid document',
        tollgate: `validateDocument (${slug.engine}, pattern on RE2)`,
        baseline: 'raw Ajv2020 validate (native RegExp)',
        note: `pattern ${SLUG_PATTERN} on a ${SLUG.length}-character slug`,
      },
      baseline: raw(SLUG_SCHEMA, SLUG_DOCUMENT),
      tollgate: slug.op,
    },
    {
      fields: {
        case: `the pattern alone, ${SLUG.length}-character slug (µs per check)`,
        tollgate: 'linearRegExp(…).test (re2js)',
        baseline: '/…/u.test (V8 Irregexp)',
        note: 'linear time whatever the pattern, at this price per check',
      },
      baseline: () => native.test(SLUG),
      tollgate: () => linear.test(SLUG),
    },
    {
      fields: {
        case: '`unevaluatedProperties: false` (over an allOf), valid document',
        tollgate: `validateDocument (${unevaluated.engine})`,
        baseline: 'raw Ajv2020 validate',
        note: 'an interpreter next to generated code: expected slower; ajv gets unevaluated* wrong in corner cases',
      },
      baseline: raw(UNEVALUATED_SCHEMA, UNEVALUATED_DOCUMENT),
      tollgate: unevaluated.op,
    },
    {
      fields: {
        case: `\`uniqueItems\` over ${UNIQUE_ITEMS_COUNT.toLocaleString('en-US')} small objects, all distinct`,
        tollgate: `validateDocument (${unique.engine}, hashed uniqueItems)`,
        baseline: 'raw Ajv2020 validate (pairwise)',
        note: 'O(n) against O(n²): the gap grows with the array',
      },
      baseline: raw(UNIQUE_ITEMS_SCHEMA, UNIQUE_ITEMS_DOCUMENT),
      tollgate: unique.op,
    },
  ];
  const comparisons = compareAll(specs, settings);

  const table = markdownTable(
    [
      { header: 'case' },
      { header: 'Tollgate' },
      { header: 'Tollgate µs', align: 'right' },
      { header: 'baseline' },
      { header: 'baseline µs', align: 'right' },
      { header: 'baseline ÷ Tollgate', align: 'right' },
      { header: 'target' },
      { header: 'calls per round (Tollgate / baseline)', align: 'right' },
      { header: 'note' },
    ],
    comparisons.map((row) => [
      row.case,
      row.tollgate,
      formatMicros(row.tollgateTiming.us),
      row.baseline,
      formatMicros(row.baselineTiming.us),
      formatRatio(row.ratio),
      formatTarget(row),
      `${row.tollgateTiming.iterations.toLocaleString('en-US')} / ${row.baselineTiming.iterations.toLocaleString('en-US')}`,
      row.note,
    ]),
  );
  const lines = [
    'In-process, one thread: microseconds per document (per check for the pattern row). Every contender is ' +
      `warmed up for ${settings.warmupMs} ms before any is measured, then each pair is measured in ` +
      `${settings.rounds} alternating rounds of about ` +
      `${settings.roundMs} ms (at least ${settings.minIterations} calls); the figure is the median round. The ` +
      'baseline is ajv used directly (`new Ajv2020({ allErrors: true, strict: false })`, compiled once); ' +
      '"baseline ÷ Tollgate" is the baseline time divided by Tollgate’s, computed within this run: above 1, ' +
      'Tollgate is faster. One measuring loop calls every contender, as a server calls the validators of many ' +
      'schemas, so no validator is inlined into it. Every measured call must answer "valid", or the benchmark stops.',
    '',
    ...table,
  ];
  return { settings, comparisons, lines };
}
