import { BEHAVIOUR_HEADER, startUpstream, type Upstream } from '@slipstream/testkit';
import { Agent, request } from 'undici';
import { runBatchingProperty, type FaultyTransport } from '../test/batchingProperty';
import { RequestBatcher } from './RequestBatcher';

describe(RequestBatcher, () => {
  let upstream: Upstream;
  let agent: Agent;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  /** A tiny sender on undici: POSTs the batch to the testkit's JSON-RPC endpoint with the chosen faults. */
  const transport: FaultyTransport = async (batch, signal, faults) => {
    const response = await request(`${upstream.url}/rpc`, {
      method: 'POST',
      dispatcher: agent,
      headers: { ...batch.headers, [BEHAVIOUR_HEADER]: JSON.stringify({ rpc: faults }) },
      body: typeof batch.body === 'string' ? batch.body : Buffer.from(batch.body),
      signal,
    });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    upstream = await startUpstream({ seed: 1 });
    agent = new Agent({ connections: 16 });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await agent.close();
    await upstream.close();
  });

  describe('.call()', () => {
    it.each([
      ['uncompressed', {}],
      [
        'gzip above 512 bytes',
        { compression: 'gzip' as const, compressionThresholdBytes: 512, maxBatchSize: 20 },
      ],
    ])(
      'when 10 000 calls over real sockets meet random faults and aborts (%s), settles each exactly once as planned',
      async (_label, batcher) => {
        const report = await runBatchingProperty({ calls: 10_000, seed: 0xba7c4, batcher, transport });
        expect(report.mismatches.slice(0, 10)).toEqual([]);
        expect(report.records.every((r) => r.resolved + r.rejected === 1)).toBe(true);
        for (const kind of ['ok', 'aborted', 'rpc', 'missing', 'duplicate', 'status', 'malformed']) {
          expect(report.kinds[kind]).toBeGreaterThan(0);
        }
        expect(unhandled).toEqual([]);
      },
      120_000,
    );

    it('when bodies are gzipped, the upstream decodes them and compressionRatio is measured below 1', async () => {
      upstream.resetCounters();
      const batcher = new RequestBatcher((batch, signal) => transport(batch, signal, {}), {
        compression: 'gzip',
        compressionThresholdBytes: 0,
        maxBatchSize: 50,
      });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          batcher.call('echo', { text: 'the same words again '.repeat(4), i }),
        ),
      );
      await batcher.close();
      expect(results[7]).toEqual({ text: 'the same words again '.repeat(4), i: 7 });
      const ratio = batcher.stats().compressionRatio;
      expect(ratio).toBeGreaterThan(0);
      expect(ratio).toBeLessThan(1);
    });
  });
});
