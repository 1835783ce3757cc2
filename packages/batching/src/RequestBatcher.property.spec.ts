import { setImmediate as tick } from 'node:timers/promises';
import { answerWithFaults } from '../test/answerWithFaults';
import { runBatchingProperty } from '../test/batchingProperty';
import type { ReceivedCall } from '../test/InMemoryBatchEndpoint';
import { RequestBatcher } from './RequestBatcher';

describe(RequestBatcher, () => {
  describe('.call()', () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    beforeAll(() => process.on('unhandledRejection', onUnhandled));
    afterAll(() => process.off('unhandledRejection', onUnhandled));

    it.each([
      ['defaults', {}],
      ['2 batches in flight, 400-byte limit', { maxInFlightBatches: 2, maxBatchBytes: 400 }],
    ])(
      'when 10 000 calls meet random faults and aborts (%s), settles every call exactly once with its planned outcome',
      async (_label, batcher) => {
        const report = await runBatchingProperty({
          calls: 10_000,
          seed: 0x5eed,
          batcher,
          transport: async (batch, signal, faults) => {
            const calls = JSON.parse(batch.body as string) as ReceivedCall[];
            await tick(undefined, { signal });
            return answerWithFaults(calls, faults);
          },
        });
        expect(report.mismatches.slice(0, 10)).toEqual([]);
        expect(report.records.every((r) => r.resolved + r.rejected === 1)).toBe(true);
        for (const kind of ['ok', 'aborted', 'rpc', 'missing', 'duplicate', 'status', 'malformed']) {
          expect(report.kinds[kind]).toBeGreaterThan(0);
        }
        expect(unhandled).toEqual([]);
      },
      60_000,
    );
  });
});
