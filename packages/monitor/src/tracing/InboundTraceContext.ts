import { context, propagation } from '@opentelemetry/api';

/** Header values of an inbound HTTP request, as node:http gives them (lower-case names). */
export type InboundHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Runs `run` in the trace context an inbound request's headers carry, so the spans it starts
 * (the request span of a proxied request) are children of the caller's span.
 */
export type InboundTraceContext = <T>(headers: InboundHeaders, run: () => T) => T;

/**
 * Extracts W3C `traceparent`/`tracestate` (through the globally registered propagator) from an
 * inbound request's headers and runs `run` with that context active. With no SDK registered the
 * API's no-op propagator and context manager make this a direct call of `run`.
 */
export const withInboundTraceContext: InboundTraceContext = (headers, run) =>
  context.with(propagation.extract(context.active(), headers), run);

/** The inbound trace context when tracing is off: `run` in the caller's context, nothing extracted. */
export const withoutInboundTraceContext: InboundTraceContext = (_headers, run) => run();
