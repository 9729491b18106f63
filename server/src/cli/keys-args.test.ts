import { describe, expect, it } from 'vitest';
import { createKeyInput, parseKeysArgs, UsageError, type CreateArgs } from './keys-args.js';

const defaults = { limit: 60, windowSec: 60 };

describe('pnpm keys arguments', () => {
  it('parses create with and without limits', () => {
    expect(parseKeysArgs(['create', '--name', 'ci'])).toEqual({ command: 'create', name: 'ci', json: false });
    const full = parseKeysArgs([
      'create',
      '--name',
      'ci',
      '--limit',
      '5',
      '--window',
      '10',
      '--daily-quota',
      '0',
      '--json',
    ]);
    expect(full).toEqual({ command: 'create', name: 'ci', limit: 5, windowSec: 10, dailyJobQuota: 0, json: true });
    expect(createKeyInput(full as CreateArgs, defaults)).toEqual({
      name: 'ci',
      rateLimit: { limit: 5, windowSec: 10 },
      dailyJobQuota: 0,
    });
    expect(createKeyInput(parseKeysArgs(['create', '--name=ci', '--limit=5']) as CreateArgs, defaults)).toEqual({
      name: 'ci',
      rateLimit: { limit: 5, windowSec: 60 },
    });
    expect(createKeyInput(parseKeysArgs(['create', '--name', 'ci']) as CreateArgs, defaults)).toEqual({ name: 'ci' });
  });

  it('shows help without a command', () => {
    expect(parseKeysArgs([])).toEqual({ command: 'help' });
    expect(parseKeysArgs(['create', '--help'])).toEqual({ command: 'help' });
  });

  it('refuses bad arguments with a message naming the flag', () => {
    expect(() => parseKeysArgs(['create'])).toThrow(/--name/);
    expect(() => parseKeysArgs(['create', '--name', '  '])).toThrow(/--name/);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--limit', '-3'])).toThrow(UsageError);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--limit', '0'])).toThrow(/--limit/);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--window', '100000'])).toThrow(/--window/);
    expect(() => parseKeysArgs(['delete', '--name', 'x'])).toThrow(/unknown command/);
    expect(() => parseKeysArgs(['create', '--name', 'x', '--bogus'])).toThrow(UsageError);
  });
});
