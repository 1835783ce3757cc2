import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ObservedRequest } from '@slipstream/contracts';
import { installTestTracing } from '../test/installTestTracing';
import { TRACING_NO_SDK_WARNING, TracingObserver } from './TracingObserver';

const REQUEST: ObservedRequest = {
  method: 'POST',
  path: '/rpc?token=SECRET',
  cluster: 'chain',
  route: '',
  qosClass: 'standard',
  kind: 'batch',
};

describe('TracingObserver', () => {
  it('when no SDK is registered, injects nothing, records nothing and warns once that spans go nowhere', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 3; i++) {
        const o = new TracingObserver().requestStarted(REQUEST);
        const headers: Record<string, string> = {};
        o.attemptStarted({ attempt: 1, endpoint: 'http://a:1', reason: 'first' }, headers).finished({
          outcome: 'success',
        });
        o.finished({ outcome: 'success', durationMs: 1, attempts: 1 });
        expect(headers).toEqual({});
        // Nothing to add: the pipeline need not copy the attempts' headers.
        expect(o.addsHeaders).toBe(false);
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![1]).toMatchObject({ code: TRACING_NO_SDK_WARNING });
    } finally {
      warn.mockRestore();
    }
  });

  it("when no SDK is registered but the caller's context carries a trace, passes that trace on to the upstream", () => {
    // A context manager and a propagator, but no tracer provider: spans stay non-recording.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const caller = trace.setSpanContext(context.active(), {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: 1,
      });
      const o = context.with(caller, () => new TracingObserver().requestStarted(REQUEST));
      const headers: Record<string, string> = {};
      o.attemptStarted({ attempt: 1, endpoint: 'http://a:1', reason: 'first' }, headers);
      expect(headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    } finally {
      propagation.disable();
      context.disable();
    }
  });

  it('when an SDK is registered after the observer was made, traces from then on', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const observer = new TracingObserver();
    observer.requestStarted(REQUEST).finished({ outcome: 'success', durationMs: 1, attempts: 1 });
    const tracing = installTestTracing();
    try {
      const o = observer.requestStarted(REQUEST);
      expect(o.addsHeaders).toBeUndefined();
      o.finished({ outcome: 'success', durationMs: 1, attempts: 1 });
      expect(tracing.spans().map((s) => s.name)).toEqual(['POST chain']);
    } finally {
      await tracing.uninstall();
      warn.mockRestore();
    }
  });

  it('when a hedge is sent, gives it its own child span, and a failed request an error status without the query', async () => {
    const tracing = installTestTracing();
    try {
      const o = new TracingObserver().requestStarted(REQUEST);
      o.admitted(3);
      const first = o.attemptStarted({ attempt: 1, endpoint: 'http://a:1', reason: 'first' }, {});
      const headers: Record<string, string> = {};
      const hedge = o.attemptStarted({ attempt: 2, endpoint: 'http://b:1', reason: 'hedge' }, headers);
      hedge.finished({ outcome: 'upstream_overload', status: 429 });
      first.finished({ outcome: 'cancelled', error: new Error('hedge lost') });
      o.finished({ outcome: 'upstream_overload', status: 429, durationMs: 9, attempts: 2 });
      const spans = tracing.spans();
      const request = spans.find((s) => s.name === 'POST chain')!;
      expect(spans.map((s) => s.name).sort()).toEqual(['POST chain', 'attempt 1', 'hedge 2']);
      const hedgeSpan = spans.find((s) => s.name === 'hedge 2')!;
      expect(hedgeSpan.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(hedgeSpan.attributes).toMatchObject({
        'slipstream.attempt.reason': 'hedge',
        'server.address': 'http://b:1',
        'http.response.status_code': 429,
      });
      expect(headers.traceparent).toBe(
        `00-${request.spanContext().traceId}-${hedgeSpan.spanContext().spanId}-01`,
      );
      expect(request.status.code).toBe(2);
      expect(request.attributes).toMatchObject({ 'url.path': '/rpc', 'slipstream.queue_wait_ms': 3 });
    } finally {
      await tracing.uninstall();
    }
  });
});
