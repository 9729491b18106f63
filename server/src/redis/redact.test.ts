import { describe, expect, it } from 'vitest';
import { redactRedisUrl, redactSecrets, redisHostPort } from './redact.js';

describe('redactRedisUrl', () => {
  it('replaces the password and keeps the rest', () => {
    expect(redactRedisUrl('redis://user:s3cr3t@cache.internal:6380/2')).toBe('redis://user:****@cache.internal:6380/2');
    expect(redactRedisUrl('redis://:s3cr3t@127.0.0.1:6379')).toBe('redis://:****@127.0.0.1:6379');
  });

  it('leaves URLs without a password alone', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('strips credentials inside free text', () => {
    expect(redactSecrets('cannot reach redis://:hunter2@db:6379 now')).toBe('cannot reach redis://:****@db:6379 now');
  });

  it('reports host:port with the default port', () => {
    expect(redisHostPort('redis://db')).toBe('db:6379');
  });
});

describe('passwords given as query parameters', () => {
  it('are redacted too (ioredis reads ?password=)', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379/0?password=hunter2')).toBe('redis://127.0.0.1:6379/0?password=****');
    expect(redactSecrets('at redis://db:6379/?db=1&password=hunter2 failed')).toBe(
      'at redis://db:6379/?db=1&password=**** failed',
    );
  });
});
