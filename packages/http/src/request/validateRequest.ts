import { HOP_BY_HOP_HEADERS, InvalidRequestError } from '@slipstream/contracts';
import { isStreamedBody } from '../response/RequestBody';

/** An HTTP token (RFC 9110 §5.6.2): method and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What `validateRequest` looks at; any other field is left alone. */
export interface RequestShape {
  method?: unknown;
  path?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** A character that cannot travel in a request target: controls, space, DEL, and non-ASCII (percent-encode it). */
const NOT_IN_TARGET = /[^\x21-\x7e]/;
/** A character that cannot travel in a header value: CR, LF, NUL and the other controls but tab, and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_IN_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Most header names remembered as checked (a token, not connection-specific), by the name as given. */
const CHECKED_NAMES_MAX = 256;
/** Header names already checked, with their lower-case form: requests repeat a few names. */
const checkedNames = new Map<string, string>();

/** Connection-specific headers: the pool owns them, a caller's would corrupt the connection. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/** Checks a header name not seen yet (a token, not connection-specific); returns its lower-case form. */
function checkName(name: string): string {
  if (!TOKEN.test(name))
    throw new InvalidRequestError(`headers[${JSON.stringify(name)}]`, 'expected a header name token');
  const lower = name.toLowerCase();
  if (HOP_BY_HOP.has(lower))
    throw new InvalidRequestError(
      `headers[${JSON.stringify(name)}]`,
      'a header that is not connection-specific (the pool manages connection, upgrade, transfer-encoding, te …)',
    );
  if (checkedNames.size < CHECKED_NAMES_MAX) checkedNames.set(name, lower);
  return lower;
}

/** JSON rendering of a bad value with its type, for the error message. */
function shown(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${JSON.stringify(value) ?? String(type)} (${type})`;
}

/**
 * Checks a request where it enters the pipeline, before anything is queued or sent: the
 * path is an ASCII string starting with `/` without spaces or control characters; the method, when
 * given, an upper-case HTTP token other than CONNECT; header names tokens, none connection-specific, and values strings without CR, LF or NUL; the
 * body, when given, a string, bytes or a stream; a `content-length`, when given, that of the body. Throws `InvalidRequestError` (`SLIP_ERR_INVALID_REQUEST`)
 * naming the field at fault.
 */
export function validateRequest(req: RequestShape): void {
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    throw new InvalidRequestError('request', `expected an object with a path, received ${shown(req)}`);
  const { method, path, headers, body } = req;
  if (typeof path !== 'string' || !path.startsWith('/') || NOT_IN_TARGET.test(path))
    throw new InvalidRequestError(
      'path',
      `expected a string starting with / without spaces or control characters, received ${shown(path)}`,
    );
  if (
    method !== undefined &&
    (typeof method !== 'string' ||
      !TOKEN.test(method) ||
      method !== method.toUpperCase() ||
      method === 'CONNECT')
  )
    throw new InvalidRequestError(
      'method',
      `expected an upper-case HTTP method token like GET (CONNECT is not proxied), received ${shown(method)}`,
    );
  // The name a `content-length` is given under, checked once the body is.
  let contentLength: string | undefined;
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
      throw new InvalidRequestError(
        'headers',
        `expected an object of header names to values, received ${shown(headers)}`,
      );
    for (const name in headers) {
      if (!Object.hasOwn(headers, name)) continue;
      const value = (headers as Record<string, unknown>)[name];
      const lower = checkedNames.get(name) ?? checkName(name);
      if (typeof value !== 'string' || NOT_IN_VALUE.test(value))
        throw new InvalidRequestError(
          `headers[${JSON.stringify(name)}]`,
          `expected a string without CR, LF or other control characters, received ${shown(value)}`,
        );
      if (lower === 'content-length') contentLength ??= name;
    }
  }
  if (
    body !== undefined &&
    typeof body !== 'string' &&
    !(body instanceof Uint8Array) &&
    !isStreamedBody(body as never)
  )
    throw new InvalidRequestError(
      'body',
      `expected a string, a Buffer or a stream (serialise objects first), received ${shown(body)}`,
    );
  if (contentLength !== undefined)
    checkContentLength(contentLength, (headers as Record<string, string>)[contentLength]!, body);
}

/**
 * A declared `content-length` is a decimal byte count and, for a body the client holds whole
 * (none, a string, bytes), that body's length: a mismatch would fail on the wire as if the
 * upstream were at fault. A streamed body's length is only known as it is sent.
 */
function checkContentLength(name: string, declared: string, body: unknown): void {
  const field = `headers[${JSON.stringify(name)}]`;
  if (!/^\d+$/.test(declared))
    throw new InvalidRequestError(field, `expected a decimal byte count, received ${shown(declared)}`);
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) return;
  const actual =
    body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (Number(declared) !== actual)
    throw new InvalidRequestError(
      field,
      `expected ${actual} (the body's length in bytes) or no content-length, received ${shown(declared)}`,
    );
}
