import { ConfigError } from '@slipstream/contracts';
import { OUTCOME_KINDS } from '@slipstream/contracts';
import { ERROR_KINDS, OUTCOME_KIND_INDEX } from '../registry/ErrorKind';
import { LatencyHistogram } from './LatencyHistogram';

/** Options of a `SlidingWindow`. */
export interface SlidingWindowOptions {
  /** Length of the window, ms. Defaults to 60_000 ms. */
  windowMs?: number;
  /** Slots the window is split into; it slides by one slot at a time. Defaults to 6. */
  slots?: number;
}

const DEFAULTS = Object.freeze({ windowMs: 60_000, slots: 6 });

/** Counts and latencies of one slot. */
class Slot {
  /** Slot number (time ÷ slot length) this slot currently holds; -1 when never used. */
  epoch = -1;
  requests = 0;
  readonly errors = new Float64Array(ERROR_KINDS.length);
  readonly outcomes = new Float64Array(OUTCOME_KINDS.length);
  readonly latency = new LatencyHistogram();

  clear(epoch: number): void {
    this.epoch = epoch;
    this.requests = 0;
    this.errors.fill(0);
    this.outcomes.fill(0);
    this.latency.reset();
  }
}

/** The figures of a window, summed over its live slots. */
export interface WindowTotals {
  requests: number;
  /** Errors: requests that ended in an upstream failure (the outcome classifier's verdict). */
  errors: number;
  /** Requests that did not succeed, per detailed kind, indexed like `ERROR_KINDS`. */
  errorsByKind: Float64Array;
  /** Requests per outcome kind, indexed like `OUTCOME_KINDS`. */
  outcomes: Float64Array;
  /** Latencies of the window (a scratch histogram, overwritten by the next `totals` call). */
  latency: LatencyHistogram;
  /** Wall-clock time the window covers, ms (shorter than `windowMs` right after creation). */
  durationMs: number;
}

/**
 * A ring of per-slot counters and histograms rotated by time: the last `windowMs` of
 * requests, errors by kind and latencies. Time comes from the caller (`now`), so fake
 * timers drive it. Memory is fixed: `slots + 1` histograms.
 */
export class SlidingWindow {
  #windowMs: number;
  private slotMs: number;
  private readonly ring: Slot[];
  private createdAt: number;
  private readonly scratch: WindowTotals;

  constructor(now: number, options: SlidingWindowOptions = {}) {
    const windowMs = options.windowMs ?? DEFAULTS.windowMs;
    const slots = options.slots ?? DEFAULTS.slots;
    SlidingWindow.checkWindowMs(windowMs);
    if (!Number.isInteger(slots) || slots < 1) {
      throw new ConfigError([{ path: 'slots', expected: 'an integer ≥ 1', received: String(slots) }]);
    }
    this.#windowMs = windowMs;
    this.slotMs = windowMs / slots;
    this.ring = Array.from({ length: slots }, () => new Slot());
    this.createdAt = now;
    this.scratch = {
      requests: 0,
      errors: 0,
      errorsByKind: new Float64Array(ERROR_KINDS.length),
      outcomes: new Float64Array(OUTCOME_KINDS.length),
      latency: new LatencyHistogram(),
      durationMs: 0,
    };
  }

  /** Length of the window, ms. */
  get windowMs(): number {
    return this.#windowMs;
  }

  /** Throws a `ConfigError` naming `windowMs` unless it is a finite number of ms > 0. */
  static checkWindowMs(windowMs: number): void {
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new ConfigError([
        { path: 'windowMs', expected: 'a number of ms > 0', received: String(windowMs) },
      ]);
    }
  }

  /**
   * Empties the window and restarts it at `now` with a new length (same number of slots).
   * Everything recorded before is dropped: slots of another length cannot be re-cut. An
   * invalid length throws a `ConfigError` and changes nothing.
   */
  reset(now: number, windowMs: number = this.#windowMs): void {
    SlidingWindow.checkWindowMs(windowMs);
    this.#windowMs = windowMs;
    this.slotMs = windowMs / this.ring.length;
    this.createdAt = now;
    for (const slot of this.ring) slot.clear(-1);
  }

  /**
   * Records one request at `now`; `errorIndex` is its `ERROR_KIND_INDEX` (-1 for a success),
   * `outcomeIndex` its `OUTCOME_KIND_INDEX` (defaults to a success).
   */
  record(now: number, durationMs: number, errorIndex: number, outcomeIndex = 0): void {
    const slot = this.slotAt(now);
    slot.requests += 1;
    if (errorIndex >= 0) slot.errors[errorIndex]! += 1;
    slot.outcomes[outcomeIndex]! += 1;
    slot.latency.record(durationMs);
  }

  /** The window's totals at `now`. The returned object is reused by the next call. */
  totals(now: number): WindowTotals {
    const out = this.scratch;
    out.requests = 0;
    out.errors = 0;
    out.errorsByKind.fill(0);
    out.outcomes.fill(0);
    out.latency.reset();
    out.durationMs = 0;
    return this.addTo(now, out);
  }

  /**
   * Adds this window's live slots at `now` to `out` (to sum several windows); `out`'s
   * duration becomes the longer of the two.
   */
  addTo(now: number, out: WindowTotals): WindowTotals {
    const current = Math.floor(now / this.slotMs);
    const oldest = current - this.ring.length + 1;
    for (const slot of this.ring) {
      if (slot.epoch < oldest || slot.epoch > current) continue;
      out.requests += slot.requests;
      for (let k = 0; k < slot.errors.length; k++) out.errorsByKind[k]! += slot.errors[k]!;
      for (let k = 0; k < slot.outcomes.length; k++) out.outcomes[k]! += slot.outcomes[k]!;
      out.errors += slot.outcomes[OUTCOME_KIND_INDEX.upstream_failure]!;
      out.latency.merge(slot.latency);
    }
    const durationMs = Math.max(1, Math.min(now - this.createdAt, now - oldest * this.slotMs));
    out.durationMs = Math.max(out.durationMs, durationMs);
    return out;
  }

  private slotAt(now: number): Slot {
    const epoch = Math.floor(now / this.slotMs);
    const slot = this.ring[epoch % this.ring.length]!;
    if (slot.epoch !== epoch) slot.clear(epoch);
    return slot;
  }
}
