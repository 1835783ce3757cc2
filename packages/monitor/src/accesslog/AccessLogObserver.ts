import type {
  AttemptObservation,
  Logger,
  ObservedAttempt,
  ObservedRequest,
  ObservedResult,
  RequestObservation,
  RequestObserver,
} from '@slipstream/contracts';
import { ConfigError } from '@slipstream/contracts';

/** Options of the `AccessLogObserver`. */
export interface AccessLogOptions {
  /** Share of requests logged, 0..1 (decided when a request starts). Defaults to 1 (every request). */
  sampleRate?: number;
  /** The random source of the sampling, 0 ≤ x < 1. Defaults to `Math.random`. */
  random?: () => number;
}

/** Defaults of `AccessLogOptions`. */
export const ACCESS_LOG_DEFAULTS = Object.freeze({ sampleRate: 1 });

/** The message of every access-log line. */
export const ACCESS_LOG_MESSAGE = 'access';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

const NO_ATTEMPT_WORK: AttemptObservation = Object.freeze({ finished: () => undefined });
/** The observation of a request that was not sampled: does nothing and allocates nothing. */
const UNSAMPLED: RequestObservation = Object.freeze({
  admitted: () => undefined,
  attemptStarted: () => NO_ATTEMPT_WORK,
  finished: () => undefined,
});

/** One sampled request: remembers its queue wait and trace id until it finishes. */
class Logged implements RequestObservation {
  private queueWaitMs = 0;
  private traceId: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly request: ObservedRequest,
  ) {}

  admitted(queueWaitMs: number): void {
    this.queueWaitMs = queueWaitMs;
  }

  attemptStarted(_attempt: ObservedAttempt, headers: Record<string, string>): AttemptObservation {
    const traceparent = headers.traceparent;
    if (this.traceId === undefined && traceparent !== undefined)
      this.traceId = TRACEPARENT.exec(traceparent)?.[1];
    return NO_ATTEMPT_WORK;
  }

  finished(result: ObservedResult): void {
    const { method, path, cluster, route, qosClass } = this.request;
    this.logger.info(ACCESS_LOG_MESSAGE, {
      method,
      path,
      route,
      cluster,
      qosClass,
      endpoint: result.endpoint,
      status: result.status,
      outcome: result.outcome,
      durationMs: Math.round(result.durationMs * 1_000) / 1_000,
      queueWaitMs: Math.round(this.queueWaitMs * 1_000) / 1_000,
      attempts: result.attempts,
      bytesOut: result.bytesOutWire,
      bytesIn: result.bytesInWire,
      traceId: this.traceId,
    });
  }
}

/**
 * The access log: a `RequestObserver` that writes one structured line per sampled request
 * (`access`, with method, path, route, cluster, QoS class, endpoint, status, outcome kind,
 * duration, queue wait, attempts, bytes on the wire and trace id) through the logger, whose
 * redaction hides URL userinfo and secret query parameters in the path. The trace id is read
 * from the `traceparent` the tracing observer injected, so the tracing observer must be bound
 * before it. Off unless bound (see the monitor module's `accessLog` option).
 */
export class AccessLogObserver implements RequestObserver {
  private readonly sampleRate: number;
  private readonly random: () => number;

  constructor(
    private readonly logger: Logger,
    options: AccessLogOptions = {},
  ) {
    this.sampleRate = options.sampleRate ?? ACCESS_LOG_DEFAULTS.sampleRate;
    this.random = options.random ?? Math.random;
    if (!(this.sampleRate >= 0 && this.sampleRate <= 1)) {
      throw new ConfigError([
        { path: 'accessLog.sampleRate', expected: 'a number 0..1', received: String(options.sampleRate) },
      ]);
    }
  }

  requestStarted(request: ObservedRequest): RequestObservation {
    if (this.sampleRate < 1 && !(this.random() < this.sampleRate)) return UNSAMPLED;
    return new Logged(this.logger, request);
  }
}
