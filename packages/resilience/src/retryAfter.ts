/**
 * The wait an error asks for, ms: `retryAfterMs` when the error carries one (e.g.
 * `OverloadedError`), else a `Retry-After` header in `headers` (seconds or an HTTP-date).
 */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { retryAfterMs: direct, headers } = error as { retryAfterMs?: unknown; headers?: unknown };
  if (typeof direct === 'number' && direct >= 0) return direct;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)['retry-after'];
  return typeof value === 'string' ? parseRetryAfter(value, now) : undefined;
}

/** Parses a `Retry-After` value (delta-seconds or HTTP-date) into ms from `now`; undefined when invalid. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
