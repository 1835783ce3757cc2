import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { Readable } from 'node:stream';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

const PATH = '/upload';
const ROWS = Array.from({ length: 2_000 }, (_, i) => `row-${i},${'x'.repeat(40)}\n`);
const LOGICAL = ROWS.reduce((n, row) => n + Buffer.byteLength(row), 0);

/** The rows as an async iterable of bytes (a body that can be read once), a turn between rows. */
async function* rows(): AsyncIterable<Uint8Array> {
  for (const row of ROWS) {
    await new Promise((resolve) => setImmediate(resolve));
    yield Buffer.from(row);
  }
}

describe('NetworkClient.stream() with a streamed request body', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(1, { seed: 11 });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    ups[0]!.setBehaviour([]);
    ups[0]!.resetCounters();
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  const make = (policy: Record<string, unknown>): NetworkClient =>
    createNetworkClient({
      clusters: [
        { cluster: 'api', endpoints: [{ origin: ups[0]!.origin }], healthCheck: { intervalMs: 60_000 } },
      ],
      routes: [{ id: 'up', match: { path: PATH }, cluster: 'api', policy }],
    });

  it('sends a Readable or an async iterable as it flows, byte for byte', async () => {
    client = make({});
    for (const body of [Readable.from(rows()), rows()]) {
      const res = await client.stream({ method: 'POST', path: PATH, body });
      res.body.resume();
      expect(await res.ended).toBeUndefined();
      expect(ups[0]!.counters().requests.at(-1)).toMatchObject({
        contentEncoding: 'identity',
        bytesInDecoded: LOGICAL,
      });
    }
  });

  it('is never retried, even a PUT on a route that retries (its body can be read once)', async () => {
    ups[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 503 } }]);
    client = make({ retries: 3 });
    const res = await client.stream({ method: 'PUT', path: PATH, body: rows() }, { idempotent: true });
    res.body.resume();
    await res.ended;
    expect(res.statusCode).toBe(503);
    expect(ups[0]!.counters().requestsByStatus['503']).toBe(1);
    expect(client.stats().retry.retries).toBe(0);
  });

  it("is compressed as a stream when the route's compression applies", async () => {
    client = make({ compression: 'gzip' });
    const res = await client.stream({ method: 'POST', path: PATH, body: rows() });
    res.body.resume();
    await res.ended;
    const received = ups[0]!.counters().requests.at(-1)!;
    expect(received.contentEncoding).toBe('gzip');
    expect(received.bytesInDecoded).toBe(LOGICAL);
    expect(received.bytesInWire).toBeLessThan(LOGICAL / 2);
    expect(res.bytesOutLogical).toBe(LOGICAL);
    expect(res.bytesOutWire).toBe(received.bytesInWire);
  });
});
