import { describe, expect, it } from 'vitest';
import { redactRedisUrl, redactSecrets, redisHostPort, rememberSecrets } from './redact.js';

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

describe('the forms of CONTRACT §11', () => {
  it('ACL users: the user name stays, the password goes', () => {
    expect(redactRedisUrl('rediss://app-user:s3cr3t@managed.example:6380')).toBe(
      'rediss://app-user:****@managed.example:6380',
    );
  });

  it('connection URLs lose the TLS file parameters of their fragment', () => {
    expect(redactRedisUrl('rediss://:pw@h:6380#tls-ca-file=%2Fetc%2Fca.pem')).toBe('rediss://:****@h:6380');
  });

  it('PEM blocks (key material) quoted in a message are removed', () => {
    const text = 'bad key: -----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY----- end';
    expect(redactSecrets(text)).toBe('bad key: [PEM PRIVATE KEY redacted] end');
    expect(redactSecrets('cut -----BEGIN EC PRIVATE KEY-----\nMHcCAQEE')).toBe('cut [PEM EC PRIVATE KEY redacted]');
  });

  it('remembered secrets (a REDIS_PASSWORD, the admin token) are masked in any text, encoded or not', () => {
    rememberSecrets(['host-form-p@ssword', undefined, 'abc']);
    expect(redactSecrets('AUTH host-form-p@ssword failed')).toBe('AUTH **** failed');
    expect(redactSecrets('at redis://h?x=host-form-p%40ssword')).toBe('at redis://h?x=****');
    // too short to mask blindly
    expect(redactSecrets('abc')).toBe('abc');
  });
});
