import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('hides credential query parameters, however their names are spelled', () => {
    expect(redactUrl('/trpc/admin.status?connectionParams=%7B%22token%22%3A%22s3cret%22%7D')).toBe(
      '/trpc/admin.status?connectionParams=[REDACTED]',
    );
    expect(redactUrl('/trpc/usage.get?connection%50arams={"token":"tg_x"}&input=1')).toBe(
      '/trpc/usage.get?connection%50arams=[REDACTED]&input=1',
    );
    expect(redactUrl('/x?TOKEN=abc&api%5Fkey=def')).toBe('/x?TOKEN=[REDACTED]&api%5Fkey=[REDACTED]');
  });

  it('leaves other URLs alone', () => {
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/trpc/jobs.list?input=%7B%7D')).toBe('/trpc/jobs.list?input=%7B%7D');
  });
});
