import { context, propagation, trace } from '@opentelemetry/api';
import type { Envelope, TraceContext } from '@slipstream/contracts';

/**
 * Puts the active trace context (W3C, through the registered propagator) on `envelope`, when
 * the sender is inside a span. Outside one, or without a propagator, nothing is added.
 */
export function injectTraceContext(envelope: Envelope): void {
  const active = context.active();
  if (trace.getSpan(active) === undefined) return;
  const carrier: Partial<TraceContext> = {};
  propagation.inject(active, carrier);
  if (typeof carrier.traceparent !== 'string') return;
  envelope.traceContext =
    typeof carrier.tracestate === 'string'
      ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
      : { traceparent: carrier.traceparent };
}

/** Runs `fn` inside the trace context `envelope` carries (as is, without one). */
export function withTraceContext<R>(envelope: Envelope, fn: () => R): R {
  const carried = envelope.traceContext;
  if (carried === undefined) return fn();
  return context.with(propagation.extract(context.active(), carried), fn);
}
