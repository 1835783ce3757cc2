import { jetstreamManager } from '@nats-io/jetstream';
import type { Logger } from '@slipstream/contracts';
import { FleetConfigPusher, parseFleetConfig, type FleetConfig } from '@slipstream/sidecar';
import { connectNats, FleetConfigStore } from '@slipstream/transport-nats';
import { randomBytes } from 'node:crypto';
import { OptimizerController } from '../controller/OptimizerController';
import { OPTIMIZER_DEFAULTS } from '../OptimizerOptions';
import { poolSizeRule } from '../rules/poolSizeRule';
import { fakeBus, snapshot } from '../test/queueModel';

const SERVERS = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];
const bucket = `slipoptfleet_${randomBytes(4).toString('hex')}`;
const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const network = {
  clusters: [{ cluster: 'a', endpoints: [{ origin: 'http://127.0.0.1:1' }] }],
  pool: { connections: 1 },
};
/** Snapshots from the first to the A/B's decision: the A/A blocks (one unused) and the A/B pairs, one snapshot a block. */
const TO_DECISION = OPTIMIZER_DEFAULTS.aaBlocks + 1 + 2 * OPTIMIZER_DEFAULTS.abPairs;

describe('PerformanceOptimizer on a fleet (a real JetStream key-value bucket)', () => {
  let nc: Awaited<ReturnType<typeof connectNats>>;
  let store: FleetConfigStore<FleetConfig>;

  beforeAll(async () => {
    nc = await connectNats({ servers: SERVERS });
    store = await FleetConfigStore.open(nc, { bucket, validate: parseFleetConfig });
  });

  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => false);
    await nc.close();
  });

  /** Runs the pool rule's change through its A/B with `queuedAt` as the system's answer; resolves with the connections in force on the sidecar. */
  async function decide(queuedAt: (connections: number) => number): Promise<number> {
    const connections = { value: 1 };
    const { bus } = fakeBus(connections);
    const fleet = new FleetConfigPusher(store);
    const c = new OptimizerController(
      bus,
      [poolSizeRule({ maxConnections: 8, maxStep: 4 })],
      logger,
      { cooldownMs: 1_000, verifySnapshots: 1, fleet },
      () => 0,
    );
    for (let i = 0; i < TO_DECISION; i++)
      await c.onSnapshot(snapshot(queuedAt(connections.value), connections.value));
    expect(c.changeInFlight).toBe(false);
    expect(c.counts.fleetFailures).toBe(0);
    return connections.value;
  }

  it('pushes a change it keeps as a new revision of the fleet configuration', async () => {
    const { revision: before } = await store.push({ network });
    expect(await decide((n) => (n > 1 ? 1 : 6))).toBe(2);
    const latest = await store.latest();
    expect(latest?.revision).toBeGreaterThan(before);
    expect(latest?.config).toEqual({ network: { ...network, pool: { connections: 2 } } });
  });

  it('rolls the fleet back to the previous settings when it reverts a change', async () => {
    const { revision: before } = await store.push({ network: { ...network, pool: { connections: 4 } } });
    // The fleet moved on meanwhile (say, another optimizer kept 4): the rollback restores the settings before this change.
    expect(await decide(() => 6)).toBe(1);
    const latest = await store.latest();
    expect(latest?.revision).toBeGreaterThan(before);
    expect(latest?.config).toEqual({ network: { ...network, pool: { connections: 1 } } });
  });
});
