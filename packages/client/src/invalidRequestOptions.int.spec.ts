import { InvalidRequestError } from '@slipstream/contracts';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

/**
 * Regression (review of #13): bad per-request input was sent and charged to the upstream — six
 * requests with `timeoutMs: NaN`, method CONNECT or an `upgrade` header ejected a healthy endpoint
 * and opened its breaker. Each is now an `InvalidRequestError` before anything is queued.
 */
describe('NetworkClient: bad per-request input', () => {
  let up: Upstream;
  let client: NetworkClient;

  beforeAll(async () => {
    up = await startUpstream();
    client = createNetworkClient({
      clusters: [
        { cluster: 'api', endpoints: [{ origin: up.origin }], outlierDetection: { consecutiveFailures: 2 } },
      ],
    });
  });
  afterAll(async () => {
    await client.close();
    await up.close();
  });

  const bad: [string, () => Promise<unknown>][] = [
    ['timeoutMs NaN', () => client.request({ path: '/x', cluster: 'api' }, { timeoutMs: NaN })],
    [
      'timeoutMs as a string',
      () => client.request({ path: '/x', cluster: 'api' }, { timeoutMs: '50' as never }),
    ],
    ['timeoutMs negative', () => client.request({ path: '/x', cluster: 'api' }, { timeoutMs: -5 })],
    [
      'timeoutMs beyond a Node timer (2³¹ ms: it would fire at once)',
      () => client.request({ path: '/x', cluster: 'api' }, { timeoutMs: 2 ** 31 }),
    ],
    ['decode as a string', () => client.stream({ path: '/x', cluster: 'api' }, { decode: 'no' as never })],
    ['an unknown option', () => client.request({ path: '/x', cluster: 'api' }, { timeoutMS: 5 } as never)],
    ['method CONNECT', () => client.request({ path: '/x', cluster: 'api', method: 'CONNECT' })],
    ['a lower-case method', () => client.request({ path: '/x', cluster: 'api', method: 'get' })],
    [
      'an upgrade header',
      () => client.request({ path: '/x', cluster: 'api', headers: { upgrade: 'websocket' } }),
    ],
    [
      'a transfer-encoding header',
      () => client.stream({ path: '/x', cluster: 'api', headers: { 'transfer-encoding': 'chunked' } }),
    ],
    ['a non-ASCII path', () => client.request({ path: '/é', cluster: 'api' })],
    ['a null request', () => client.request(null as never)],
    [
      'call() with idempotent "yes"',
      () => client.call('echo', [], { cluster: 'api', idempotent: 'yes' as never }),
    ],
    ['call() with an empty method', () => client.call('', [], { cluster: 'api' })],
    [
      'notify() with idempotent',
      () => client.notify('echo', [], { cluster: 'api', idempotent: true } as never),
    ],
  ];

  it.each(bad)('%s is refused with SLIP_ERR_INVALID_REQUEST, nothing sent', async (_name, send) => {
    const before = up.counters().requests.length;
    const err = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(InvalidRequestError.is(err)).toBe(true);
    expect(up.counters().requests.length).toBe(before);
  });

  it('after all of them the endpoint is in rotation and its breaker closed: the next good GET succeeds', async () => {
    for (const [, send] of bad) await send().catch(() => undefined);
    const res = await client.request({ path: '/x', cluster: 'api' });
    expect(res.statusCode).toBe(200);
  });
});
