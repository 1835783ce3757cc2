/** Property names whose values are never printed in a config error. */
export const SECRET_KEY = /authorization|token|password|secret|cookie|api[-_]?key/i;
/** What a secret value is printed as. */
export const REDACTED = '[REDACTED]';

/** JSON-ish rendering of a received value with its type, e.g. `"8" (string)`, `[] (array)`, `undefined`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  const type = Array.isArray(value) ? 'array' : typeof value;
  let text: string;
  if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else text = JSON.stringify(value, hideSecrets) ?? type;
  if (text.length > 120) text = `${text.slice(0, 117)}...`;
  return `${text} (${type})`;
}

/**
 * A `JSON.stringify` replacer that prints values under secret-named keys as `[REDACTED]`, and
 * the password of a URL's userinfo (`http://user:pw@host`) as `[REDACTED]` wherever it appears.
 */
function hideSecrets(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key)) return REDACTED;
  return typeof value === 'string' ? value.replace(URL_PASSWORD, `$1${REDACTED}@`) : value;
}

/** `scheme://user:password@` in a string: the password is group-free, the rest is group 1. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^/\s@]*@/gi;
