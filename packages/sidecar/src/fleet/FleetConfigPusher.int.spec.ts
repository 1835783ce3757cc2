import { jetstreamManager } from '@nats-io/jetstream';
import { ConfigError } from '@slipstream/contracts';
import { connectNats, FleetConfigStore } from '@slipstream/transport-nats';
import { randomBytes } from 'node:crypto';
import { FleetConfigPusher } from './FleetConfigPusher';
import { parseFleetConfig, type FleetConfig } from './parseFleetConfig';

const SERVERS = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];
const bucket = `slippusher_${randomBytes(4).toString('hex')}`;
const network = {
  clusters: [
    { cluster: 'a', endpoints: [{ origin: 'http://127.0.0.1:1' }] },
    { cluster: 'b', endpoints: [{ origin: 'http://127.0.0.1:2' }] },
  ],
};

describe(FleetConfigPusher, () => {
  let nc: Awaited<ReturnType<typeof connectNats>>;
  let store: FleetConfigStore<FleetConfig>;
  let pusher: FleetConfigPusher;

  beforeAll(async () => {
    nc = await connectNats({ servers: SERVERS });
    store = await FleetConfigStore.open(nc, { bucket, validate: parseFleetConfig });
    pusher = new FleetConfigPusher(store);
  });

  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => false);
    await nc.close();
  });

  it('refuses to change a fleet configuration that was never pushed', async () => {
    await expect(pusher.publish('network.batching.configure', { maxDelayMs: 5 })).rejects.toThrow(
      ConfigError,
    );
    expect(await store.latest()).toBeUndefined();
  });

  it('merges each command’s settings into its section, the named cluster for balancing, as a new revision', async () => {
    await store.push({ network });
    await pusher.publish('network.batching.configure', { maxDelayMs: 5 });
    await pusher.publish('network.breaker.configure', { resetTimeoutMs: 2_000 });
    const revision = await pusher.publish('network.balancing.configure', {
      cluster: 'b',
      algorithm: 'p2c-peak-ewma',
    });
    expect(await store.latest()).toEqual({
      revision,
      config: {
        network: {
          clusters: [network.clusters[0], { ...network.clusters[1], algorithm: 'p2c-peak-ewma' }],
          batching: { maxDelayMs: 5 },
          breaker: { resetTimeoutMs: 2_000 },
        },
      },
    });
  });

  it('refuses balancing settings for a cluster the fleet does not have, and stores nothing', async () => {
    const before = (await store.latest())?.revision;
    await expect(
      pusher.publish('network.balancing.configure', { cluster: 'zz', algorithm: 'p2c-peak-ewma' }),
    ).rejects.toThrow(ConfigError);
    expect((await store.latest())?.revision).toBe(before);
  });
});
