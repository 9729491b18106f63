import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FLAGS_MODULE = new URL('./v8-heap-flags.ts', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-v8-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A fresh process that allocates objects which die young (keys of a long-lived WeakMap, the
 * pattern that makes V8 tenure their allocation site), and prints by how many MB its old generation
 * grew — with or without v8-heap-flags loaded first, as the entry points load it.
 */
async function oldGenerationGrowthMb(withFlags: boolean): Promise<number> {
  // A module file, not `-e`: run through `-e`, the import alone kept the growth away, flag or not.
  const script = join(dir, withFlags ? 'with-flags.mjs' : 'without.mjs');
  writeFileSync(
    script,
    `
    const v8 = await import('node:v8');
    ${withFlags ? `await import(${JSON.stringify(FLAGS_MODULE)});` : ''}
    const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
    const seen = new WeakMap();
    for (let i = 0; i < 100_000; i++) seen.set({ a: [i] }, { t: 'x' });
    globalThis.gc();
    globalThis.gc();
    const before = old();
    for (let i = 0; i < 500_000; i++) seen.set({ a: [i, i, i], b: { c: 'y' + i } }, { t: 'x' });
    console.log((old() - before) / 1048576);
  `,
  );
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--expose-gc', script], {
    cwd: new URL('..', import.meta.url).pathname,
  });
  return Number(stdout.trim());
}

describe('v8-heap-flags', () => {
  it('keeps objects that die young out of the old generation', async () => {
    const [without, withFlags] = await Promise.all([oldGenerationGrowthMb(false), oldGenerationGrowthMb(true)]);
    // V8's default tenures the site and moves every later object to the old generation (~4 MB
    // here): if this stops holding, V8 changed and the flag may no longer be needed.
    expect(without).toBeGreaterThan(2);
    expect(withFlags).toBeLessThan(1);
  }, 30_000);
});
