import { request } from 'undici';

import { TargetUnreachableError } from './TargetUnreachableError';

/** How long the probe may take, ms. */
export const PROBE_TIMEOUT_MS = 5_000;

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}

/**
 * Sends one GET to `target` before any load; rejects with `TargetUnreachableError` when it
 * cannot connect, times out, or answers with a status other than 2xx.
 */
export async function probeTarget(target: URL): Promise<void> {
  let status: number;
  try {
    const res = await request(target, { method: 'GET', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    status = res.statusCode;
    await res.body.dump();
  } catch (err) {
    throw new TargetUnreachableError(`cannot reach ${target.href}: ${describe(err)}`, { cause: err });
  }
  if (status < 200 || status > 299) {
    throw new TargetUnreachableError(
      `${target.href} answered ${status} to GET; the benchmark needs a 2xx answer`,
    );
  }
}
