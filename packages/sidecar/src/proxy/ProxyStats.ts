import type { RefusalReason } from '../errors/RefusedRequestError';

/** What the sidecar's listener counted since it started; every figure is a count of this process. */
export interface ProxyStatsSnapshot {
  /** Requests received (refused ones included). */
  requests: number;
  /** Requests handed to the pipeline. */
  forwarded: number;
  /** Requests being handled now. */
  inFlight: number;
  /** Responses sent, by status code. */
  byStatus: Record<string, number>;
  /**
   * Requests refused, by reason: before forwarding, but for a `body_too_large` body that passed
   * the limit on the way (that request is in `forwarded` too: its upstream request was cut).
   */
  refused: Partial<Record<RefusalReason, number>>;
  /** Requests that got no upstream response, by `SLIP_ERR_*` code. */
  errors: Record<string, number>;
  /** Single JSON-RPC calls received on the coalescing endpoint. */
  rpcCalls: number;
  /** Whether the listener is draining. */
  draining: boolean;
}

/** The sidecar listener's counters. */
export class ProxyStats {
  requests = 0;
  forwarded = 0;
  inFlight = 0;
  rpcCalls = 0;
  readonly #byStatus: Record<string, number> = {};
  readonly #refused: Partial<Record<RefusalReason, number>> = {};
  readonly #errors: Record<string, number> = {};

  /** Counts a response sent with `status`. */
  responded(status: number): void {
    this.#byStatus[status] = (this.#byStatus[status] ?? 0) + 1;
  }

  /** Counts a refusal. */
  refused(reason: RefusalReason): void {
    this.#refused[reason] = (this.#refused[reason] ?? 0) + 1;
  }

  /** Counts a request that got no upstream response. */
  failed(code: string): void {
    this.#errors[code] = (this.#errors[code] ?? 0) + 1;
  }

  /** A copy of the counters. */
  snapshot(draining: boolean): ProxyStatsSnapshot {
    return {
      requests: this.requests,
      forwarded: this.forwarded,
      inFlight: this.inFlight,
      byStatus: { ...this.#byStatus },
      refused: { ...this.#refused },
      errors: { ...this.#errors },
      rpcCalls: this.rpcCalls,
      draining,
    };
  }
}
