import { LatencyHistogram } from '../histogram/LatencyHistogram';
import type { SlidingWindow } from '../histogram/SlidingWindow';
import { OUTCOME_KINDS } from '@slipstream/contracts';
import { ERROR_KINDS, ERROR_KIND_INDEX, ERROR_KIND_OUTCOME, OUTCOME_KIND_INDEX } from './ErrorKind';
import type { CoarseClock } from './CoarseClock';
import type { RequestOutcome, SeriesLabels } from './RequestOutcome';
import { classifyStatus } from './classifyError';

/** Counts the measurements every series records, shared by all series of a registry. */
export interface MeasurementCounter {
  /** Measurements recorded since start. */
  value: number;
}

/**
 * The counters and latencies of one (cluster, endpoint, route, class) series. The
 * registry resolves it once per label set; the pipeline may keep it and call `record`
 * directly. Recording allocates nothing.
 */
export class RequestSeries {
  /** Requests recorded. */
  requests = 0;
  /** Requests that did not succeed, per detailed kind, indexed like `ERROR_KINDS` (not all are errors: see `outcomes`). */
  readonly errors = new Float64Array(ERROR_KINDS.length);
  /** Requests per outcome kind, indexed like `OUTCOME_KINDS`. */
  readonly outcomes = new Float64Array(OUTCOME_KINDS.length);
  /** Request body bytes before compression. */
  bytesOutLogical = 0;
  /** Request body bytes as sent. */
  bytesOutWire = 0;
  /** Response body bytes after decompression. */
  bytesInLogical = 0;
  /** Response body bytes as received. */
  bytesInWire = 0;
  /** Latencies since start. */
  readonly latency = new LatencyHistogram();

  constructor(
    /** The series' labels. */
    readonly labels: Readonly<SeriesLabels>,
    private readonly window: SlidingWindow,
    private readonly measurements: MeasurementCounter,
    private readonly clock: CoarseClock,
  ) {}

  /**
   * Records one request. Without an `errorKind`, a status ≥ 400 counts as a `4xx`/`5xx`
   * kind. Counts as measurements: the request, its latency, its error kind
   * (if any) and each byte figure given.
   */
  record(outcome: Omit<RequestOutcome, keyof SeriesLabels>): void {
    const errorKind =
      outcome.errorKind ?? (outcome.status === undefined ? undefined : classifyStatus(outcome.status));
    const errorIndex = errorKind === undefined ? -1 : ERROR_KIND_INDEX[errorKind];
    const kind = outcome.outcome ?? (errorKind === undefined ? 'success' : ERROR_KIND_OUTCOME[errorKind]);
    const outcomeIndex = OUTCOME_KIND_INDEX[kind];
    let measured = 2;
    this.requests += 1;
    this.outcomes[outcomeIndex]! += 1;
    this.latency.record(outcome.durationMs);
    if (errorIndex >= 0) {
      this.errors[errorIndex]! += 1;
      measured += 1;
    }
    if (outcome.bytesOutLogical !== undefined) {
      this.bytesOutLogical += outcome.bytesOutLogical;
      measured += 1;
    }
    if (outcome.bytesOutWire !== undefined) {
      this.bytesOutWire += outcome.bytesOutWire;
      measured += 1;
    }
    if (outcome.bytesInLogical !== undefined) {
      this.bytesInLogical += outcome.bytesInLogical;
      measured += 1;
    }
    if (outcome.bytesInWire !== undefined) {
      this.bytesInWire += outcome.bytesInWire;
      measured += 1;
    }
    this.window.record(this.clock.now(), outcome.durationMs, errorIndex, outcomeIndex);
    this.measurements.value += measured;
  }

  /** Errors: requests that ended in an upstream failure. */
  get errorCount(): number {
    return this.outcomes[OUTCOME_KIND_INDEX.upstream_failure]!;
  }
}
