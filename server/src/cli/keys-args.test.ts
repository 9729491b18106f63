import { describe, expect, it } from 'vitest';
import { parseKeysArgs, UsageError } from './keys-args.js';

const defaults = { limit: 60, windowSec: 60 };

describe('pnpm keys arguments', () => {
  it('parses create with and without limits', () => {
    expect(parseKeysArgs(['create', '--name', 'ci'], defaults)).toEqual({ command: 'create', input: { name: 'ci' }, json: false });
    expect(parseKeysArgs(['create', '--name', 'ci', '--limit', '5', '--window', '10', '--daily-quota', '0', '--json'], defaults)).toEqual({
      command: 'create',
      input: { name: 'ci', rateLimit: { limit: 5, windowSec: 10 }, dailyJobQuota: 0 },
      json: true,
    });
    expect(parseKeysArgs(['create', '--name=ci', '--limit=5'], defaults)).toMatchObject({
      input: { rateLimit: { limit: 5, windowSec: 60 } },
    });
  });

  it('shows help without a command', () => {
    expect(parseKeysArgs([], defaults)).toEqual({ command: 'help' });
    expect(parseKeysArgs(['create', '--help'], defaults)).toEqual({ command: 'help' });
  });

  it('refuses bad arguments with a message naming the flag', () => {
    expect(() => parseKeysArgs(['create'], defaults)).toThrow(/--name/);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--limit', '-3'], defaults)).toThrow(UsageError);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--limit', '0'], defaults)).toThrow(/--limit/);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--window', '100000'], defaults)).toThrow(/--window/);
    expect(() => parseKeysArgs(['delete', '--name', 'x'], defaults)).toThrow(/unknown command/);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--bogus'], defaults)).toThrow(UsageError);
  });
});
