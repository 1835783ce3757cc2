/** Query parameters whose values `redactUrls` hides unless told otherwise. */
export const DEFAULT_SECRET_QUERY_PARAMS: readonly string[] = Object.freeze([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'password',
  'secret',
  'signature',
  'sig',
  'auth',
  'code',
]);

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A function that hides secrets in URLs inside a string: the userinfo (`http://user:pass@host`
 * becomes `http://[REDACTED]@host`) and the values of the query parameters named in
 * `queryParams` (case-insensitive: `?token=abc` becomes `?token=[REDACTED]`). A string with
 * neither `@` nor `=` is returned as it is without a regular expression run.
 */
export function redactUrls(
  queryParams: readonly string[] = DEFAULT_SECRET_QUERY_PARAMS,
  replacement = '[REDACTED]',
): (text: string) => string {
  const params =
    queryParams.length === 0
      ? undefined
      : new RegExp(`([?&;])(${queryParams.map(escape).join('|')})=[^&#;\\s"']*`, 'gi');
  return (text) => {
    let out = text;
    if (out.includes('@')) out = out.replace(USERINFO, `$1${replacement}@`);
    if (params && out.includes('=')) out = out.replace(params, `$1$2=${replacement}`);
    return out;
  };
}
