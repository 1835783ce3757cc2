import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKENS, type RequestObserver } from '@slipstream/contracts';
import { PoolManager } from '@slipstream/http';
import { Container } from 'inversify';
import { clientModule } from './clientModule';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

/** Records every observer call, in order, as plain data. */
function recordingObserver(calls: unknown[][], name = 'o'): RequestObserver {
  return {
    addsHeaders: true,
    requestStarted(request) {
      calls.push([name, 'requestStarted', request]);
      return {
        admitted: (queueWaitMs) => calls.push([name, 'admitted', typeof queueWaitMs]),
        attemptStarted(attempt, headers) {
          calls.push([name, 'attemptStarted', attempt]);
          headers.traceparent = `00-${'1'.repeat(32)}-${String(attempt.attempt).padStart(16, '0')}-01`;
          return {
            finished: (outcome) => calls.push([name, 'attemptFinished', outcome.outcome, outcome.status]),
          };
        },
        finished: (result) =>
          calls.push([
            name,
            'finished',
            result.outcome,
            result.status,
            result.attempts,
            typeof result.durationMs,
          ]),
      };
    },
  };
}

describe('NetworkClient (request observers)', () => {
  let server: Server;
  let origin: string;
  const seen: IncomingHttpHeaders[] = [];
  let failFirst = 0;
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      const status = failFirst > 0 ? (failFirst--, 503) : 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    seen.length = 0;
    failFirst = 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const options = () => ({
    clusters: [{ cluster: 'api', endpoints: [{ origin }], healthCheck: { intervalMs: 60_000 } }],
    routes: [{ id: 'work', match: { path: '/work' }, cluster: 'api' }],
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });

  it('when a request is retried, calls every observer after routing, at admission, per attempt (with headers it may add to) and once at the end', async () => {
    const calls: unknown[][] = [];
    client = createNetworkClient(options(), {
      observers: [recordingObserver(calls, 'a'), recordingObserver(calls, 'b')],
    });
    failFirst = 1;
    const headers = { 'x-caller': '1' };
    expect((await client.request({ path: '/work', headers })).statusCode).toBe(200);
    expect(calls.filter((c) => c[0] === 'a')).toEqual([
      [
        'a',
        'requestStarted',
        {
          method: 'GET',
          path: '/work',
          cluster: 'api',
          route: 'work',
          qosClass: 'standard',
          kind: 'request',
        },
      ],
      ['a', 'admitted', 'number'],
      ['a', 'attemptStarted', { attempt: 1, endpoint: origin, reason: 'first' }],
      ['a', 'attemptFinished', 'upstream_failure', 503],
      ['a', 'attemptStarted', { attempt: 2, endpoint: origin, reason: 'retry', retryOf: 'upstream_failure' }],
      ['a', 'attemptFinished', 'success', 200],
      ['a', 'finished', 'success', 200, 2, 'number'],
    ]);
    expect(calls.filter((c) => c[0] === 'b')).toHaveLength(7);
    // What the observer added went out with each attempt; the caller's own headers object is untouched.
    expect(seen.map((h) => [h.traceparent, h['x-caller']])).toEqual([
      [`00-${'1'.repeat(32)}-0000000000000001-01`, '1'],
      [`00-${'1'.repeat(32)}-0000000000000002-01`, '1'],
    ]);
    expect(headers).toEqual({ 'x-caller': '1' });
  });

  it('when observers are bound in the container under TOKENS.RequestObserver, the client calls them', async () => {
    const calls: unknown[][] = [];
    const container = new Container();
    const pool = new PoolManager();
    container.bind(TOKENS.PoolManager).toConstantValue(pool);
    container.bind(TOKENS.RequestObserver).toConstantValue(recordingObserver(calls));
    await container.load(clientModule(options()));
    const fromContainer = container.get<NetworkClient>(TOKENS.NetworkClient);
    expect((await fromContainer.request({ path: '/work' })).statusCode).toBe(200);
    expect(calls.map((c) => c[1])).toEqual([
      'requestStarted',
      'admitted',
      'attemptStarted',
      'attemptFinished',
      'finished',
    ]);
    await container.unbindAll();
    await pool.close();
  });

  it('when no bound observer adds headers, hands each attempt the caller’s own headers (no copy per attempt)', async () => {
    const handed: Record<string, string>[] = [];
    const reader: RequestObserver = {
      requestStarted: () => ({
        admitted: () => undefined,
        attemptStarted(_attempt, headers) {
          handed.push(headers);
          return { finished: () => undefined };
        },
        finished: () => undefined,
      }),
    };
    client = createNetworkClient(options(), { observers: [reader] });
    failFirst = 1;
    const headers = { 'x-caller': '1' };
    expect((await client.request({ path: '/work', headers })).statusCode).toBe(200);
    expect(handed).toHaveLength(2);
    expect(handed.every((h) => h === headers)).toBe(true);
    expect(seen.map((h) => h['x-caller'])).toEqual(['1', '1']);
  });

  it('when the observations of an observer that adds headers say they add none, hands each attempt the caller’s own headers', async () => {
    const handed: Record<string, string>[] = [];
    const observation = (addsHeaders: boolean | undefined) => ({
      addsHeaders,
      admitted: () => undefined,
      attemptStarted(_attempt: unknown, headers: Record<string, string>) {
        handed.push(headers);
        return { finished: () => undefined };
      },
      finished: () => undefined,
    });
    const untraced: RequestObserver = { addsHeaders: true, requestStarted: () => observation(false) };
    const reader: RequestObserver = { requestStarted: () => observation(undefined) };
    client = createNetworkClient(options(), { observers: [untraced, reader] });
    const headers = { 'x-caller': '1' };
    expect((await client.request({ path: '/work', headers })).statusCode).toBe(200);
    expect(handed).toEqual([headers, headers]);
    expect(handed.every((h) => h === headers)).toBe(true);
  });

  it('when no observer is bound, sends the caller’s headers as they are', async () => {
    client = createNetworkClient(options());
    await client.request({ path: '/work', headers: { 'x-caller': '1' } });
    expect(seen[0]!.traceparent).toBeUndefined();
    expect(seen[0]!['x-caller']).toBe('1');
  });
});
