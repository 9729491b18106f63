import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateOutput, ValidationJobResult } from '@tollgate/shared';
import type { TollgateClient } from '../../src/client/index.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { startListeningApp, waitFor, type ListeningApp } from '../jobs/helpers.js';

/** Schemas as real projects write them, in the dialect their `$schema` names. */

/** draft-07 as typescript-json-schema and most editors emit it: a root `$ref` beside `definitions`. */
const PACKAGE_JSON_DRAFT_07 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $ref: '#/definitions/Package',
  definitions: {
    Package: {
      type: 'object',
      required: ['name', 'version'],
      properties: {
        name: { type: 'string', pattern: '^(?:@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$', maxLength: 214 },
        version: { type: 'string' },
        keywords: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        engines: { type: 'object', additionalProperties: { type: 'string' } },
        // A draft-07 tuple: [major, minor] with nothing after.
        pair: { type: 'array', items: [{ type: 'integer' }, { type: 'integer' }], additionalItems: false },
        homepage: { type: 'string', format: 'uri' },
      },
      dependencies: { bundledDependencies: ['name'] },
      if: { properties: { private: { const: true } } },
      then: { not: { required: ['publishConfig'] } },
    },
  },
};

/** draft-04 as OpenAPI 3.0's family writes it: `id`, boolean `exclusiveMinimum`. */
const PRICE_DRAFT_04 = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  id: 'https://example.com/price.json',
  type: 'object',
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'number', minimum: 0, exclusiveMinimum: true },
    currency: { type: 'string', enum: ['EUR', 'USD'] },
    tags: { type: 'array', items: [{ type: 'string' }], additionalItems: { type: 'integer' } },
  },
  additionalProperties: false,
};

const CASES: Array<{ name: string; schema: unknown; documents: Array<[unknown, boolean]> }> = [
  {
    name: 'draft-07 package manifest',
    schema: PACKAGE_JSON_DRAFT_07,
    documents: [
      [{ name: '@scope/pkg', version: '1.0.0', keywords: ['a', 'b'], pair: [1, 2], homepage: 'https://x.dev/' }, true],
      [{ name: 'Bad Name', version: '1.0.0' }, false],
      [{ name: 'pkg', version: '1', keywords: ['a', 'a'] }, false],
      [{ name: 'pkg', version: '1', pair: [1, 2, 3] }, false],
      [{ name: 'pkg', version: '1', pair: [1, 'x'] }, false],
      [{ name: 'pkg', version: '1', homepage: 'not a uri' }, false],
      [{ name: 'pkg', version: '1', private: true, publishConfig: {} }, false],
      [{ version: '1' }, false],
    ],
  },
  {
    name: 'draft-04 price',
    schema: PRICE_DRAFT_04,
    documents: [
      [{ amount: 1.5, currency: 'EUR' }, true],
      [{ amount: 0, currency: 'EUR' }, false], // exclusiveMinimum: true
      [{ amount: 1, currency: 'GBP' }, false],
      [{ amount: 1, currency: 'USD', tags: ['x', 1, 2] }, true],
      [{ amount: 1, currency: 'USD', tags: ['x', 'y'] }, false],
      [{ amount: 1, currency: 'USD', extra: 1 }, false],
    ],
  },
  {
    name: 'draft-06 const and contains',
    schema: { $schema: 'http://json-schema.org/draft-06/schema#', type: 'array', contains: { const: 'x' } },
    documents: [
      [['a', 'x'], true],
      [['a'], false],
    ],
  },
  {
    name: '2019-09 recursive tree',
    schema: {
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      $recursiveAnchor: true,
      type: 'object',
      properties: { children: { type: 'array', items: { $recursiveRef: '#' } }, name: { type: 'string' } },
      unevaluatedProperties: false,
    },
    documents: [
      [{ name: 'a', children: [{ name: 'b', children: [] }] }, true],
      [{ name: 'a', children: [{ name: 'b', extra: 1 }] }, false],
    ],
  },
];

for (const backend of ['redis', 'memory'] as const) {
  describe(`JSON Schema dialects through the API (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let app: ListeningApp;
    let client: TollgateClient;
    let worker: RunningWorker;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      app = await startListeningApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
      client = await app.newKeyClient('dialects');
      worker = app.deps.queue.startWorker(2);
    });

    afterAll(async () => {
      await worker.close();
      await app.close();
      await redis?.destroy();
    });

    for (const { name, schema, documents } of CASES) {
      it(`${name}: validates as its authors expect, and a job agrees with validation.validate`, async () => {
        const answers: ValidateOutput[] = [];
        for (const [document, valid] of documents) {
          const answer = await client.validation.validate.mutate({ schema, document });
          expect(answer.valid, JSON.stringify(document)).toBe(valid);
          answers.push(answer);
        }
        const { jobId } = await client.jobs.submit.mutate({
          schema,
          documents: documents.map(([document]) => document),
        });
        const job = await waitFor(
          () => client.jobs.get.query({ jobId }),
          (current) => current.state === 'completed' || current.state === 'failed',
          20_000,
          'the job to finish',
        );
        expect(job.state).toBe('completed');
        const result = job.result as ValidationJobResult;
        expect(result.results.map(({ valid, errors }) => ({ valid, errors }))).toEqual(answers);
      });
    }

    it('refuses an unknown $schema with a 400 naming it and listing the supported ones', async () => {
      const schema = { $schema: 'http://json-schema.org/draft-03/schema#', type: 'string' };
      const error = await client.validation.validate.mutate({ schema, document: 'x' }).then(
        () => null,
        (caught: unknown) => caught as { message: string; data?: { code?: string } },
      );
      expect(error?.data?.code).toBe('BAD_REQUEST');
      expect(error?.message).toContain('http://json-schema.org/draft-03/schema#');
      expect(error?.message).toContain('https://json-schema.org/draft/2020-12/schema');
      expect(error?.message).toContain('http://json-schema.org/draft-07/schema#');
    });

    it('refuses a remote $ref with a 400 and fetches nothing', async () => {
      const schema = { $schema: 'http://json-schema.org/draft-07/schema#', $ref: 'http://127.0.0.1:9/schema.json' };
      await expect(client.validation.validate.mutate({ schema, document: 1 })).rejects.toThrow(/resolve reference/);
    });
  });
}
