import { hash as digestOf, randomBytes } from 'node:crypto';
import { API_KEY_PATTERN } from '@tollgate/shared';

export interface KeyCredential {
  /** public id derived from the key's hash: where its record lives */
  id: string;
  /** hex SHA-256 of the key: the only form in which it is stored */
  hash: string;
}

/** Public id of a key: the first 16 hex digits of its SHA-256 (64 bits; reveals nothing usable). */
export function credentialOf(apiKey: string): KeyCredential {
  const hash = digestOf('sha256', apiKey, 'hex');
  return { id: `k_${hash.slice(0, 16)}`, hash };
}

/** `tg_` + 32 base64url characters (192 random bits). */
export function generateApiKey(): { apiKey: string } & KeyCredential {
  const apiKey = `tg_${randomBytes(24).toString('base64url')}`;
  return { apiKey, ...credentialOf(apiKey) };
}

/** The credential of a well-formed key, or null for anything that cannot be a key. */
export function parseApiKey(presented: string | null): KeyCredential | null {
  if (presented === null || presented.length > 200 || !API_KEY_PATTERN.test(presented)) return null;
  return credentialOf(presented);
}
