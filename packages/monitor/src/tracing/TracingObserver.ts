import {
  context,
  isSpanContextValid,
  propagation,
  ProxyTracer,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type {
  AttemptObservation,
  ObservedAttempt,
  ObservedOutcome,
  ObservedRequest,
  ObservedResult,
  RequestObservation,
  RequestObserver,
} from '@slipstream/contracts';

/** Options of the `TracingObserver`. */
export interface TracingObserverOptions {
  /** The tracer spans come from. Defaults to `trace.getTracer('@slipstream/monitor')` (the global provider's). */
  tracer?: Tracer;
}

/** The instrumentation scope of the default tracer. */
export const TRACER_NAME = '@slipstream/monitor';

/** Sets the outcome of an attempt or a request on its span; anything but a success marks it an error. */
function setOutcome(span: Span, outcome: ObservedOutcome): void {
  span.setAttribute('slipstream.outcome', outcome.outcome);
  if (outcome.status !== undefined) span.setAttribute('http.response.status_code', outcome.status);
  if (outcome.outcome !== 'success') {
    const error = outcome.error;
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : outcome.outcome,
    });
  }
}

const NO_ATTEMPT_SPAN: AttemptObservation = Object.freeze({ finished: () => undefined });
/** A request that is not traced (no SDK registered, no caller's trace): no span work per attempt. */
const UNTRACED: RequestObservation = Object.freeze({
  addsHeaders: false,
  inert: true,
  admitted: () => undefined,
  attemptStarted: () => NO_ATTEMPT_SPAN,
  finished: () => undefined,
});

/** One attempt's span. */
class AttemptSpan implements AttemptObservation {
  constructor(private readonly span: Span) {}

  finished(outcome: ObservedOutcome): void {
    setOutcome(this.span, outcome);
    this.span.end();
  }
}

/** One request's span, parent of its attempts' spans. */
class RequestSpan implements RequestObservation {
  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly ctx: Context,
  ) {}

  admitted(queueWaitMs: number): void {
    this.span.setAttribute('slipstream.queue_wait_ms', queueWaitMs);
  }

  attemptStarted(attempt: ObservedAttempt, headers: Record<string, string>): AttemptObservation {
    const span = this.tracer.startSpan(
      attempt.reason === 'hedge' ? `hedge ${attempt.attempt}` : `attempt ${attempt.attempt}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'slipstream.attempt': attempt.attempt,
          'slipstream.attempt.reason': attempt.reason,
          'server.address': attempt.endpoint,
          ...(attempt.retryOf === undefined ? {} : { 'slipstream.retry_of': attempt.retryOf }),
        },
      },
      this.ctx,
    );
    // W3C traceparent/tracestate of the attempt's span, through the globally registered propagator.
    propagation.inject(trace.setSpan(this.ctx, span), headers);
    return new AttemptSpan(span);
  }

  finished(result: ObservedResult): void {
    const span = this.span;
    span.setAttribute('slipstream.attempts', result.attempts);
    span.setAttribute('slipstream.duration_ms', result.durationMs);
    if (result.endpoint !== undefined) span.setAttribute('server.address', result.endpoint);
    setOutcome(span, result);
    span.end();
  }
}

/** Code of the process warning for tracing enabled with no OpenTelemetry SDK registered. */
export const TRACING_NO_SDK_WARNING = 'SLIP_WARN_TRACING_NO_SDK';

let warnedNoSdk = false;

/**
 * Warns once per process that tracing is on but spans go nowhere (an SDK hands out valid span
 * contexts even for traces its sampler drops; only the API's no-op does not).
 */
function warnNoSdk(): void {
  if (warnedNoSdk) return;
  warnedNoSdk = true;
  process.emitWarning(
    'tracing is enabled but no OpenTelemetry SDK is registered: spans are not recorded or exported ' +
      '(register one in the process, e.g. node --require ./otel.cjs; see the monitor README)',
    { code: TRACING_NO_SDK_WARNING },
  );
}

/**
 * OpenTelemetry tracing on `@opentelemetry/api` alone: a span per request (route, cluster, QoS
 * class, queue wait, outcome kind, attempts), child of the caller's active context (a bus
 * message's extracted one included), with a child span per attempt and per hedge (endpoint,
 * status, retry reason), whose W3C `traceparent`/`tracestate` the registered propagator injects
 * into the attempt's headers. Without an SDK registered the API hands out non-recording spans
 * and a no-op propagator: a request outside any caller's trace then costs no span (one
 * non-recording span with a `tracer` of the caller's) and no work per attempt, and its attempts'
 * headers are not copied (its observation does not add to them); inside one, the caller's
 * `traceparent` is still passed on.
 */
export class TracingObserver implements RequestObserver {
  /** It injects `traceparent` into each attempt's headers. */
  readonly addsHeaders = true;
  private readonly tracer: Tracer;
  /**
   * The API's proxy provider `tracer` came from while it has no SDK to delegate to (see
   * `untraced`); undefined once one is registered, or when the tracer is not the proxy's.
   */
  private sdkless: ProxyTracerProvider | undefined;

  constructor(options: TracingObserverOptions = {}) {
    const provider = trace.getTracerProvider();
    this.tracer = options.tracer ?? provider.getTracer(TRACER_NAME);
    this.sdkless =
      this.tracer instanceof ProxyTracer && provider instanceof ProxyTracerProvider ? provider : undefined;
  }

  requestStarted(request: ObservedRequest): RequestObservation {
    const parent = context.active();
    if (this.untraced(parent)) {
      warnNoSdk();
      return UNTRACED;
    }
    const span = this.tracer.startSpan(
      `${request.method} ${request.route === '' ? request.cluster : request.route}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'http.request.method': request.method,
          // The query may carry secrets; spans leave the process, so only the path goes.
          'url.path': request.path.split('?', 1)[0]!,
          'slipstream.route': request.route,
          'slipstream.cluster': request.cluster,
          'slipstream.qos_class': request.qosClass,
          'slipstream.request_kind': request.kind,
        },
      },
      parent,
    );
    // No SDK and no caller's trace: nothing to record or propagate, so no attempt spans either.
    if (!span.isRecording() && !isSpanContextValid(span.spanContext())) {
      warnNoSdk();
      return UNTRACED;
    }
    return new RequestSpan(this.tracer, span, trace.setSpan(parent, span));
  }

  /**
   * Whether a request in `parent` is known untraced before any span is built: the tracer is the
   * API's proxy, its provider has no SDK to delegate to yet (so it would hand out the no-op
   * tracer's non-recording span) and `parent` holds no caller's trace. An SDK may be registered
   * at any time: the proxy then delegates to it for good, and so this stops checking.
   */
  private untraced(parent: Context): boolean {
    const provider = this.sdkless;
    if (provider === undefined) return false;
    if (provider.getDelegateTracer(TRACER_NAME) !== undefined) {
      this.sdkless = undefined;
      return false;
    }
    const caller = trace.getSpanContext(parent);
    return caller === undefined || !isSpanContextValid(caller);
  }
}
