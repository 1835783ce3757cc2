import {
  ClientClosedError,
  ConfigError,
  ConnectionError,
  MalformedResponseError,
  RequestAbortedError,
  RequestTimeoutError,
  RpcError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import { echoResponse, InMemoryBatchEndpoint } from '../test/InMemoryBatchEndpoint';
import { track } from '../test/settleCounter';
import type { EncodedBatch } from './BatchSender';
import { RequestBatcher } from './RequestBatcher';
import type { RequestBatcherOptions } from './RequestBatcherOptions';

describe(RequestBatcher, () => {
  let endpoint: InMemoryBatchEndpoint;
  let batcher: RequestBatcher;

  function make(options: RequestBatcherOptions = {}): RequestBatcher {
    batcher = new RequestBatcher(endpoint.sender, options);
    return batcher;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    endpoint = new InMemoryBatchEndpoint();
  });

  afterEach(async () => {
    endpoint.manual = false;
    for (const b of endpoint.received) b.respond(echoResponse(b.calls));
    await jest.runAllTimersAsync();
    jest.useRealTimers();
  });

  describe('constructor', () => {
    it('when an option is invalid, throws ConfigError', () => {
      expect(() => make({ maxBatchSize: -1 })).toThrow(ConfigError);
    });
  });

  describe('.call()', () => {
    it('when maxBatchSize calls wait, sends them at once as one batch', async () => {
      make({ maxBatchSize: 3, maxDelayMs: 1_000 });
      const results = [1, 2, 3].map((n) => batcher.call('m', [n]));
      await jest.advanceTimersByTimeAsync(0);
      expect(endpoint.sizes).toEqual([3]);
      await expect(Promise.all(results)).resolves.toEqual([1, 2, 3].map((n) => ({ echo: 'm', params: [n] })));
      expect(batcher.stats().flushReasons.size).toBe(1);
    });

    it('when fewer calls wait, sends them maxDelayMs after the first', async () => {
      make({ maxDelayMs: 5 });
      const a = track(batcher.call('a'));
      await jest.advanceTimersByTimeAsync(3);
      const b = track(batcher.call('b'));
      await jest.advanceTimersByTimeAsync(1);
      expect(endpoint.sizes).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(endpoint.sizes).toEqual([2]);
      expect([a.resolved, b.resolved]).toEqual([1, 1]);
      expect(batcher.stats().flushReasons.delay).toBe(1);
    });

    it('when a critical call arrives, flushes its batch at once with the calls waiting', async () => {
      make({ maxDelayMs: 1_000 });
      const bulk = track(batcher.call('bulk', undefined, { priority: 'bulk' }));
      const critical = track(batcher.call('now', undefined, { priority: 'critical' }));
      await jest.advanceTimersByTimeAsync(0);
      expect(endpoint.received[0]!.calls.map((c) => c.method)).toEqual(['now', 'bulk']);
      expect([bulk.resolved, critical.resolved]).toEqual([1, 1]);
      expect(batcher.stats().flushReasons.priority).toBe(1);
    });

    it('when the next call would pass maxBatchBytes, sends the batch without it', async () => {
      make({ maxBatchBytes: 100, maxDelayMs: 1_000 });
      const calls = [1, 2, 3].map((n) => track(batcher.call('method', { pad: 'x'.repeat(20), n })));
      // Each call encodes to about 85 bytes: any two would pass 100.
      await jest.advanceTimersByTimeAsync(0);
      expect(endpoint.sizes).toEqual([1, 1]);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(endpoint.sizes).toEqual([1, 1, 1]);
      expect(calls.every((c) => c.resolved === 1)).toBe(true);
      expect(batcher.stats().flushReasons).toMatchObject({ bytes: 2, delay: 1 });
    });

    it('when maxInFlightBatches are on the wire, holds further batches until one returns', async () => {
      make({ maxBatchSize: 1, maxInFlightBatches: 2 });
      endpoint.manual = true;
      const calls = [1, 2, 3, 4].map((n) =>
        track(batcher.call('m', n, { priority: n === 4 ? 'standard' : 'bulk' })),
      );
      await jest.advanceTimersByTimeAsync(10);
      expect(endpoint.sizes).toEqual([1, 1]);
      endpoint.received[0]!.respond(echoResponse(endpoint.received[0]!.calls));
      await jest.advanceTimersByTimeAsync(0);
      // The standard call overtakes the bulk one that waited longer.
      expect(endpoint.received.map((b) => b.calls[0]!.params)).toEqual([1, 2, 4]);
      expect(calls.map((c) => c.resolved)).toEqual([1, 0, 0, 0]);
    });

    it('when a queued call is aborted, rejects it and leaves it out of the batch', async () => {
      make({ maxDelayMs: 5 });
      const controller = new AbortController();
      const aborted = track(batcher.call('gone', undefined, { signal: controller.signal }));
      const kept = track(batcher.call('kept'));
      controller.abort();
      await jest.advanceTimersByTimeAsync(5);
      expect(aborted.error).toBeInstanceOf(RequestAbortedError);
      expect(endpoint.received[0]!.calls.map((c) => c.method)).toEqual(['kept']);
      expect(kept.resolved).toBe(1);
    });

    it('when every queued call is aborted, sends nothing', async () => {
      make({ maxDelayMs: 5 });
      const controller = new AbortController();
      const aborted = track(batcher.call('gone', undefined, { signal: controller.signal }));
      controller.abort();
      await jest.advanceTimersByTimeAsync(10);
      expect(endpoint.received).toHaveLength(0);
      expect(aborted.rejected).toBe(1);
    });

    it('when the signal is already aborted, rejects without queueing', async () => {
      make();
      await expect(batcher.call('m', undefined, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
        RequestAbortedError,
      );
    });

    it('when an in-flight call is aborted, rejects it at once and drops its result', async () => {
      make();
      endpoint.manual = true;
      const controller = new AbortController();
      const aborted = track(batcher.call('a', undefined, { signal: controller.signal }));
      const other = track(batcher.call('b'));
      await jest.advanceTimersByTimeAsync(2);
      controller.abort();
      await jest.advanceTimersByTimeAsync(0);
      expect(aborted.error).toBeInstanceOf(RequestAbortedError);
      expect(endpoint.received[0]!.signal.aborted).toBe(false);
      endpoint.received[0]!.respond(echoResponse(endpoint.received[0]!.calls));
      await jest.advanceTimersByTimeAsync(0);
      expect([aborted.resolved, aborted.rejected, other.resolved]).toEqual([0, 1, 1]);
    });

    it('when every call of an in-flight batch is aborted, aborts the batch request', async () => {
      make();
      endpoint.manual = true;
      const controller = new AbortController();
      const aborted = track(batcher.call('a', undefined, { signal: controller.signal }));
      await jest.advanceTimersByTimeAsync(2);
      controller.abort();
      await jest.advanceTimersByTimeAsync(0);
      expect(endpoint.received[0]!.signal.aborted).toBe(true);
      expect(aborted.rejected).toBe(1);
    });

    it('when the call times out, rejects it with RequestTimeoutError', async () => {
      make();
      endpoint.manual = true;
      const slow = track(batcher.call('slow', undefined, { timeoutMs: 50 }));
      await jest.advanceTimersByTimeAsync(50);
      expect(slow.error).toBeInstanceOf(RequestTimeoutError);
    });

    it('when the batch gets no response within timeoutMs, rejects its calls with RequestTimeoutError', async () => {
      make({ timeoutMs: 100 });
      endpoint.manual = true;
      const calls = [track(batcher.call('a')), track(batcher.call('b'))];
      await jest.advanceTimersByTimeAsync(102);
      expect(calls.map((c) => c.error)).toEqual([
        expect.any(RequestTimeoutError),
        expect.any(RequestTimeoutError),
      ]);
      expect(endpoint.received[0]!.signal.aborted).toBe(true);
    });

    it('when the whole batch fails with a status, rejects only that batch', async () => {
      make({ maxBatchSize: 2 });
      endpoint.handler = (calls) =>
        calls[0]!.method === 'bad' ? { status: 500, headers: {}, body: 'no' } : echoResponse(calls);
      const bad = [track(batcher.call('bad')), track(batcher.call('bad2'))];
      const good = [track(batcher.call('good')), track(batcher.call('good2'))];
      await jest.advanceTimersByTimeAsync(0);
      expect(bad.map((c) => c.error)).toEqual([
        expect.any(UpstreamStatusError),
        expect.any(UpstreamStatusError),
      ]);
      expect(good.map((c) => c.resolved)).toEqual([1, 1]);
    });

    it('when an item fails, rejects only that call with RpcError', async () => {
      make();
      endpoint.handler = (calls) => ({
        status: 200,
        headers: {},
        body: JSON.stringify(
          calls.map((c) =>
            c.method === 'fail'
              ? { jsonrpc: '2.0', id: c.id, error: { code: 7, message: 'no' } }
              : { jsonrpc: '2.0', id: c.id, result: 1 },
          ),
        ),
      });
      const failed = track(batcher.call('fail'));
      const ok = track(batcher.call('ok'));
      await jest.advanceTimersByTimeAsync(2);
      expect(failed.error).toMatchObject({ rpcCode: 7 });
      expect(failed.error).toBeInstanceOf(RpcError);
      expect(ok.value).toBe(1);
    });

    it('hands the sender a readBody that reads the body once (decode uses what it read), retryable only when every call is idempotent', async () => {
      const seen: EncodedBatch[] = [];
      let reads = 0;
      batcher = new RequestBatcher(
        (batch) => {
          seen.push(batch);
          const response = {
            status: 200,
            headers: {},
            body: JSON.stringify(batch.ids.map((id) => ({ jsonrpc: '2.0', id, result: id }))),
          };
          reads += 1;
          return Promise.resolve({ ...response, parsed: batch.readBody!(response) });
        },
        { maxBatchSize: 2 },
      );
      const thrownBy = (batch: EncodedBatch): unknown => {
        try {
          batch.readBody!({ status: 200, headers: {}, body: 'x' });
        } catch (err) {
          return err;
        }
        return undefined;
      };
      const results = Promise.all([batcher.call('a', [], { idempotent: true }), batcher.call('b')]);
      await jest.advanceTimersByTimeAsync(0);
      await expect(results).resolves.toEqual([1, 2]);
      expect(reads).toBe(1);
      expect(seen[0]!.idempotent).toBe(false);
      expect(thrownBy(seen[0]!)).toEqual(expect.any(MalformedResponseError));
      expect(thrownBy(seen[0]!)).toMatchObject({ retryable: false });
      const both = Promise.all([
        batcher.call('c', [], { idempotent: true }),
        batcher.call('d', [], { idempotent: true }),
      ]);
      await jest.advanceTimersByTimeAsync(0);
      await both;
      expect(thrownBy(seen[1]!)).toMatchObject({ retryable: true });
    });

    it("when the sender fails with readBody's MalformedResponseError, rejects every call of the batch with it", async () => {
      batcher = new RequestBatcher((batch) => {
        batch.readBody!({ status: 200, headers: {}, body: 'not JSON' });
        return Promise.resolve({ status: 200, headers: {}, body: 'unreachable' });
      });
      const call = track(batcher.call('m'));
      await jest.advanceTimersByTimeAsync(2);
      expect(call.error).toBeInstanceOf(MalformedResponseError);
    });

    it('when a batch holds notifications only, it has no readBody', async () => {
      const seen: EncodedBatch[] = [];
      batcher = new RequestBatcher((batch) => {
        seen.push(batch);
        return Promise.resolve({ status: 204, headers: {}, body: '' });
      });
      const sent = batcher.notify('n');
      await jest.advanceTimersByTimeAsync(2);
      await sent;
      expect(seen[0]!.readBody).toBeUndefined();
    });

    it('when the sender throws a foreign error, rejects the batch with ConnectionError', async () => {
      batcher = new RequestBatcher(() => Promise.reject(new Error('ECONNRESET')));
      const call = track(batcher.call('m'));
      await jest.advanceTimersByTimeAsync(2);
      expect(call.error).toBeInstanceOf(ConnectionError);
      expect((call.error as ConnectionError).cause).toMatchObject({ message: 'ECONNRESET' });
    });

    it('when the params cannot be serialised, rejects that call only', async () => {
      make();
      const bad = track(batcher.call('m', { n: 1n }));
      const ok = track(batcher.call('m', 1));
      await jest.advanceTimersByTimeAsync(2);
      expect(bad.rejected).toBe(1);
      expect(endpoint.sizes).toEqual([1]);
      expect(ok.resolved).toBe(1);
    });

    it('when the priority or the timeout is invalid, rejects with ConfigError', async () => {
      make();
      await expect(batcher.call('m', 1, { priority: 'urgent' as never })).rejects.toBeInstanceOf(ConfigError);
      await expect(batcher.call('m', 1, { timeoutMs: -5 })).rejects.toBeInstanceOf(ConfigError);
    });

    describe('when dedupe is on', () => {
      it('shares one result among identical idempotent calls', async () => {
        make({ dedupe: true });
        const calls = [1, 2, 3].map(() => batcher.call('get', { id: 1 }, { idempotent: true }));
        const other = batcher.call('get', { id: 1 });
        await jest.advanceTimersByTimeAsync(2);
        expect(endpoint.sizes).toEqual([2]);
        const results = await Promise.all([...calls, other]);
        expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
        expect(batcher.stats()).toMatchObject({ deduplicated: 2, callsSent: 2 });
      });

      it('when one sharer aborts, the others still get the result', async () => {
        make({ dedupe: true });
        const controller = new AbortController();
        const first = track(batcher.call('get', 1, { idempotent: true, signal: controller.signal }));
        const second = track(batcher.call('get', 1, { idempotent: true }));
        controller.abort();
        await jest.advanceTimersByTimeAsync(2);
        expect([first.rejected, second.resolved]).toEqual([1, 1]);
        expect(endpoint.sizes).toEqual([1]);
      });

      it('when a critical call joins a queued one, sends it at once', async () => {
        make({ dedupe: true, maxDelayMs: 1_000 });
        const first = track(batcher.call('get', 1, { idempotent: true, priority: 'bulk' }));
        const second = track(batcher.call('get', 1, { idempotent: true, priority: 'critical' }));
        await jest.advanceTimersByTimeAsync(0);
        expect([first.resolved, second.resolved]).toEqual([1, 1]);
      });
    });
  });

  describe('.close()', () => {
    it('flushes the waiting calls, waits for the batches in flight, then refuses calls', async () => {
      make({ maxDelayMs: 1_000 });
      endpoint.manual = true;
      const pending = track(batcher.call('m'));
      const closed = track(batcher.close());
      await jest.advanceTimersByTimeAsync(0);
      expect(endpoint.sizes).toEqual([1]);
      expect(closed.resolved).toBe(0);
      endpoint.received[0]!.respond(echoResponse(endpoint.received[0]!.calls));
      await jest.advanceTimersByTimeAsync(0);
      expect([pending.resolved, closed.resolved]).toEqual([1, 1]);
      expect(batcher.stats().flushReasons.close).toBe(1);
      await expect(batcher.call('late')).rejects.toBeInstanceOf(ClientClosedError);
    });

    it('when nothing is pending, resolves at once', async () => {
      make();
      await expect(batcher.close()).resolves.toBeUndefined();
    });
  });

  describe('.updateOptions()', () => {
    it('applies a valid partial live', async () => {
      make({ maxDelayMs: 1_000 });
      const calls = [track(batcher.call('a')), track(batcher.call('b'))];
      expect(batcher.updateOptions({ maxBatchSize: 2 }).maxBatchSize).toBe(2);
      await jest.advanceTimersByTimeAsync(0);
      expect(endpoint.sizes).toEqual([2]);
      expect(calls.map((c) => c.resolved)).toEqual([1, 1]);
    });

    it('when the partial is invalid, throws ConfigError and keeps the old settings', () => {
      make({ maxBatchSize: 4 });
      expect(() => batcher.updateOptions({ maxBatchSize: 0, maxDelayMs: 9 })).toThrow(ConfigError);
      expect(batcher.config).toMatchObject({ maxBatchSize: 4, maxDelayMs: 2 });
    });
  });

  describe('.stats()', () => {
    it('measures batches, mean size, reasons and settled calls per second', async () => {
      make({ maxBatchSize: 4, statsWindowMs: 10_000 });
      for (let i = 0; i < 6; i += 1) void batcher.call('m', i);
      await jest.advanceTimersByTimeAsync(1_000);
      const stats = batcher.stats();
      expect(stats).toMatchObject({
        batchesSent: 2,
        callsSent: 6,
        meanBatchSize: 3,
        flushReasons: { size: 1, delay: 1, bytes: 0, priority: 0, close: 0 },
        compressionRatio: 1,
      });
      expect(stats.itemsPerSecond).toBeCloseTo(6, 5);
    });

    it('reports the byte sums the compression ratio comes from', async () => {
      make();
      const calls = [1, 2, 3].map((n) => track(batcher.call('m', { text: 'x'.repeat(200), n })));
      await jest.advanceTimersByTimeAsync(100);
      expect(calls.map((c) => c.resolved)).toEqual([1, 1, 1]);
      const { bytesLogical, bytesWire, compressionRatio } = batcher.stats();
      expect(bytesLogical).toBeGreaterThan(600);
      expect(bytesWire).toBe(bytesLogical);
      expect(compressionRatio).toBe(1);
    });

    it('when the stats window changes, itemsPerSecond is not inflated by slots of the old length (regression)', async () => {
      make({ statsWindowMs: 10_000 });
      for (let i = 0; i < 20; i++) void batcher.call('m', i);
      await jest.advanceTimersByTimeAsync(5_000);
      batcher.updateOptions({ statsWindowMs: 60_000 });
      await jest.advanceTimersByTimeAsync(120_000);
      void batcher.call('m', 'late');
      await jest.advanceTimersByTimeAsync(1_000);
      // One call in the last 60 s window: 1 ÷ 60 s, not 21 ÷ 60 s.
      expect(batcher.stats().itemsPerSecond).toBeCloseTo(1 / 60, 5);
    });
  });

  describe('when dedupe is on', () => {
    it('encodes each call once (regression: params were stringified twice)', async () => {
      make({ dedupe: true });
      const stringify = jest.spyOn(JSON, 'stringify');
      try {
        const calls = [
          batcher.call('get', { id: 1 }, { idempotent: true }),
          batcher.call('get', { id: 2 }, { idempotent: true }),
        ];
        expect(stringify).toHaveBeenCalledTimes(2);
        await jest.advanceTimersByTimeAsync(2);
        await Promise.all(calls);
      } finally {
        stringify.mockRestore();
      }
    });
  });
});
