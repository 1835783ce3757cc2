import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import type { z } from 'zod';
import { REDACTED, SECRET_KEY, redactSecrets } from '../logger/redactSecrets';

/**
 * Validates `input` against `schema` and returns the parsed value (defaults applied). Throws a
 * `ConfigError` with one issue per problem: the dotted path, what was expected and what was
 * received (secrets rendered as `[REDACTED]`).
 */
export function parseConfig<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => toConfigIssue(issue, input)),
    { cause: result.error },
  );
}

function toConfigIssue(issue: z.core.$ZodIssue, input: unknown): ConfigIssue {
  const keys = issue.path;
  const secret = keys.some((key) => typeof key === 'string' && SECRET_KEY.test(key));
  return {
    path: keys.map(String).join('.'),
    expected: expected(issue),
    received: secret ? REDACTED : render(redactSecrets(valueAt(input, keys))),
  };
}

function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.origin} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${issue.origin === 'array' || issue.origin === 'string' ? ' (length)' : ''}`;
    case 'too_big':
      return `${issue.origin} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}${issue.origin === 'array' || issue.origin === 'string' ? ' (length)' : ''}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `no keys ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_format':
      return `a ${issue.format} string`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'options' in issue && issue.options !== undefined
        ? `one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`
        : issue.message;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function render(value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return typeof value;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
