import { TOKENS } from '@slipstream/contracts';
import { httpModule } from '@slipstream/http';
import { RetryPolicy } from '@slipstream/resilience';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { Container, ContainerModule } from 'inversify';
import { clientModule } from './clientModule';
import type { NetworkClient } from './NetworkClient';

describe('clientModule', () => {
  let up: Upstream;

  beforeAll(async () => {
    up = (await startUpstreams(1, { seed: 3, behaviour: { status: 503 } }))[0]!;
  });
  afterAll(async () => {
    await up.close();
  });

  it("when TOKENS.RetryPolicy is rebound, the client uses that policy, with the options' retry settings applied to it", async () => {
    const rebound = new RetryPolicy({ maxRetries: 0 });
    const container = new Container();
    await container.load(
      httpModule(),
      clientModule({
        clusters: [{ cluster: 'api', endpoints: [{ origin: up.origin }] }],
        retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
        breaker: { volumeThreshold: 1_000 },
      }),
      new ContainerModule(({ rebindSync }) => {
        rebindSync<RetryPolicy>(TOKENS.RetryPolicy).toConstantValue(rebound);
      }),
    );
    const client = container.get<NetworkClient>(TOKENS.NetworkClient);
    try {
      expect((await client.request({ path: '/a', cluster: 'api' })).statusCode).toBe(503);
      expect(rebound.stats()).toMatchObject({ requests: 1, attempts: 3, retries: 2 });
    } finally {
      await container.unbindAll();
    }
  });
});
