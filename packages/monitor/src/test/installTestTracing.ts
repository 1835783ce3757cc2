import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** The OpenTelemetry SDK as a test installs it globally: what it exported, and its removal. */
export interface TestTracing {
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** Unregisters the provider, the context manager and the propagator. */
  uninstall(): Promise<void>;
}

/**
 * Registers the SDK (tests only; the library depends on the API alone): a tracer provider
 * exporting to memory, the async-hooks context manager and the W3C trace-context propagator.
 */
export function installTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans(),
    async uninstall() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
