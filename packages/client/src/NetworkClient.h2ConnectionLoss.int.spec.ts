import { Http2Upstream, makeTestCertificates, type TestCertificates } from '@slipstream/testkit';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

/** Polls `check` on each event-loop turn until it holds; bounded by `turns` (no wall-clock assert). */
async function eventually(check: () => boolean, turns = 100_000): Promise<boolean> {
  for (let i = 0; i < turns && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  return check();
}

describe('NetworkClient over HTTP/2 when the upstream cuts its connections', () => {
  let certs: TestCertificates;
  let up: Http2Upstream;
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    certs = makeTestCertificates();
    up = await new Http2Upstream({ cert: certs.server.cert, key: certs.server.key }).start();
  });

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
  });

  afterAll(async () => {
    await up.close();
    certs.remove();
  });

  it('loses none of 200 concurrent GETs to an abrupt drop (no GOAWAY) and charges none to the retry budget', async () => {
    client = createNetworkClient({
      clusters: [
        { cluster: 'h2', protocol: 'h2', tls: { ca: certs.ca.cert }, endpoints: [{ origin: up.origin }] },
      ],
    });
    const failures: unknown[] = [];
    const answeredPaths: string[] = [];
    const run = Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client!.request({ cluster: 'h2', path: `/d${i}` }).then(
          (r) => answeredPaths.push(r.json<{ path: string }>().path),
          (e: unknown) => failures.push(e),
        ),
      ),
    );
    // Mid-run: streams are open on the connections and others are still to come.
    expect(await eventually(() => up.counters().requestsServed >= 50)).toBe(true);
    up.drop();
    await run;
    expect(failures).toEqual([]);
    // Each caller got the upstream's own answer to its request. (Not `requestsServed`: the upstream
    // counts a response when its write is flushed, which a destroyed socket may cut after the
    // client already read it.)
    expect(answeredPaths.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `/d${i}`).sort());
    // The streams that died with their connections were replayed by the pool, not by the
    // budgeted retry step (a replay of a request the upstream never answered adds no load it refused).
    expect(client.stats().pools[0]?.staleRetries).toBeGreaterThan(0);
    expect(client.stats().retry).toMatchObject({ retries: 0, budgetExhausted: 0 });
  });
});
