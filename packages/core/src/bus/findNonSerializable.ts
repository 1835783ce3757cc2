/** Ancestors of the value being checked, reused across calls so a check allocates nothing on success. */
const ancestors: object[] = [];

/**
 * Why `value` cannot travel as JSON unchanged, as `$.path: reason`, or `undefined` when it can.
 * Accepts strings, finite numbers, booleans, null, arrays and plain objects (an `undefined`
 * property is allowed: JSON drops it, as it drops an absent optional field).
 */
export function findNonSerializable(value: unknown): string | undefined {
  ancestors.length = 0;
  const reason = check(value);
  return reason === undefined ? undefined : `$${reason}`;
}

/** The reason relative to `value`, e.g. `.a[2]: function`. */
function check(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `: non-finite number ${String(value)}`;
    case 'object':
      return value === null ? undefined : checkObject(value);
    default:
      return `: ${typeof value}`;
  }
}

function checkObject(value: object): string | undefined {
  if (ancestors.includes(value)) return ': circular reference';
  ancestors.push(value);
  const reason = Array.isArray(value) ? checkArray(value) : checkPlain(value);
  ancestors.pop();
  return reason;
}

function checkArray(value: readonly unknown[]): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const reason = check(value[i]);
    if (reason !== undefined) return `[${i}]${reason}`;
  }
  return undefined;
}

function checkPlain(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
    return `: instance of ${name}`;
  }
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    const reason = check(field);
    if (reason !== undefined) return `.${key}${reason}`;
  }
  return undefined;
}
