import { REDACTED, SECRET_KEY } from '@slipstream/config';

export { REDACTED, SECRET_KEY };

const MAX_DEPTH = 8;

/**
 * `value` with every secret replaced by `[REDACTED]`: values under secret-named keys in
 * objects, `Headers`/`Map` entries and flat `[name, value, ...]` header arrays, at any depth
 * (up to 8 levels). Errors become `{ name, message, code? }`. Copies only what it changes;
 * the input is never mutated.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return errorFields(value);
  if (Array.isArray(value)) return redactArray(value, depth);
  if (value instanceof Map || isHeaders(value)) {
    return redactEntries((value as Map<unknown, unknown>).entries(), depth);
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const redacted = SECRET_KEY.test(key) ? REDACTED : redactSecrets(field, depth + 1);
    if (redacted !== field) {
      copy ??= { ...value };
      copy[key] = redacted;
    }
  }
  return copy ?? value;
}

function errorFields(err: Error): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  return code === undefined
    ? { name: err.name, message: err.message }
    : { name: err.name, message: err.message, code };
}

function isHeaders(value: object): boolean {
  return typeof Headers !== 'undefined' && value instanceof Headers;
}

function redactEntries(entries: Iterable<[unknown, unknown]>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of entries) {
    out[String(key)] = SECRET_KEY.test(String(key)) ? REDACTED : redactSecrets(field, depth + 1);
  }
  return out;
}

function redactArray(value: readonly unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const previous = value[i - 1];
    // Flat header arrays (undici's `['authorization', 'Bearer x', ...]`): a secret name redacts the next item.
    const secretValue = i % 2 === 1 && typeof previous === 'string' && SECRET_KEY.test(previous);
    const field = value[i];
    const redacted = secretValue ? REDACTED : redactSecrets(field, depth + 1);
    if (redacted !== field) {
      copy ??= [...value];
      copy[i] = redacted;
    }
  }
  return copy ?? (value as unknown[]);
}
