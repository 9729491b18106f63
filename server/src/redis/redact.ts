/** Query parameters of a Redis URL that ioredis reads as credentials. */
const PASSWORD_PARAM = /([?&]password=)[^&#\s]*/gi;

/** A PEM block (a private key above all) quoted in a message. */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g;

/** Secrets of this process (the Redis password, the admin token), masked wherever they show up. */
const knownSecrets = new Set<string>();

/** Shorter values are too likely to occur in ordinary text to be masked blindly. */
const MIN_SECRET_LENGTH = 6;

/**
 * Remembers secrets of this process so `redactSecrets` masks them wherever they appear, whatever
 * the form (a REDIS_PASSWORD quoted by a library, an admin token in a message).
 */
export function rememberSecrets(values: ReadonlyArray<string | undefined>): void {
  for (const value of values) {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) {
      knownSecrets.add(value);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) knownSecrets.add(encoded);
    }
  }
}

/**
 * Replaces the password of a redis:// URL with `****`, whether it is in the user-info part or a
 * `?password=` parameter; drops the fragment (where a connection URL keeps its TLS file paths);
 * leaves other strings alone.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '').replace(PASSWORD_PARAM, '$1****');
  } catch {
    return redactSecrets(url);
  }
}

/**
 * Removes secrets from a free-form message (errors from ioredis can quote them): Redis URL
 * credentials, `?password=` parameters, PEM blocks (key material) and the remembered secrets.
 */
export function redactSecrets(text: string): string {
  let redacted = text
    .replace(/(rediss?:\/\/[^:@/\s]*:)[^@\s]*@/g, '$1****@')
    .replace(PASSWORD_PARAM, '$1****')
    .replace(PEM_BLOCK, '[PEM $1 redacted]');
  for (const secret of knownSecrets) redacted = redacted.split(secret).join('****');
  return redacted;
}

/** host:port of a redis URL, for log lines. */
export function redisHostPort(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
}
