import {
  ConfigError,
  NoResponderError,
  RemoteError,
  TOKENS,
  UpstreamStatusError,
  type NetworkClient,
} from '@slipstream/contracts';

import { NetworkProxyAgent } from './NetworkProxyAgent';
import { RemoteNetworkClient } from './RemoteNetworkClient';
import { testContext } from '../test/testContext';

/** A NetworkClient stand-in that records what reached it. */
function recordingNetwork(seen: unknown[]): NetworkClient {
  return {
    request: (req, opts) => {
      seen.push({ req, opts });
      if (req.path === '/fail') return Promise.reject(new UpstreamStatusError(503, 'down'));
      return Promise.resolve({
        statusCode: 200,
        headers: { 'content-type': 'text/plain' },
        text: () => 'hello',
      });
    },
    call: <T>(method: string, params?: unknown) => {
      seen.push({ method, params });
      return Promise.resolve({ echoed: params } as T);
    },
  };
}

describe(RemoteNetworkClient, () => {
  const seen: unknown[] = [];
  const ctx = testContext({ [TOKENS.NetworkClient]: recordingNetwork(seen) });
  const proxy = new NetworkProxyAgent();
  const client = new RemoteNetworkClient(ctx.bus);

  beforeAll(() => proxy.start(ctx));
  afterAll(async () => {
    await proxy.stop();
    await ctx.bus.close();
  });

  describe('.request()', () => {
    it('when the sidecar answers, resolves with its status, headers and body, and the sidecar got the request without the signal', async () => {
      const response = await client.request(
        { method: 'GET', path: '/a', cluster: 'svc' },
        { priority: 'critical', timeoutMs: 500, signal: new AbortController().signal },
      );
      expect({ status: response.statusCode, headers: response.headers, body: response.text() }).toEqual({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(seen).toContainEqual({
        req: { method: 'GET', path: '/a', cluster: 'svc' },
        opts: { priority: 'critical', timeoutMs: 500 },
      });
      expect(proxy.health().details).toMatchObject({ requests: 1 });
    });

    it('when the sidecar’s pipeline fails, rejects with a RemoteError carrying its code and retryable', async () => {
      const err = await client.request({ path: '/fail' }).catch((e: unknown) => e);
      expect(RemoteError.is(err)).toBe(true);
      expect(err).toMatchObject({ remote: { code: 'SLIP_ERR_UPSTREAM_STATUS' }, retryable: true });
    });

    it('when no sidecar proxy runs, rejects with NoResponderError', async () => {
      const lonely = testContext();
      await expect(new RemoteNetworkClient(lonely.bus).request({ path: '/' })).rejects.toBeInstanceOf(
        NoResponderError,
      );
      await lonely.bus.close();
    });
  });

  describe('.call()', () => {
    it('resolves with the result of the sidecar’s call', async () => {
      await expect(client.call('sum', [1, 2], { cluster: 'svc' })).resolves.toEqual({ echoed: [1, 2] });
    });
  });

  describe('constructor', () => {
    it('when defaultTimeoutMs is not positive, throws a ConfigError naming it', () => {
      expect(() => new RemoteNetworkClient(ctx.bus, { defaultTimeoutMs: 0 })).toThrow(ConfigError);
      expect(() => new RemoteNetworkClient(ctx.bus, { defaultTimeoutMs: 0 })).toThrow(/defaultTimeoutMs/);
    });
  });
});
