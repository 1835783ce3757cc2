import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import type { z } from 'zod';
import { describeValue, REDACTED, SECRET_KEY } from './describeValue';
import { knownKeysAt } from './knownKeysAt';
import { nearestName } from './nearestName';

/** `clusters[0].pool.connections` from `['clusters', 0, 'pool', 'connections']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/**
 * Validates `input` against `schema` and returns the parsed value (defaults applied). Throws a
 * `ConfigError` with one issue per problem: the full path (`clusters[0].pool.connections`,
 * under `prefix` when given), what was expected and what was received with its type (`"8"
 * (string)`); an unknown key names the nearest valid one. Secrets are rendered as `[REDACTED]`.
 */
export function parseConfig<T>(schema: z.ZodType<T>, input: unknown, prefix: readonly PropertyKey[] = []): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.flatMap((issue) => toConfigIssues(schema, issue, input, prefix)),
    { cause: result.error },
  );
}

function toConfigIssues(
  schema: z.ZodType,
  issue: z.core.$ZodIssue,
  input: unknown,
  prefix: readonly PropertyKey[],
): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const near = nearestName(key, known);
      const expected = near
        ? `a known key (did you mean "${near}"?)`
        : known.length > 0
          ? `one of the keys ${known.join(', ')}`
          : 'no keys (this takes an empty object)';
      return {
        path: formatPath([...prefix, ...issue.path, key]),
        expected,
        received: `unknown key "${key}"`,
      };
    });
  }
  const keys = issue.path;
  const secret = keys.some((key) => typeof key === 'string' && SECRET_KEY.test(key));
  // A check that describes what it found itself (a key file that does not match its cert) says so in `params.received`.
  const described =
    issue.code === 'custom' ? (issue.params as { received?: unknown } | undefined)?.received : undefined;
  return [
    {
      path: formatPath([...prefix, ...keys]),
      expected: expected(issue),
      received: secret
        ? REDACTED
        : typeof described === 'string'
          ? described
          : describeValue(valueAt(input, keys)),
    },
  ];
}

function expected(issue: z.core.$ZodIssue): string {
  const length = (origin: string): string => (origin === 'array' || origin === 'string' ? ' (length)' : '');
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.origin} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${length(issue.origin)}`;
    case 'too_big':
      return `${issue.origin} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}${length(issue.origin)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `a ${issue.format} string`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      // A discriminated union names the accepted discriminator values.
      return 'options' in issue && Array.isArray(issue.options)
        ? `one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
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
