import { InvalidRequestError } from '@slipstream/contracts';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { createNetworkClient } from './createNetworkClient';
import type { ClientRequest } from './ClientRequest';
import type { NetworkClient } from './NetworkClient';

describe('NetworkClient with bad per-request input (issue #13)', () => {
  let upstream: Upstream;
  let client: NetworkClient;

  beforeAll(async () => {
    upstream = await startUpstream({ seed: 3 });
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: upstream.origin }] }],
    });
  });
  afterAll(async () => {
    await client.close();
    await upstream.close();
  });

  it.each([
    ['a path without /', { path: 'work' }, 'path'],
    ['a path with a space', { path: '/a b' }, 'path'],
    ['a method with a space', { path: '/work', method: 'GE T' }, 'method'],
    ['a path with a non-ASCII character', { path: '/caf\u00e9' }, 'path'],
    ['a path with DEL', { path: '/a\u007f' }, 'path'],
    ['CRLF in a header value', { path: '/work', headers: { 'x-a': 'v\r\nx-injected: 1' } }, 'headers["x-a"]'],
    ['NUL in a header value', { path: '/work', headers: { 'x-a': 'v\u0000' } }, 'headers["x-a"]'],
    [
      'a connection-specific header',
      { path: '/work', headers: { Connection: 'close' } },
      'headers["Connection"]',
    ],
    ['a header name with a colon', { path: '/work', headers: { 'x:a': 'v' } }, 'headers["x:a"]'],
    ['an object body', { path: '/work', method: 'POST', body: { a: 1 } }, 'body'],
    [
      "a content-length that is not the body's",
      { path: '/work', method: 'POST', headers: { 'content-length': '10' }, body: 'abc' },
      'headers["content-length"]',
    ],
    [
      'a content-length that is not a number',
      { path: '/work', method: 'POST', headers: { 'Content-Length': 'abc' }, body: 'abc' },
      'headers["Content-Length"]',
    ],
    [
      'a content-length without a body',
      { path: '/work', headers: { 'content-length': '3' } },
      'headers["content-length"]',
    ],
  ])(
    '%s: request() and stream() reject with InvalidRequestError naming it; nothing is sent',
    async (_title, req, field) => {
      upstream.resetCounters();
      for (const send of [client.request.bind(client), client.stream.bind(client)]) {
        const error = (await send({ cluster: 'api', ...(req as ClientRequest) }).catch(
          (e: unknown) => e,
        )) as InvalidRequestError;
        expect(InvalidRequestError.is(error)).toBe(true);
        expect(error).toMatchObject({ code: 'SLIP_ERR_INVALID_REQUEST', field });
      }
      expect(upstream.counters().requestsReceived).toBe(0);
    },
  );

  it('a valid request goes through, a matching content-length included', async () => {
    expect(
      (await client.request({ cluster: 'api', path: '/work', headers: { 'x-a': 'v' } })).statusCode,
    ).toBe(200);
    // A tab and obs-text (bytes above 0x7f) may travel in a header value.
    expect(
      (await client.request({ cluster: 'api', path: '/work', headers: { 'x-a': 'a\tb \u00e9' } })).statusCode,
    ).toBe(200);
    const body = 'héllo';
    const headers = { 'content-length': String(Buffer.byteLength(body)) };
    expect(
      (await client.request({ cluster: 'api', path: '/work', method: 'POST', headers, body })).statusCode,
    ).toBe(200);
  });
});
