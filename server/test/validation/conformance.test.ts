import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateOutput } from '@tollgate/shared';
import { createTestApp, type TestApp } from '../../src/test-support/test-app.js';
import { batchMutation, createKey } from '../quota/inject-helpers.js';

/**
 * The official JSON Schema Test Suite (vendored under test/fixtures), sent through
 * `validation.validate` over HTTP with each dialect named in `$schema`: every required test and
 * every optional format test passes, except the groups listed in LEFT_OUT, and nothing in the
 * suite answers 5xx.
 */

const SUITE = join(import.meta.dirname, '../fixtures/json-schema-test-suite');

const DIALECTS = {
  draft4: 'http://json-schema.org/draft-04/schema#',
  draft6: 'http://json-schema.org/draft-06/schema#',
  draft7: 'http://json-schema.org/draft-07/schema#',
  'draft2019-09': 'https://json-schema.org/draft/2019-09/schema',
  'draft2020-12': 'https://json-schema.org/draft/2020-12/schema',
} as const;
type SuiteDialect = keyof typeof DIALECTS;

interface SuiteGroup {
  description: string;
  schema: unknown;
  tests: Array<{ description: string; data: unknown; valid: boolean }>;
}

/**
 * Files not run: `format.json` tests that `format` is only an annotation, and Tollgate asserts
 * formats (the optional format tests run instead); `refRemote.json` needs a schema server.
 */
const SKIPPED_FILES = new Set(['format.json', 'refRemote.json']);

/**
 * Groups whose schema refers to a remote resource (`http://localhost:1234/…`, the suite's schema
 * server) or a remote metaschema: Tollgate fetches nothing, so each must answer 400 naming it.
 */
const LEFT_OUT: Record<string, readonly string[]> = {
  'draft2019-09/vocabulary.json': [
    'schema that uses custom metaschema with with no validation vocabulary',
    'ignore unrecognized optional vocabulary',
  ],
  'draft2020-12/vocabulary.json': [
    'schema that uses custom metaschema with with no validation vocabulary',
    'ignore unrecognized optional vocabulary',
  ],
  'draft2020-12/dynamicRef.json': [
    'strict-tree schema, guards against misspelled properties',
    'tests for implementation dynamic anchor and reference link',
    '$ref and $dynamicAnchor are independent of order - $defs first',
    '$ref and $dynamicAnchor are independent of order - $ref first',
    '$ref to $dynamicRef finds detached $dynamicAnchor',
  ],
};

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

function groupsOf(file: string): SuiteGroup[] {
  return JSON.parse(readFileSync(file, 'utf8')) as SuiteGroup[];
}

/** The group's schema with the dialect named, as a user would send it. */
function withDialect(schema: unknown, dialect: SuiteDialect): unknown {
  if (typeof schema !== 'object' || schema === null || '$schema' in schema) return schema;
  return { $schema: DIALECTS[dialect], ...schema };
}

let app: TestApp;
let apiKey: string;

beforeAll(async () => {
  // Budgets are not under test here: a loaded machine must not turn a slow compile into a 422.
  app = await createTestApp({ backend: 'memory', env: { VALIDATION_BUDGET_MS: '60000' } });
  apiKey = (await createKey(app.app, { rateLimit: { limit: 1_000_000, windowSec: 60 } })).apiKey;
});
afterAll(() => app.close());

async function runGroup(group: SuiteGroup, dialect: SuiteDialect) {
  const schema = withDialect(group.schema, dialect);
  const calls = group.tests.map((test) => ({ schema, document: test.data }));
  return batchMutation(app.app, 'validation.validate', calls, apiKey);
}

function describeSuite(dialect: SuiteDialect, sub: string) {
  const dir = join(SUITE, dialect, sub);
  for (const name of jsonFiles(dir)) {
    const key = `${dialect}/${sub === '' ? '' : `${sub}/`}${name}`;
    if (SKIPPED_FILES.has(name) && sub === '') {
      it(`${key} (not run: never a 5xx)`, async () => {
        for (const group of groupsOf(join(dir, name))) {
          expect((await runGroup(group, dialect)).status, group.description).toBeLessThan(500);
        }
      });
      continue;
    }
    const leftOut = new Set(LEFT_OUT[key] ?? []);
    it(key, async () => {
      const failures: string[] = [];
      for (const group of groupsOf(join(dir, name))) {
        const response = await runGroup(group, dialect);
        expect(response.status, `${group.description}: HTTP ${response.status}`).toBeLessThan(500);
        if (leftOut.has(group.description)) {
          for (const call of response.body) {
            expect(call.error?.data.code).toBe('BAD_REQUEST');
            expect(call.error?.message).toMatch(/localhost:1234|remote/);
          }
          continue;
        }
        group.tests.forEach((test, i) => {
          const call = response.body[i];
          const data = call?.result?.data as ValidateOutput | undefined;
          if (data?.valid !== test.valid) {
            failures.push(`${group.description} / ${test.description}: ${JSON.stringify(call).slice(0, 300)}`);
          }
        });
      }
      expect(failures).toEqual([]);
    });
  }
}

for (const dialect of Object.keys(DIALECTS) as SuiteDialect[]) {
  describe(`JSON Schema Test Suite ${dialect} (required)`, () => describeSuite(dialect, ''));
  describe(`JSON Schema Test Suite ${dialect} (optional formats)`, () => describeSuite(dialect, 'optional/format'));
}
