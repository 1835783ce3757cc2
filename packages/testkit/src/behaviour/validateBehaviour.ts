import type { ConfigIssue } from '@slipstream/contracts';
import type { Behaviour, BehaviourRule } from './Behaviour';

type Check = (value: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegative: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isPositiveInteger: Check = (v) => Number.isInteger(v) && (v as number) > 0;
const isStatus: Check = (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;
const isProbability: Check = (v) => isNonNegative(v) && (v as number) <= 1;
const isIdList: Check = (v) =>
  Array.isArray(v) && v.every((id) => typeof id === 'string' || typeof id === 'number');
const isStringRecord: Check = (v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

function isLatency(v: unknown): boolean {
  if (isNonNegative(v)) return true;
  if (!isObject(v)) return false;
  switch (v.distribution) {
    case 'uniform':
      return isNonNegative(v.min) && isNonNegative(v.max) && (v.max as number) >= (v.min as number);
    case 'normal':
      return isNonNegative(v.mean) && isNonNegative(v.stddev);
    case 'exponential':
      return isNonNegative(v.mean);
    default:
      return false;
  }
}

/** Per field of a behaviour: the check and what it expects. */
const FIELDS: Record<keyof Behaviour, [Check, string]> = {
  status: [isStatus, 'an HTTP status 100..599'],
  latencyMs: [isLatency, 'ms >= 0 or a uniform/normal/exponential distribution'],
  errorRate: [isProbability, 'a probability 0..1'],
  errorStatus: [isStatus, 'an HTTP status 100..599'],
  body: [() => true, 'any'],
  bodySize: [isPositiveInteger, 'a positive integer (bytes)'],
  headers: [isStringRecord, 'an object of string header values'],
  retryAfter: [isNonNegative, 'seconds >= 0'],
  reset: [(v) => v === 'beforeHeaders' || v === 'afterHeaders', "'beforeHeaders' | 'afterHeaders'"],
  hang: [(v) => typeof v === 'boolean', 'a boolean'],
  maxConcurrent: [isPositiveInteger, 'a positive integer (requests served at once)'],
  slowBody: [
    (v) => isObject(v) && isPositiveInteger(v.chunkBytes) && isNonNegative(v.intervalMs),
    '{ chunkBytes: positive integer, intervalMs: ms >= 0 }',
  ],
  compress: [(v) => v === 'gzip' || v === 'br' || v === 'deflate', "'gzip' | 'br' | 'deflate'"],
  corruptCompression: [(v) => typeof v === 'boolean', 'a boolean'],
  rpc: [
    (v) =>
      isObject(v) &&
      ['errorIds', 'omitIds', 'duplicateIds'].every((k) => v[k] === undefined || isIdList(v[k])) &&
      ['failBatch', 'malformed'].every((k) => v[k] === undefined || typeof v[k] === 'boolean'),
    '{ errorIds?, omitIds?, duplicateIds?: id[], failBatch?, malformed?: boolean }',
  ],
};

const render = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text;
};

/** The reasons `value` is not a valid behaviour (empty when it is), each under `path`. */
export function validateBehaviour(value: unknown, path: string): ConfigIssue[] {
  if (!isObject(value)) return [{ path, expected: 'a behaviour object', received: render(value) }];
  return Object.entries(value).flatMap(([key, field]): ConfigIssue[] => {
    const spec = FIELDS[key as keyof Behaviour] as [Check, string] | undefined;
    if (spec === undefined)
      return [{ path: `${path}.${key}`, expected: 'a known behaviour field', received: key }];
    if (field === undefined || spec[0](field)) return [];
    return [{ path: `${path}.${key}`, expected: spec[1], received: render(field) }];
  });
}

/** The reasons `value` is not a valid list of behaviour rules (empty when it is). */
export function validateRules(value: unknown, path: string): ConfigIssue[] {
  if (!Array.isArray(value)) return [{ path, expected: 'an array of rules', received: render(value) }];
  return value.flatMap((rule: unknown, i): ConfigIssue[] => {
    const at = `${path}[${i}]`;
    if (!isObject(rule) || !isObject(rule.match))
      return [
        {
          path: at,
          expected: '{ match: { method?, path?, pathPrefix? }, behaviour }',
          received: render(rule),
        },
      ];
    const badMatch = Object.entries(rule.match)
      .filter(([k, v]) => !['method', 'path', 'pathPrefix'].includes(k) || typeof v !== 'string')
      .map(([k, v]) => ({
        path: `${at}.match.${k}`,
        expected: 'method, path or pathPrefix: a string',
        received: render(v),
      }));
    return [...badMatch, ...validateBehaviour(rule.behaviour, `${at}.behaviour`)];
  });
}

/** Narrowing helper for callers that validated first. */
export function isRuleList(value: readonly BehaviourRule[] | Behaviour): value is readonly BehaviourRule[] {
  return Array.isArray(value);
}
