import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  InvalidRequestError,
  RequestAbortedError,
  RequestTimeoutError,
} from '@slipstream/contracts';
import { HttpResponse, HttpStreamResponse } from '@slipstream/http';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { createNetworkClient } from './createNetworkClient';
import { PipelineStepError } from './errors/PipelineStepError';
import type { NetworkClient } from './NetworkClient';
import type { PipelineResponse, PipelineStep, StepContext } from './pipeline/PipelineStep';

/** Records the endpoint of every attempt it sees, and what each attempt ended with. */
class AttemptLog implements PipelineStep {
  readonly name = 'attempt-log';
  readonly seen: string[] = [];
  async handle(
    ctx: StepContext,
    next: (ctx: StepContext) => Promise<PipelineResponse>,
  ): Promise<PipelineResponse> {
    try {
      const response = await next(ctx);
      this.seen.push(`${ctx.endpoint} ${response.statusCode}`);
      return response;
    } catch (err) {
      this.seen.push(`${ctx.endpoint} failed`);
      throw err;
    }
  }
}

describe('createNetworkClient({ ... }, { steps })', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(2, { seed: 5 });
  });
  afterEach(async () => {
    await client?.destroy();
    client = undefined;
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  it('runs an added step on each attempt, a retry on another endpoint included, inside the retry step', async () => {
    ups[0]!.setBehaviour({ status: 503 });
    const log = new AttemptLog();
    client = createNetworkClient(
      {
        clusters: [
          {
            cluster: 'api',
            algorithm: 'round-robin',
            endpoints: ups.map((u) => ({ origin: u.origin })),
          },
        ],
        breaker: { volumeThreshold: 1_000 },
        retry: { baseDelayMs: 1, maxDelayMs: 1 },
      },
      { steps: [log] },
    );
    const res = await client.request({ path: '/a', cluster: 'api' });
    expect(res.statusCode).toBe(200);
    // The 503 attempt fails inside the breaker (an upstream failure); the step sees it fail, then the retry's 200.
    expect(log.seen).toEqual([`${ups[0]!.origin} failed`, `${ups[1]!.origin} 200`]);
  });

  /** A client on both upstreams (healthy), with `step` added and retries on. */
  const withStep = (step: PipelineStep) =>
    createNetworkClient(
      {
        clusters: [
          { cluster: 'api', algorithm: 'round-robin', endpoints: ups.map((u) => ({ origin: u.origin })) },
        ],
        breaker: { volumeThreshold: 1 },
        retry: { baseDelayMs: 1, maxDelayMs: 1 },
      },
      { steps: [step] },
    );

  it('when a step throws, the request fails with PipelineStepError once: not retried, no endpoint or breaker blamed', async () => {
    for (const u of ups) u.setBehaviour({});
    let calls = 0;
    client = withStep({
      name: 'broken',
      handle: () => {
        calls += 1;
        throw new Error('no credentials');
      },
    });
    const err = await client.request({ path: '/a', cluster: 'api' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineStepError);
    expect((err as PipelineStepError).cause).toEqual(new Error('no credentials'));
    expect(calls).toBe(1);
    const stats = client.stats();
    expect(stats.retry.retries).toBe(0);
    expect(stats.clusters[0]!.endpoints.map((e) => e.failures)).toEqual([0, 0]);
    expect(stats.breakers.every((b) => b.state === 'closed')).toBe(true);
    // The next request, through a step that calls next, is served.
    client = withStep({ name: 'pass', handle: (ctx, next) => next(ctx) });
    expect((await client.request({ path: '/a', cluster: 'api' })).statusCode).toBe(200);
  });

  it('when a step never settles, the request ends at its deadline and close() drains', async () => {
    client = withStep({ name: 'stuck', handle: () => new Promise<PipelineResponse>(() => undefined) });
    const started = performance.now();
    await expect(client.request({ path: '/a', cluster: 'api' }, { timeoutMs: 200 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    const aborts = new AbortController();
    const aborted = client.request({ path: '/a', cluster: 'api' }, { signal: aborts.signal });
    aborts.abort();
    await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
    await client.close();
  });

  it('when a step answers request() with a stream, the request fails with PipelineStepError and the stream is cut', async () => {
    let answered: HttpStreamResponse | undefined;
    client = withStep({
      name: 'streams',
      handle: () => {
        answered = HttpStreamResponse.of(new HttpResponse(200, {}, Buffer.from('x')));
        return Promise.resolve(answered);
      },
    });
    await expect(client.request({ path: '/a', cluster: 'api' })).rejects.toBeInstanceOf(PipelineStepError);
    expect(answered!.body.destroyed).toBe(true);
  });

  it('when a step answers without calling next, stream() hands its buffered answer over as a stream and the request ends with its body', async () => {
    const answer: PipelineStep = {
      name: 'answer',
      handle: () =>
        Promise.resolve(new HttpResponse(200, { 'x-answered': 'step' }, Buffer.from('from the step'))),
    };
    client = createNetworkClient(
      { clusters: [{ cluster: 'api', endpoints: ups.map((u) => ({ origin: u.origin })) }] },
      { steps: [answer] },
    );
    const res = await client.stream({ path: '/a', cluster: 'api' });
    let body = '';
    for await (const chunk of res.body) body += String(chunk);
    expect([res.statusCode, res.headers['x-answered'], body]).toEqual([200, 'step', 'from the step']);
    expect(await res.ended).toBeUndefined();
    // The request ended with its body: its permit is back and close() has nothing left to wait for.
    await client.close();
  });

  describe('a stream the rest of the chain answered, which a step does not hand over', () => {
    /** A client whose endpoints stream a 4 MB body, with `step` added and retries off. */
    const streaming = (step: PipelineStep) => {
      for (const u of ups) u.setBehaviour({ bodySize: 4_000_000 });
      return createNetworkClient(
        {
          clusters: [{ cluster: 'api', endpoints: ups.map((u) => ({ origin: u.origin })) }],
          retry: { maxRetries: 0 },
        },
        { steps: [step] },
      );
    };
    /** Every count is back to zero: the endpoints', the pools' and the upstreams' own; close() resolves. */
    const released = async (c: NetworkClient): Promise<void> => {
      expect(c.stats().clusters[0]!.endpoints.map((e) => e.inflight)).toEqual([0, 0]);
      for (let i = 0; i < 200 && c.stats().pools.some((p) => p.running > 0); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(c.stats().pools.map((p) => p.running)).toEqual([0]);
      await expect(
        Promise.race([
          c.close().then(() => 'closed'),
          new Promise((r) => setTimeout(() => r('pending'), 2_000)),
        ]),
      ).resolves.toBe('closed');
      for (const u of ups) u.setBehaviour({});
    };

    it('when a step throws after the headers arrived, the stream is destroyed and its endpoint released', async () => {
      client = streaming({
        name: 'refuses-after',
        handle: async (ctx, next) => {
          await next(ctx);
          throw new Error('not this one');
        },
      });
      await expect(client.stream({ path: '/a', cluster: 'api' })).rejects.toBeInstanceOf(PipelineStepError);
      await released(client);
    });

    it('when a step answers with its own response instead, the stream is destroyed and its endpoint released', async () => {
      client = streaming({
        name: 'replaces',
        handle: async (ctx, next) => {
          await next(ctx);
          return new HttpResponse(200, {}, Buffer.from('replaced'));
        },
      });
      const res = await client.stream({ path: '/a', cluster: 'api' });
      let body = '';
      for await (const chunk of res.body) body += String(chunk);
      expect(body).toBe('replaced');
      await released(client);
    });
  });

  it('refuses a step without a handle function or a name when the client is built, naming it', () => {
    const build = (steps: unknown): unknown =>
      createNetworkClient(
        { clusters: [{ cluster: 'api', endpoints: ups.map((u) => ({ origin: u.origin })) }] },
        { steps: steps as PipelineStep[] },
      );
    expect(() => build([{ name: 'ok', handle: () => Promise.reject(new Error('unused')) }, {}])).toThrow(
      ConfigError,
    );
    expect(() => build([{ name: 'n', handle: 42 }])).toThrow(/steps\[0\]\.handle: expected a function/);
    expect(() => build([null])).toThrow(/steps\[0\]: expected a pipeline step/);
    expect(() => build('x')).toThrow(/steps: expected an array/);
  });

  describe('StepContext.setHeader', () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    let origin: string;

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** A client whose one step sets `name: value` on every attempt. */
    function clientSetting(name: string, value: string): NetworkClient {
      const set: PipelineStep = {
        name: 'set',
        handle: (ctx, next) => {
          ctx.setHeader(name, value);
          return next(ctx);
        },
      };
      return createNetworkClient(
        {
          clusters: [{ cluster: 'api', endpoints: [{ origin }] }],
          breaker: { volumeThreshold: 1, errorThresholdPercentage: 1 },
        },
        { steps: [set] },
      );
    }

    it("replaces the caller's header of the same name in another case (one value goes)", async () => {
      client = clientSetting('X-Tenant', 'from-step');
      await client.request({ path: '/', cluster: 'api', headers: { 'x-TENANT': 'from-caller' } });
      expect(seen.at(-1)!['x-tenant']).toBe('from-step');
    });

    it('refuses a value with CR or LF with InvalidRequestError: nothing is sent and no breaker counts it', async () => {
      client = clientSetting('x-bad', 'a\r\ninjected: 1');
      const sent = seen.length;
      for (let i = 0; i < 2; i++)
        await expect(client.request({ path: '/', cluster: 'api' })).rejects.toThrow(InvalidRequestError);
      expect(seen.length).toBe(sent);
      expect(client.stats().breakers.filter((b) => b.failures > 0)).toEqual([]);
    });
  });
});
