import { setTimeout as delay } from 'node:timers/promises';

/** Options of `waitUntil`. */
export interface WaitUntilOptions {
  /** Give up after this long, ms. Defaults to 10_000 ms. */
  timeoutMs?: number;
  /** Pause between checks, ms. Defaults to 20 ms. */
  intervalMs?: number;
  /** Called between checks (e.g. to send a probe request). Defaults to none. */
  tick?: () => Promise<unknown>;
}

/** Checks `condition` until it holds or the timeout passes; resolves with whether it held. */
export async function waitUntil(condition: () => boolean, options: WaitUntilOptions = {}): Promise<boolean> {
  const deadline = performance.now() + (options.timeoutMs ?? 10_000);
  while (!condition()) {
    if (performance.now() >= deadline) return false;
    await delay(options.intervalMs ?? 20);
    await options.tick?.();
  }
  return true;
}
