import { setTimeout as sleep } from 'node:timers/promises';
import { callProcedure, field, now, type CallOutcome } from './trpc-call.js';

/** An API key the soak created, with the limit it was given. */
export interface SoakKey {
  name: string;
  apiKey: string;
  limit: number;
  windowSec: number;
}

/** When an admitted call was decided: somewhere between sending it and its answer's headers. */
export type Admission = readonly [sentAt: number, answeredAt: number];

export interface ClientOptions {
  index: number;
  /** the server instances, called alternately */
  servers: string[];
  /** keys hammered with `validation.validate`, in turn */
  tightKeys: SoakKey[];
  /** this client's key for `jobs.submit` (a limit that does not bind) */
  jobKey: SoakKey;
  callsPerSec: number;
  jobEveryMs: number;
  timeoutMs: number;
  /** told of every accepted job (its id, the key that owns it, when) */
  onAccepted(jobId: string, apiKey: string, at: number): void;
}

const SCHEMA = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 0 }, name: { type: 'string', maxLength: 16 } },
  required: ['id'],
};

/**
 * One client: a plain fetch loop, one call at a time at a steady pace, alternating between the
 * server instances; guarded `validation.validate` calls on the tight keys, and now and then a
 * `jobs.submit`. It keeps its own log: every outcome, and the admission of every 200 of a guarded
 * call, per key.
 */
export class SoakClient {
  /** admissions (200s of guarded calls) per key name */
  readonly admissions = new Map<string, Admission[]>();
  /** guarded calls refused with 429, per key name */
  readonly refusals = new Map<string, number>();
  /** `<procedure>\t<outcome>` → count */
  readonly outcomes = new Map<string, number>();
  /** per server: when answers that needed Redis (200, 429) arrived */
  readonly redisAnswers: number[][];
  private stopped = false;
  private calls = 0;

  constructor(private readonly options: ClientOptions) {
    this.redisAnswers = options.servers.map(() => []);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Runs until stop(); resolves once the call in flight has ended. */
  async run(): Promise<void> {
    const interval = 1000 / this.options.callsPerSec;
    let nextCall = now();
    // Spread the clients' submissions over the period.
    let nextJob = now() + (this.options.jobEveryMs * this.options.index) / 4;
    while (!this.stopped) {
      const n = this.calls++;
      const server = (n + this.options.index) % this.options.servers.length;
      if (now() >= nextJob) {
        nextJob = Math.max(nextJob + this.options.jobEveryMs, now());
        await this.submitJob(server, n);
      } else {
        const key = this.options.tightKeys[(n + this.options.index) % this.options.tightKeys.length]!;
        await this.validate(server, key, n);
      }
      nextCall += interval;
      const wait = nextCall - now();
      if (wait > 0) await sleep(wait);
      else nextCall = now();
    }
  }

  private async validate(server: number, key: SoakKey, n: number): Promise<void> {
    const document = n % 4 === 0 ? { id: -n, name: 'x'.repeat(20) } : { id: n, name: `doc-${n % 100}` };
    const answer = await this.call(server, key, 'validation.validate', { schema: SCHEMA, document });
    if (answer.status === 200) this.admit(key, answer);
    else if (answer.status === 429) this.refusals.set(key.name, (this.refusals.get(key.name) ?? 0) + 1);
  }

  private async submitJob(server: number, n: number): Promise<void> {
    const key = this.options.jobKey;
    const documents = Array.from({ length: 5 }, (_, i) => (i === 2 ? { name: n } : { id: n + i, name: `job-${i}` }));
    const answer = await this.call(server, key, 'jobs.submit', { schema: SCHEMA, documents });
    if (answer.status !== 200) return;
    this.admit(key, answer);
    const jobId = field(answer.data, 'jobId');
    if (typeof jobId === 'string') this.options.onAccepted(jobId, key.apiKey, answer.answeredAt);
    else this.count('jobs.submit', 'OK without a jobId');
  }

  private async call(server: number, key: SoakKey, path: string, input: unknown): Promise<CallOutcome> {
    const answer = await callProcedure({
      url: this.options.servers[server]!,
      path,
      kind: 'mutation',
      token: key.apiKey,
      input,
      timeoutMs: this.options.timeoutMs,
    });
    this.count(path, answer.outcome);
    if (answer.status === 200 || answer.status === 429) this.redisAnswers[server]!.push(answer.answeredAt);
    return answer;
  }

  private admit(key: SoakKey, answer: CallOutcome): void {
    let log = this.admissions.get(key.name);
    if (log === undefined) this.admissions.set(key.name, (log = []));
    log.push([answer.sentAt, answer.answeredAt]);
  }

  private count(path: string, outcome: string): void {
    const name = `${path}\t${outcome}`;
    this.outcomes.set(name, (this.outcomes.get(name) ?? 0) + 1);
  }
}
