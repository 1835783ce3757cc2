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

/** Whether `text` holds a character that cannot travel in a request line or header value (CR, LF, NUL, other controls but tab). */
function hasControl(text: string, allowSpaceAndTab: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x7f || (code < 0x20 && !(allowSpaceAndTab && code === 0x09))) return true;
    if (code > 0x7f && !allowSpaceAndTab) return true; // a request target is ASCII: percent-encode the rest
    if (code === 0x20 && !allowSpaceAndTab) return true;
  }
  return false;
}

/** Connection-specific headers: the pool owns them, a caller's would corrupt the connection. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

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
  if (typeof path !== 'string' || !path.startsWith('/') || hasControl(path, false))
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
      if (!TOKEN.test(name))
        throw new InvalidRequestError(`headers[${JSON.stringify(name)}]`, 'expected a header name token');
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower))
        throw new InvalidRequestError(
          `headers[${JSON.stringify(name)}]`,
          'a header that is not connection-specific (the pool manages connection, upgrade, transfer-encoding, te …)',
        );
      if (typeof value !== 'string' || hasControl(value, true))
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
