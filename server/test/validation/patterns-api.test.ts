import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateOutput, ValidationJobResult } from '@tollgate/shared';
import type { TollgateClient } from '../../src/client/index.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { startListeningApp, waitFor, type ListeningApp } from '../jobs/helpers.js';
import { mutation } from '../quota/inject-helpers.js';

/**
 * Schema regexes run on RE2: ordinary patterns are accepted, the classic catastrophic ones answer
 * correctly on 50,000 characters (through `validation.validate` and through a job), and what RE2
 * cannot run is refused with a 400 naming the construct and its schema path.
 */

const SLUG = { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z]+(-[a-z]+)*$' } } };

const LONG = 50_000;
/** [pattern, a 50,000-character input, whether it matches] */
const CATASTROPHIC: Array<[string, string, boolean]> = [
  ['^(a+)+$', `${'a'.repeat(LONG)}!`, false],
  ['^(a+)+$', 'a'.repeat(LONG), true],
  ['^(\\w+\\s?)*$', `${'word '.repeat(LONG / 5 - 1)}word!`, false],
  ['^(a|aa)+$', `${'a'.repeat(LONG)}b`, false],
  ['^\\d*\\d*\\d*$', `${'1'.repeat(LONG)}x`, false],
  ['^\\d*\\d*\\d*$', '1'.repeat(LONG), true],
];

const REFUSED: Array<[string, RegExp]> = [
  ['^(?=.*\\d).+$', /lookahead/],
  ['^(?!admin).+$', /lookahead/],
  ['(?<=\\$)\\d+', /lookbehind/],
  ['(?<!-)\\d+', /lookbehind/],
  ['^(a)\\1$', /backreference/],
  ['^(?<q>["\'])x\\k<q>$', /backreference/],
];

for (const backend of ['redis', 'memory'] as const) {
  describe(`JSON Schema patterns through the API (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let app: ListeningApp;
    let client: TollgateClient;
    let apiKey: string;
    let worker: RunningWorker;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      app = await startListeningApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
      const created = await app.admin.admin.keys.create.mutate({
        name: 'patterns',
        rateLimit: { limit: 100_000, windowSec: 60 },
      });
      apiKey = created.apiKey;
      client = await app.newKeyClient('patterns-jobs');
      worker = app.deps.queue.startWorker(2);
    });

    afterAll(async () => {
      await worker.close();
      await app.close();
      await redis?.destroy();
    });

    it('accepts the slug pattern and answers like JavaScript would', async () => {
      for (const [name, valid] of [
        ['my-project', true],
        ['a', true],
        ['My-Project', false],
        ['trailing-', false],
        ['double--dash', false],
      ] as const) {
        const response = await mutation<ValidateOutput>(
          app.app,
          'validation.validate',
          { schema: SLUG, document: { name } },
          apiKey,
        );
        expect(response.status).toBe(200);
        expect(response.body.result.data.valid, name).toBe(valid);
      }
    });

    it('answers the classic catastrophic patterns correctly on 50,000 characters', async () => {
      for (const [pattern, input, matches] of CATASTROPHIC) {
        const response = await mutation<ValidateOutput>(
          app.app,
          'validation.validate',
          { schema: { type: 'string', pattern }, document: input },
          apiKey,
        );
        expect(response.status, pattern).toBe(200);
        expect(response.body.result.data).toEqual(
          matches
            ? { valid: true, errors: [] }
            : { valid: false, errors: [{ path: '(root)', message: `must match pattern "${pattern}"` }] },
        );
      }
    });

    it('runs catastrophic patterns inside a job with the same answers', async () => {
      // Document i holds input i under `p<i>`, checked by pattern i alone.
      const documents = CATASTROPHIC.map(([, input], i) => ({ [`p${i}`]: input }));
      const properties = Object.fromEntries(CATASTROPHIC.map(([pattern], i) => [`p${i}`, { type: 'string', pattern }]));
      const { jobId } = await client.jobs.submit.mutate({ schema: { type: 'object', properties }, documents });
      const job = await waitFor(
        () => client.jobs.get.query({ jobId }),
        (current) => current.state === 'completed' || current.state === 'failed',
        20_000,
        'the pattern job to finish',
      );
      expect(job.state).toBe('completed');
      const result = job.result as ValidationJobResult;
      expect(result.results.map((entry) => entry.valid)).toEqual(CATASTROPHIC.map(([, , matches]) => matches));
    });

    it('refuses lookaround and backreferences with a 400 naming the construct and the schema path', async () => {
      for (const [pattern, construct] of REFUSED) {
        const schema = { type: 'object', properties: { code: { type: 'string', pattern } } };
        const response = await mutation(app.app, 'validation.validate', { schema, document: {} }, apiKey);
        expect(response.status, pattern).toBe(400);
        const body = response.body;
        expect(body.error.message).toMatch(construct);
        expect(body.error.data.issues).toEqual([
          expect.objectContaining({
            path: 'schema.properties.code.pattern',
            message: expect.stringMatching(construct) as unknown,
          }),
        ]);
        await expect(client.jobs.submit.mutate({ schema, documents: [{}] })).rejects.toThrow(construct);
      }
      const keys = { type: 'object', patternProperties: { '^(?=x)': { type: 'string' } } };
      const response = await mutation(app.app, 'validation.validate', { schema: keys, document: {} }, apiKey);
      expect(response.status).toBe(400);
      expect(response.body.error.data.issues?.[0]?.path).toBe('schema.patternProperties.^(?=x)');
    });
  });
}
