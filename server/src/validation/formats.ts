import * as formats from '@hyperjump/json-schema-formats';
import type { DialectName } from './dialects.js';

/** Checks one string against a `format`; values that are not strings always pass. */
export type FormatCheck = (value: string) => boolean;

/**
 * RFC 3986 allows an IPvFuture host (`[v1.fe]`) by syntax; the library parses it, then throws
 * "Unsupported IP version" because it cannot interpret it. Syntax is what `format` asserts.
 */
function allowingIpvFuture(check: FormatCheck): FormatCheck {
  return (value) => {
    try {
      return check(value);
    } catch (error) {
      return error instanceof Error && error.message.startsWith('Unsupported IP version');
    }
  };
}

const LEAP_SECOND = /^(\d{2}):(\d{2}):60(\.\d+)?(z|[+-]\d{2}:\d{2})$/i;

/**
 * RFC 3339 `time`, leap seconds included: a time alone carries no date, so `:60` is accepted
 * whenever it falls on 23:59 UTC (the only minute a leap second can end), as the test suite expects.
 */
function isTime(value: string): boolean {
  if (formats.isTime(value)) return true;
  const leap = LEAP_SECOND.exec(value);
  if (leap === null || !formats.isTime(value.replace(':60', ':59'))) return false;
  const [, hour = '', minute = '', , offset = 'z'] = leap;
  const offsetMinutes =
    offset.toLowerCase() === 'z'
      ? 0
      : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const utcMinutes = (((Number(hour) * 60 + Number(minute) - offsetMinutes) % 1440) + 1440) % 1440;
  return utcMinutes === 23 * 60 + 59;
}

/**
 * The formats Tollgate asserts, the same checks whichever engine validates: the RFC-exact
 * implementations of @hyperjump/json-schema-formats. Unknown formats are ignored, as the
 * specification says.
 */
const LATEST_FORMATS: Readonly<Record<string, FormatCheck>> = {
  'date-time': formats.isDateTime,
  date: formats.isDate,
  time: isTime,
  duration: formats.isDuration,
  email: formats.isEmail,
  'idn-email': formats.isIdnEmail,
  hostname: formats.isAsciiIdn,
  'idn-hostname': formats.isIdn,
  ipv4: formats.isIPv4,
  ipv6: formats.isIPv6,
  uri: allowingIpvFuture(formats.isUri),
  'uri-reference': allowingIpvFuture(formats.isUriReference),
  iri: allowingIpvFuture(formats.isIri),
  'iri-reference': allowingIpvFuture(formats.isIriReference),
  uuid: formats.isUuid,
  'uri-template': formats.isUriTemplate,
  'json-pointer': formats.isJsonPointer,
  'relative-json-pointer': formats.isRelativeJsonPointer,
  regex: formats.isRegex,
};

/** draft-04 and draft-06 define `hostname` by RFC 1123 rather than IDNA. */
const RFC_1123_FORMATS: Readonly<Record<string, FormatCheck>> = { ...LATEST_FORMATS, hostname: formats.isHostname };

/** Every check guarded: a format check that throws answers "does not match", never an error. */
function guarded(table: Readonly<Record<string, FormatCheck>>): Readonly<Record<string, FormatCheck>> {
  return Object.fromEntries(
    Object.entries(table).map(([name, check]) => [
      name,
      (value: string) => {
        try {
          return check(value);
        } catch {
          return false;
        }
      },
    ]),
  );
}

const LATEST = guarded(LATEST_FORMATS);
const RFC_1123 = guarded(RFC_1123_FORMATS);

export function formatsOf(dialect: DialectName): Readonly<Record<string, FormatCheck>> {
  return dialect === 'draft-04' || dialect === 'draft-06' ? RFC_1123 : LATEST;
}
