import { REDACTED, SECRET_KEY } from '@slipstream/config';
import { DEFAULT_SECRET_QUERY_PARAMS, redactUrls } from './redactUrls';

export { REDACTED, SECRET_KEY };

const MAX_DEPTH = 8;

/** Options of `createRedactor`. */
export interface RedactorOptions {
  /** Query parameters whose values are hidden in URLs in any string, besides `DEFAULT_SECRET_QUERY_PARAMS` (always hidden). Defaults to none. */
  queryParams?: readonly string[];
}

/** Replaces secrets in a value (see `createRedactor`). */
export type Redactor = (value: unknown) => unknown;

/**
 * A redactor: `value` with every secret replaced by `[REDACTED]`: values under secret-named
 * keys in objects, `Headers`/`Map` entries and flat `[name, value, ...]` header arrays, URL
 * userinfo and the configured query parameters in any string, at any depth (up to 8 levels).
 * Errors become `{ name, message, code?, stack, cause? }`, their `cause` chain followed (each
 * redacted the same way). Copies only what it changes; the input is never mutated.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  // Configured names add to the defaults: naming one secret must not unhide the others.
  const urls = redactUrls([...DEFAULT_SECRET_QUERY_PARAMS, ...(options.queryParams ?? [])], REDACTED);
  const redact = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return urls(value);
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    if (value instanceof Error) return errorFields(value, depth);
    if (Array.isArray(value)) return redactArray(value, depth);
    if (value instanceof Map || isHeaders(value)) {
      return redactEntries((value as Map<unknown, unknown>).entries(), depth);
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, field] of Object.entries(value)) {
      const redacted = SECRET_KEY.test(key) ? REDACTED : redact(field, depth + 1);
      if (redacted !== field) {
        copy ??= { ...value };
        copy[key] = redacted;
      }
    }
    return copy ?? value;
  };

  const errorFields = (err: Error, depth: number): Record<string, unknown> => {
    const fields: Record<string, unknown> = { name: err.name, message: urls(err.message) };
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) fields.code = code;
    if (err.stack !== undefined) fields.stack = urls(err.stack);
    if (err.cause !== undefined) fields.cause = redact(err.cause, depth + 1);
    return fields;
  };

  const redactEntries = (entries: Iterable<[unknown, unknown]>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      out[String(key)] = SECRET_KEY.test(String(key)) ? REDACTED : redact(field, depth + 1);
    }
    return out;
  };

  const redactArray = (value: readonly unknown[], depth: number): unknown[] => {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const previous = value[i - 1];
      // Flat header arrays (undici's `['authorization', 'Bearer x', ...]`): a secret name redacts the next item.
      const secretValue = i % 2 === 1 && typeof previous === 'string' && SECRET_KEY.test(previous);
      const field = value[i];
      const redacted = secretValue ? REDACTED : redact(field, depth + 1);
      if (redacted !== field) {
        copy ??= [...value];
        copy[i] = redacted;
      }
    }
    return copy ?? (value as unknown[]);
  };

  return (value) => redact(value, 0);
}

/** `createRedactor()` with the default query parameters. */
export const redactSecrets: Redactor = createRedactor();

function isHeaders(value: object): boolean {
  return typeof Headers !== 'undefined' && value instanceof Headers;
}
