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
