import type { RpcBehaviour } from '@slipstream/testkit';
import type { BatchResponse } from '../src';
import type { ReceivedCall } from './InMemoryBatchEndpoint';

/** Answers echo calls in memory with the testkit's fault semantics (failBatch, malformed, per-id faults). */
export function answerWithFaults(calls: readonly ReceivedCall[], faults: RpcBehaviour): BatchResponse {
  if (faults.failBatch) return { status: 500, headers: {}, body: '{"error":"injected batch failure"}' };
  if (faults.malformed) return { status: 200, headers: {}, body: '{"jsonrpc":"2.0", this is not json' };
  const entries = calls.flatMap((c) => {
    if (faults.omitIds?.includes(c.id)) return [];
    const entry = faults.errorIds?.includes(c.id)
      ? { jsonrpc: '2.0', id: c.id, error: { code: -32000, message: 'injected error' } }
      : { jsonrpc: '2.0', id: c.id, result: c.params ?? null };
    return faults.duplicateIds?.includes(c.id) ? [entry, entry] : [entry];
  });
  return { status: 200, headers: {}, body: JSON.stringify(entries) };
}
