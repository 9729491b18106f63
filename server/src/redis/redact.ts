/** Query parameters of a Redis URL that ioredis reads as credentials. */
const PASSWORD_PARAM = /([?&]password=)[^&#\s]*/gi;

/**
 * Replaces the password of a redis:// URL with `****`, whether it is in the user-info part or a
 * `?password=` parameter; leaves other strings alone.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.toString().replace(/\/$/, '').replace(PASSWORD_PARAM, '$1****');
  } catch {
    return redactSecrets(url);
  }
}

/** Removes any Redis URL credentials from a free-form message (errors from ioredis can quote them). */
export function redactSecrets(text: string): string {
  return text.replace(/(rediss?:\/\/[^:@/\s]*:)[^@\s]*@/g, '$1****@').replace(PASSWORD_PARAM, '$1****');
}

/** host:port of a redis URL, for log lines. */
export function redisHostPort(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
}
